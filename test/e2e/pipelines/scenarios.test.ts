/**
 * The scenario pipelines end to end: HTTP (or kcat, for topics without an endpoint) → the root
 * service under `serverless offline start` with the Kafka emulator → the real broker → every
 * downstream topic, read back with kcat and matched by `correlation_id`.
 */
jest.setTimeout(180_000);

import { randomUUID } from 'node:crypto';
import { uniqueName } from '../../helpers/names';
import { waitFor } from '../../helpers/wait';
import {
  allEvents,
  deadLettersOf,
  deleteGroups,
  duplicateIds,
  eventsOf,
  type PipelineEvent,
  type Stack,
  startEvent,
  startStack,
  waitForEvents,
  writeRaw,
} from './pipeline';

let stack: Stack;
/** Every scenario started here, checked once more for duplicates at the end. */
const started: string[] = [];
const OUTPUT_TOPICS = ['notifications', 'analytics', 'real_time_feedback', 'vip_events'];

beforeAll(async () => {
  stack = await startStack('pipelines');
});

afterAll(async () => {
  await stack?.stop();
  if (stack) await deleteGroups(stack.groupPrefix);
});

const player = () => uniqueName('player');

async function startScenario(route: string, body: Record<string, unknown>): Promise<string> {
  const answer = await stack.post(route, body);
  expect(answer.status).toBe(202);
  const correlation = answer.json.correlation_id as string;
  expect(correlation).toEqual(expect.any(String));
  started.push(correlation);
  return correlation;
}

const byType = (events: PipelineEvent[], type: string) => events.filter((e) => e.data.type === type);

describe('slot spin: user_actions → process-user-action → analytics → analyze-game-result → feedback → notifications', () => {
  it("the seed's own test message, exactly as written, is accepted and becomes a bet placed", async () => {
    const seedMessage = {
      event_type: 'user_action',
      user_id: 'user_12345',
      timestamp: 1690614300.123,
      data: { action: 'SLOT_SPIN', bet_amount: 50 },
    };
    const answer = await stack.post('/messages/user-action', seedMessage);
    expect(answer.status).toBe(202);
    const id = (answer.json.accepted as { event_id: string }[])[0]!.event_id;
    started.push(id);
    const [bet] = await waitForEvents('analytics', id, 1);
    expect(bet).toMatchObject({
      event_type: 'BET_PLACED',
      user_id: 'user_12345',
      causation_id: id,
      data: { metric: 'bet_placed', game: 'slot', bet_amount: 50 },
    });
    // Its outcome is not known yet: nothing to tell the player, no feedback.
    expect(await eventsOf('notifications', id)).toEqual([]);
    expect(await eventsOf('real_time_feedback', id)).toEqual([]);
  });

  it('seed scenario 1 (user action → notification): a paying spin notifies its reward', async () => {
    const user = player();
    const id = await startScenario('/game/slot-spin', {
      user_id: user,
      bet_amount: 50,
      payout: 120,
      symbols: ['CHERRY', 'CHERRY', 'BAR'],
    });
    const notices = await waitForEvents('notifications', id, 2);
    const [reward] = byType(notices, 'REWARD');
    expect(reward).toMatchObject({
      user_id: user,
      correlation_id: id,
      causation_id: id,
      data: { title: 'You won 120 coins!', related_event_id: id, payout: 120, bet_amount: 50 },
    });
  });

  it('seed scenario 2 (game completed → analytics → real-time feedback): a big win, every hop correlated', async () => {
    const user = player();
    const id = await startScenario('/game/slot-spin', {
      user_id: user,
      bet_amount: 10,
      payout: 500,
      symbols: ['7', '7', '7'],
      game_id: 'neon-nights',
    });
    const [completed] = await waitForEvents('analytics', id, 1);
    expect(completed).toMatchObject({
      event_type: 'GAME_COMPLETED',
      causation_id: id,
      data: { metric: 'game_completed', bet_amount: 10, payout: 500, multiplier: 50, game_id: 'neon-nights' },
    });
    const [feedback] = await waitForEvents('real_time_feedback', id, 1);
    expect(feedback).toMatchObject({
      event_type: 'DOPAMINE_TRIGGER',
      user_id: user,
      causation_id: completed!.event_id,
      data: { feedback_type: 'BIG_WIN', source: 'slot' },
    });
    expect(feedback!.data.intensity).toBeGreaterThanOrEqual(0.7);
    const notices = await waitForEvents('notifications', id, 2);
    expect(byType(notices, 'FEEDBACK')[0]).toMatchObject({
      causation_id: feedback!.event_id,
      data: { feedback_type: 'BIG_WIN', title: 'Big win!', related_event_id: feedback!.event_id },
    });
    expect(byType(notices, 'REWARD')).toHaveLength(1);
  });

  it('a near miss and a plain loss are distinct feedback, and a loss notifies no reward', async () => {
    const user = player();
    const nearMiss = await startScenario('/game/slot-spin', {
      user_id: user,
      bet_amount: 10,
      payout: 0,
      symbols: ['7', '7', 'BAR'],
    });
    const loss = await startScenario('/game/slot-spin', {
      user_id: user,
      bet_amount: 10,
      payout: 0,
      symbols: ['7', 'BAR', 'CHERRY'],
    });
    const [near] = await waitForEvents('real_time_feedback', nearMiss, 1);
    const [lost] = await waitForEvents('real_time_feedback', loss, 1);
    expect(near!.data).toMatchObject({ feedback_type: 'NEAR_MISS', intensity: 0.5 });
    expect(lost!.data).toMatchObject({ feedback_type: 'LOSS', intensity: 0.1 });
    const notices = await waitForEvents('notifications', loss, 1);
    expect(notices.map((n) => n.data.type)).toEqual(['FEEDBACK']);
  });
});

