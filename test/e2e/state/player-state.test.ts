/**
 * Player state end to end: HTTP → the root service under `serverless offline start` → the stages,
 * which keep each player's state once in the local DynamoDB (moto, from the jest global setup) →
 * the notices on the real broker, and the game's reads through GET /players/{id} and its ledger.
 */
jest.setTimeout(420_000);

import { type HttpAnswer, request } from '../../helpers/http';
import { uniqueName } from '../../helpers/names';
import { waitFor } from '../../helpers/wait';
import {
  deleteGroups,
  eventsOf,
  type PipelineEvent,
  type Stack,
  startEvent,
  startStack,
  waitForEvents,
  writeRaw,
} from '../pipelines/pipeline';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack('state');
});

afterAll(async () => {
  await stack?.stop();
  if (stack) await deleteGroups(stack.groupPrefix);
});

const player = () => uniqueName('state-player');
const get = (route: string): Promise<HttpAnswer> => request(`${stack.server.httpUrl}/api/kafka${route}`);

async function start(route: string, body: Record<string, unknown>): Promise<string> {
  const answer = await stack.post(route, body);
  expect(answer).toMatchObject({ status: 202 });
  return answer.json.correlation_id as string;
}

/** The player as the game reads it, once `ready` holds. */
const playerWhen = (user: string, ready: (json: HttpAnswer['json']) => boolean, what: string) =>
  waitFor(
    async () => {
      const answer = await get(`/players/${user}`);
      return answer.status === 200 && ready(answer.json) ? answer.json : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500, what },
  );

const notice = (events: PipelineEvent[], type: string) => events.filter((e) => e.data.type === type);

describe('player state', () => {
  it('an unknown player is a 404 JSON error; a bad cursor a 400; a bad limit a 400', async () => {
    // The first call loads the function: on a loaded machine that may outlast its 10 s timeout (a 504).
    const user = player();
    const unknown = await waitFor(
      async () => {
        const answer = await get(`/players/${user}`);
        return answer.status === 504 ? undefined : answer;
      },
      { timeoutMs: 120_000, intervalMs: 1000, what: 'GET /players/{id} past its cold start' },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'not_found' });
    const badCursor = await get(`/players/${player()}/ledger?cursor=not-a-cursor`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.json.error).toMatchObject({ code: 'invalid_cursor' });
    const badLimit = await get(`/players/${player()}/ledger?limit=101`);
    expect(badLimit.status).toBe(400);
    expect(badLimit.json.error).toMatchObject({ code: 'validation_failed' });
  });

  it('two 600-token gacha pulls: one VIP_TIER_REACHED silver; lifetime spend 1200, tier silver', async () => {
    const user = player();
    const pull = (gacha: string) =>
      start('/game/gacha-open', {
        user_id: user,
        gacha_id: gacha,
        cost: 600,
        items: [{ item_id: `${gacha}-item`, rarity: 'rare' }],
      });
    const first = await pull('neon-banner-1');
    await waitForEvents('analytics', first, 2);
    const second = await pull('neon-banner-2');
    const analytics = await waitForEvents('analytics', second, 2);
    expect(analytics.find((e) => e.event_type === 'MONETIZATION_METRICS')!.data).toMatchObject({
      lifetime_spend: 1200,
      vip_tier_reached: 'silver',
    });
    const [vip] = await waitForEvents('vip_events', second, 1);
    expect(vip).toMatchObject({ event_type: 'VIP_TIER_REACHED', user_id: user, data: { tier: 'silver' } });
    const state = await playerWhen(user, (p) => p.lifetime_spend === 1200, 'lifetime spend 1200');
    expect(state).toMatchObject({
      user_id: user,
      lifetime_spend: 1200,
      vip_tier: 'silver',
      token_balance: 0,
    });
    expect(await eventsOf('vip_events', first)).toEqual([]);
    expect(await eventsOf('vip_events', second)).toHaveLength(1);
  });

  it('earn then spend: TOKENS_GRANTED and TOKENS_SPENT with balances; the ledger newest first', async () => {
    const user = player();
    const earned = await start('/game/cyber-token-earn', {
      user_id: user,
      amount: 100,
      reason: 'daily login',
    });
    const [granted] = await waitForEvents('notifications', earned, 1);
    expect(granted!.data).toMatchObject({ type: 'TOKENS_GRANTED', amount: 100, balance: 100 });
    const spent = await start('/game/cyber-token-spend', {
      user_id: user,
      amount: 40,
      reason: 'neon skin',
      item_id: 'skin_neon',
    });
    const [debited] = await waitForEvents('notifications', spent, 1);
    expect(debited).toMatchObject({
      user_id: user,
      data: { type: 'TOKENS_SPENT', amount: 40, balance: 60, item_id: 'skin_neon', related_event_id: spent },
    });
    const state = await playerWhen(user, (p) => p.token_balance === 60, 'balance 60');
    expect(state).toMatchObject({ token_balance: 60, lifetime_spend: 0, vip_tier: null });
    const ledger = await get(`/players/${user}/ledger`);
    expect(ledger.status).toBe(200);
    expect(ledger.json).toMatchObject({
      entries: [
        { seq: 2, event_id: spent, kind: 'spend', amount: -40, balance_after: 60, item_id: 'skin_neon' },
        { seq: 1, event_id: earned, kind: 'earn', amount: 100, balance_after: 100, reason: 'daily login' },
      ],
      next_cursor: null,
    });
    const page1 = await get(`/players/${user}/ledger?limit=1`);
    expect((page1.json.entries as { seq: number }[]).map((e) => e.seq)).toEqual([2]);
    const page2 = await get(`/players/${user}/ledger?limit=1&cursor=${page1.json.next_cursor as string}`);
    expect(page2.json).toMatchObject({ entries: [{ seq: 1 }], next_cursor: null });
  });

  it('a spend over the balance: a rejection naming the shortfall, nothing debited', async () => {
    const user = player();
    const earned = await start('/game/cyber-token-earn', { user_id: user, amount: 50, reason: 'quest' });
    await waitForEvents('notifications', earned, 1);
    const spent = await start('/game/cyber-token-spend', { user_id: user, amount: 80, reason: 'mega chest' });
    const [refused] = await waitForEvents('notifications', spent, 1);
    expect(refused!.data).toMatchObject({
      type: 'TOKENS_SPEND_REJECTED',
      amount: 80,
      balance: 50,
      shortfall: 30,
      body: 'mega chest costs 80 cyber tokens; you have 50, 30 short. Nothing was spent.',
    });
    const state = await get(`/players/${user}`);
    expect(state.json).toMatchObject({ token_balance: 50 });
    const ledger = await get(`/players/${user}/ledger`);
    expect((ledger.json.entries as { kind: string }[]).map((e) => e.kind)).toEqual(['earn']);
  });

  it('battle-pass XP: one LEVEL_UP per level passed, from the stored XP (total_xp ignored)', async () => {
    const user = player();
    const gain = async (xp: number) => {
      const event = startEvent('XP_GAINED', user, { season: 'S1-neon', xp_gained: xp, total_xp: 0 });
      await writeRaw('battle_pass', [{ key: user, value: JSON.stringify(event) }]);
      return event.event_id;
    };
    const first = await gain(120);
    const [level2] = await waitForEvents('notifications', first, 1);
    expect(level2!.data).toMatchObject({ type: 'LEVEL_UP', level: 2, total_xp: 120 });
    await playerWhen(user, (p) => (p.battle_pass as { xp: number }[])[0]?.xp === 120, 'xp 120');
    const second = await gain(400);
    const notices = await waitForEvents('notifications', second, 2);
    expect(notice(notices, 'LEVEL_UP').map((n) => n.data.level)).toEqual([3, 4]);
    const state = await playerWhen(user, (p) => (p.battle_pass as { xp: number }[])[0]?.xp === 520, 'xp 520');
    expect(state.battle_pass).toEqual([{ season: 'S1-neon', level: 4, xp: 520 }]);
    expect(await eventsOf('notifications', first)).toHaveLength(1);
  });

  it('three wins in a row: a WIN_STREAK feedback of its own; slot stats stored', async () => {
    const user = player();
    const spins: string[] = [];
    for (const payout of [0, 20, 30, 40]) {
      spins.push(
        await start('/game/slot-spin', {
          user_id: user,
          bet_amount: 10,
          payout,
          symbols: ['7', 'BAR', 'CHERRY'],
        }),
      );
      // One at a time: the streak is the order the player spun in.
      await waitForEvents('analytics', spins.at(-1)!, 1);
    }
    const feedback = await waitForEvents('real_time_feedback', spins[3]!, 2);
    const streak = feedback.find((f) => f.event_type === 'WIN_STREAK');
    expect(streak).toMatchObject({
      user_id: user,
      causation_id: spins[3],
      data: { feedback_type: 'WIN_STREAK', streak: 3, message: '3 wins in a row!' },
    });
    const notices = await waitForEvents('notifications', spins[3]!, 3);
    expect(notice(notices, 'FEEDBACK').map((n) => n.data.feedback_type)).toContain('WIN_STREAK');
    for (const earlier of spins.slice(0, 3)) {
      const found = await eventsOf('real_time_feedback', earlier);
      expect(found.filter((f) => f.event_type === 'WIN_STREAK')).toEqual([]);
    }
    const state = await playerWhen(user, (p) => (p.slots as { spins: number }).spins === 4, '4 spins');
    expect(state.slots).toEqual({
      spins: 4,
      total_bet: 40,
      total_payout: 90,
      wins: 3,
      losses: 1,
      streak: { kind: 'win', length: 3 },
      best_win_streak: 3,
    });
  });
});