describe('gacha open: game_events → process-gacha-open → feedback + spend → analyze-monetization → VIP', () => {
  it('a legendary pull over the VIP threshold reaches feedback, monetisation metrics, VIP and perks', async () => {
    const user = player();
    const id = await startScenario('/game/gacha-open', {
      user_id: user,
      gacha_id: 'neon-banner',
      cost: 1500,
      items: [
        { item_id: 'katana', rarity: 'legendary' },
        { item_id: 'visor', rarity: 'rare' },
      ],
    });
    const [feedback] = await waitForEvents('real_time_feedback', id, 1);
    expect(feedback).toMatchObject({
      causation_id: id,
      data: { feedback_type: 'GACHA_LEGENDARY', intensity: 1, item_id: 'katana' },
    });
    const analytics = await waitForEvents('analytics', id, 2);
    const spend = analytics.find((e) => e.event_type === 'GACHA_SPEND');
    const metrics = analytics.find((e) => e.event_type === 'MONETIZATION_METRICS');
    expect(spend).toMatchObject({ causation_id: id, data: { amount: 1500, best_rarity: 'legendary' } });
    expect(metrics).toMatchObject({
      causation_id: spend!.event_id,
      data: { spend: 1500, cost_per_item: 750, vip_tier_reached: 'silver' },
    });
    const [vip] = await waitForEvents('vip_events', id, 1);
    expect(vip).toMatchObject({
      event_type: 'VIP_TIER_REACHED',
      causation_id: spend!.event_id,
      data: { tier: 'silver' },
    });
    const notices = await waitForEvents('notifications', id, 2);
    expect(byType(notices, 'VIP_PERKS')[0]).toMatchObject({
      causation_id: vip!.event_id,
      data: { tier: 'silver' },
    });
    expect(byType(notices, 'FEEDBACK')[0]).toMatchObject({ data: { title: 'Legendary pull!' } });
  });

  it('a small pull crosses no threshold: no VIP record', async () => {
    const id = await startScenario('/game/gacha-open', {
      user_id: player(),
      gacha_id: 'daily',
      cost: 100,
      items: [{ item_id: 'sticker', rarity: 'common' }],
    });
    const analytics = await waitForEvents('analytics', id, 2);
    expect(analytics.map((e) => e.event_type).sort()).toEqual(['GACHA_SPEND', 'MONETIZATION_METRICS']);
    await waitForEvents('notifications', id, 1);
    expect(await eventsOf('vip_events', id)).toEqual([]);
  });
});

describe('cyber-token earn: cyber_tokens → sync-tokens-to-hq (headquarters) → notifications', () => {
  it('the grant is recorded at the headquarters with the event id as idempotency key, then notified', async () => {
    const user = player();
    const id = await startScenario('/game/cyber-token-earn', {
      user_id: user,
      amount: 250,
      reason: 'daily login',
    });
    const [notice] = await waitForEvents('notifications', id, 1);
    const grant = stack.hq.grants().find((g) => g.idempotency_key === id);
    expect(grant).toMatchObject({ user_id: user, amount: 250, reason: 'daily login' });
    expect(notice).toMatchObject({
      user_id: user,
      causation_id: id,
      data: { type: 'TOKENS_GRANTED', amount: 250, hq_grant_id: grant!.grant_id, related_event_id: id },
    });
  });

  it('a headquarters outage delays the notifications and loses none once it recovers', async () => {
    stack.hq.setMode('5xx');
    const failedBefore = stack.hq.stats().failed;
    const user = player();
    const ids: string[] = [];
    for (const amount of [10, 20, 30]) {
      ids.push(await startScenario('/game/cyber-token-earn', { user_id: user, amount, reason: 'quest' }));
    }
    // The batch is retried while the headquarters answers 503...
    await waitFor(() => (stack.hq.stats().failed >= failedBefore + 3 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the stage to retry against the failing headquarters',
    });
    for (const id of ids) expect(await eventsOf('notifications', id)).toEqual([]);
    // ...and goes through once it recovers: one grant and one notification per event.
    stack.hq.setMode('ok');
    for (const id of ids) {
      const notices = await waitForEvents('notifications', id, 1);
      expect(notices).toHaveLength(1);
      expect(stack.hq.grants().filter((g) => g.idempotency_key === id)).toHaveLength(1);
    }
  });

  it('timeouts are retried too', async () => {
    stack.hq.setMode('timeout', 1);
    const id = await startScenario('/game/cyber-token-earn', {
      user_id: player(),
      amount: 5,
      reason: 'slow day',
    });
    const [notice] = await waitForEvents('notifications', id, 1);
    expect(notice!.data.type).toBe('TOKENS_GRANTED');
    expect(stack.hq.stats().mode).toBe('ok');
  });

  it('a grant the headquarters rejects (4xx) is dead-lettered, and later grants still flow', async () => {
    stack.hq.setMode('4xx', 1);
    const user = player();
    const rejected = await startScenario('/game/cyber-token-earn', {
      user_id: user,
      amount: 7,
      reason: 'refused',
    });
    const letters = await waitFor(
      async () => {
        const found = await deadLettersOf('cyber_tokens', (l) => l.event_id === rejected);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the rejected grant on cyber_tokens_dlq' },
    );
    expect(letters[0]).toMatchObject({
      stage: 'sync-tokens-to-hq',
      topic: 'cyber_tokens',
      reason: 'rejected',
      rule_reason: 'hq_rejected',
      key: user,
      correlation_id: rejected,
      attempt: 1,
    });
    const accepted = await startScenario('/game/cyber-token-earn', {
      user_id: user,
      amount: 8,
      reason: 'ok',
    });
    await waitForEvents('notifications', accepted, 1);
    expect(await eventsOf('notifications', rejected)).toEqual([]);
  });
});

describe('dead letters', () => {
  it('a malformed record written with kcat lands in user_actions_dlq, and the records after it still flow', async () => {
    const user = player();
    const marker = randomUUID();
    const malformed = `{"event_type":"SLOT_SPIN","broken":"${marker}"`;
    const after = startEvent('SLOT_SPIN', user, {
      action: 'SLOT_SPIN',
      bet_amount: 5,
      payout: 50,
      symbols: ['7', '7', '7'],
    });
    started.push(after.event_id);
    await writeRaw(
      'user_actions',
      [
        { key: user, value: malformed },
        { key: user, value: JSON.stringify(after) },
      ],
      0,
    );
    const letters = await waitFor(
      async () => {
        const found = await deadLettersOf('user_actions', (l) => l.value === malformed);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the malformed record on user_actions_dlq' },
    );
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      stage: 'process-user-action',
      topic: 'user_actions',
      partition: 0,
      key: user,
      value_encoding: 'utf8',
      reason: 'undecodable',
      attempt: 1,
    });
    expect(letters[0]!.offset).toEqual(expect.any(Number));
    const notices = await waitForEvents('notifications', after.event_id, 2);
    expect(byType(notices, 'REWARD')).toHaveLength(1);
  });
});

describe('the other topics', () => {
  it('battle pass: XP_GAINED → one level-up notification per level passed, from the stored XP', async () => {
    const user = player();
    // A new player: the stored XP (0) plus 300 passes levels 2 (100 XP) and 3 (250 XP); the
    // caller's total_xp no longer decides.
    const xp = startEvent('XP_GAINED', user, { season: 'S1-neon', xp_gained: 300, total_xp: 460 });
    started.push(xp.event_id);
    await writeRaw('battle_pass', [{ key: user, value: JSON.stringify(xp) }]);
    const notices = await waitForEvents('notifications', xp.event_id, 2);
    expect(notices.map((n) => [n.data.type, n.data.level])).toEqual([
      ['LEVEL_UP', 2],
      ['LEVEL_UP', 3],
    ]);
  });

  it('VIP: VIP_TIER_REACHED → the tier perks', async () => {
    const user = player();
    const vip = startEvent('VIP_TIER_REACHED', user, { tier: 'gold' });
    started.push(vip.event_id);
    await writeRaw('vip_events', [{ key: user, value: JSON.stringify(vip) }]);
    const [notice] = await waitForEvents('notifications', vip.event_id, 1);
    expect(notice!.data).toMatchObject({ type: 'VIP_PERKS', tier: 'gold', title: 'Welcome to VIP Gold' });
  });

  it('adult content: only a verified adult is allowed; every decision audited; denials notified; malformed dead-lettered', async () => {
    const user = player();
    const request = (data: Record<string, unknown>) => {
      const event = startEvent('ACCESS_REQUESTED', user, { content_id: 'after-dark', ...data });
      started.push(event.event_id);
      return event;
    };
    const adult = request({ verified_age: 25, verification_state: 'verified' });
    const minor = request({ verified_age: 17, verification_state: 'verified' });
    const unverified = request({ verified_age: 30, verification_state: 'pending' });
    // No content_id: the topic's schema refuses it, so it can never be allowed.
    const malformed = startEvent('ACCESS_REQUESTED', user, {
      verified_age: 40,
      verification_state: 'verified',
    });
    await writeRaw(
      'adult_content',
      [adult, minor, unverified, malformed].map((e) => ({ key: user, value: JSON.stringify(e) })),
    );
    const decision = async (id: string) => (await waitForEvents('analytics', id, 1))[0]!.data;
    expect(await decision(adult.event_id)).toMatchObject({ decision: 'allowed', reason: 'verified_adult' });
    expect(await decision(minor.event_id)).toMatchObject({ decision: 'denied', reason: 'under_age' });
    expect(await decision(unverified.event_id)).toMatchObject({ decision: 'denied', reason: 'not_verified' });
    for (const denied of [minor, unverified]) {
      const [notice] = await waitForEvents('notifications', denied.event_id, 1);
      expect(notice!.data).toMatchObject({ type: 'ACCESS_DENIED', content_id: 'after-dark' });
    }
    const letters = await waitFor(
      async () => {
        const found = await deadLettersOf('adult_content', (l) => l.event_id === malformed.event_id);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the malformed access request on adult_content_dlq' },
    );
    expect(letters[0]).toMatchObject({ reason: 'invalid_event', stage: 'gate-adult-content' });
    expect(await eventsOf('analytics', malformed.event_id)).toEqual([]);
    expect(await eventsOf('notifications', adult.event_id)).toEqual([]);
  });
});

describe('across every scenario above', () => {
  it('no record was produced twice and every output carries its correlation', async () => {
    expect(started.length).toBeGreaterThan(10);
    const ours = new Set(started);
    for (const topic of OUTPUT_TOPICS) {
      // Outputs of the stages (the VIP test writes its start event to vip_events itself).
      const events = (await allEvents(topic)).filter(
        (e) => e.correlation_id && ours.has(e.correlation_id) && e.event_id !== e.correlation_id,
      );
      expect(events.length).toBeGreaterThan(0);
      expect({ topic, duplicates: duplicateIds(events) }).toEqual({ topic, duplicates: [] });
      for (const event of events) expect(event.causation_id).toEqual(expect.any(String));
    }
  });
});
