/**
 * Player state under crashes: hundreds of earns, spends, gacha opens and battle-pass gains for a few
 * players go through the stateful stages' real functions (test/faults/fixtures/state-chaos-service)
 * while 30 % of their batches fail (before the stage, or after it wrote and produced but before the
 * commit) and the whole process is SIGKILLed mid-run and started again. At the end every balance,
 * lifetime spend, VIP tier, XP and level in DynamoDB equals a model computed from the distinct
 * events sent; the ledger has one entry per accepted earn and spend; every spend has one outcome;
 * and each VIP tier and each level-up is announced under exactly one event id.
 */
jest.setTimeout(900_000);

import path from 'node:path';
import { ensureCatalogueTopics } from '../../lib/events/topics';
import { type HqSandbox, startHqSandbox } from '../../lib/hq/sandbox';
import {
  createStateStore,
  getPlayer,
  type LedgerEntry,
  listLedger,
  parseStateConfig,
  type StateStore,
} from '../../lib/state';
import { levelFor, levelsPassed, vipTierFor, vipTiersCrossed } from '../../lib/state/rules';
import { dynamoEndpoint, LOCAL_AWS_ENV } from '../../scripts/dynamodb';
import { allEvents, deleteGroups, type PipelineEvent, startEvent, writeRaw } from '../e2e/pipelines/pipeline';
import { uniqueName } from '../helpers/names';
import { freePort, type OfflineServer, startOffline } from '../helpers/offline-server';
import { waitFor } from '../helpers/wait';
import { recordScenario } from './helpers/report';

const FIXTURE = path.join(__dirname, 'fixtures/state-chaos-service');
const PLAYERS = 3;
const PER_PLAYER = { earns: 30, spends: 25, gachas: 20, xp: 15 };
const SEASON = 'S-chaos';
const groupPrefix = uniqueName('faults-state');
let server: OfflineServer | undefined;
let hq: HqSandbox;
let store: StateStore;

const launch = async (): Promise<OfflineServer> =>
  startOffline({
    cwd: FIXTURE,
    httpPort: await freePort(),
    lambdaPort: await freePort(),
    env: {
      ...LOCAL_AWS_ENV,
      DYNAMODB_ENDPOINT: dynamoEndpoint(),
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? 'localhost:9092',
      HQ_API_URL: hq.url,
      STAGE_GROUP_PREFIX: groupPrefix,
      CHAOS_RATE: '0.3',
      CHAOS_DELAY_MS: '150',
    },
    args: ['--kafkaBrokers', process.env.KAFKA_BROKERS ?? 'localhost:9092'],
    readyTimeoutMs: 300_000,
  });

beforeAll(async () => {
  await ensureCatalogueTopics();
  hq = await startHqSandbox({ port: 0 });
  store = createStateStore(parseStateConfig({ ...process.env, DYNAMODB_ENDPOINT: dynamoEndpoint() }));
});

afterAll(async () => {
  await server?.stop();
  await hq?.close();
  await deleteGroups(groupPrefix);
});

type Input = ReturnType<typeof startEvent>;

/** A reproducible pseudo-random sequence, so a failing run can be replayed. */
function generator(seed: number) {
  let state = seed;
  return (min: number, max: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    // The high bits: an LCG's low bits repeat with a tiny period.
    return min + (Math.floor(state / 2 ** 15) % (max - min + 1));
  };
}

/** Each player's events, shuffled together in the order the game would send them. */
function inputsFor(user: string, seed: number) {
  const next = generator(seed);
  const events: { topic: string; event: Input }[] = [];
  const counts = { ...PER_PLAYER };
  while (counts.earns + counts.spends + counts.gachas + counts.xp > 0) {
    const left = (['earns', 'spends', 'gachas', 'xp'] as const).filter((k) => counts[k] > 0);
    const kind = left[next(0, left.length - 1)]!;
    counts[kind] -= 1;
    if (kind === 'earns')
      events.push({
        topic: 'cyber_tokens',
        event: startEvent('TOKEN_EARNED', user, { amount: next(10, 50), reason: 'chaos quest' }),
      });
    if (kind === 'spends')
      events.push({
        topic: 'cyber_tokens',
        event: startEvent('TOKEN_SPEND_REQUESTED', user, { amount: next(20, 70), reason: 'chaos shop' }),
      });
    if (kind === 'gachas')
      events.push({
        topic: 'game_events',
        event: startEvent('GACHA_OPENED', user, {
          gacha_id: 'chaos-banner',
          cost: next(50, 400),
          items: [{ item_id: 'visor', rarity: 'rare' }],
        }),
      });
    if (kind === 'xp')
      events.push({
        topic: 'battle_pass',
        event: startEvent('XP_GAINED', user, { season: SEASON, xp_gained: next(20, 120), total_xp: 0 }),
      });
  }
  return events;
}

/** Per key, the distinct event ids and the records of the events `keyOf` gives a key to. */
function distinctBy(events: PipelineEvent[], keyOf: (event: PipelineEvent) => string | undefined) {
  const found = new Map<string, { ids: Set<string>; records: number }>();
  for (const event of events) {
    const key = keyOf(event);
    if (key === undefined) continue;
    const entry = found.get(key) ?? { ids: new Set<string>(), records: 0 };
    entry.ids.add(event.event_id);
    entry.records += 1;
    found.set(key, entry);
  }
  return found;
}

async function fullLedger(user: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await listLedger(user, cursor === undefined ? {} : { cursor }, store);
    entries.push(...page.entries);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return entries;
}

it('every balance, lifetime spend, tier and level equals the model; each tier and level-up announced once', async () => {
  const players = Array.from({ length: PLAYERS }, (_, i) => `${groupPrefix}-p${i}`);
  const inputs = players.flatMap((user, i) => inputsFor(user, 1000 + i));
  const of = (topic: string, type: string) =>
    inputs.filter((i) => i.topic === topic && i.event.event_type === type).map((i) => i.event);
  const earns = of('cyber_tokens', 'TOKEN_EARNED');
  const spends = of('cyber_tokens', 'TOKEN_SPEND_REQUESTED');
  const gachas = of('game_events', 'GACHA_OPENED');
  const gains = of('battle_pass', 'XP_GAINED');
  const sum = (events: Input[], user: string, field: string) =>
    events.filter((e) => e.user_id === user).reduce((n, e) => n + (e.data[field] as number), 0);
  const spendIds = new Set<string>(spends.map((s) => s.event_id));
  const earnIds = new Set<string>(earns.map((e) => e.event_id));

  server = await launch();
  // Each topic's records in the players' order (one key per player: one partition each).
  for (const topic of ['cyber_tokens', 'game_events', 'battle_pass']) {
    const records = inputs.filter((i) => i.topic === topic);
    await writeRaw(
      topic,
      records.map((r) => ({ key: r.event.user_id, value: JSON.stringify(r.event) })),
    );
  }

  const notices = async () => (await allEvents('notifications')).filter((n) => players.includes(n.user_id));
  const outcomes = (events: PipelineEvent[]) => ({
    spent: distinctBy(events, (n) =>
      spendIds.has(n.correlation_id ?? '') && ['TOKENS_SPENT', 'TOKENS_SPEND_REJECTED'].includes(n.data.type)
        ? n.correlation_id
        : undefined,
    ),
    granted: distinctBy(events, (n) =>
      earnIds.has(n.correlation_id ?? '') && n.data.type === 'TOKENS_GRANTED' ? n.correlation_id : undefined,
    ),
  });

  // Mid-run: some events are through, others in flight. Kill the whole process.
  await waitFor(
    async () => {
      const { spent, granted } = outcomes(await notices());
      return spent.size + granted.size >= (earns.length + spends.length) * 0.2 ? true : undefined;
    },
    {
      timeoutMs: 300_000,
      intervalMs: 1000,
      what: 'a fifth of the token events to be through before the crash',
    },
  );
  const crashOutput = server.output();
  await server.kill();
  const restartedAt = Date.now();
  server = await launch();

  const settled = async () => {
    for (const user of players) {
      const player = await getPlayer(user, store);
      const xp = player?.battle_pass.find((b) => b.season === SEASON)?.xp ?? 0;
      if (player?.lifetime_spend !== sum(gachas, user, 'cost') || xp !== sum(gains, user, 'xp_gained'))
        return undefined;
    }
    const { spent, granted } = outcomes(await notices());
    return spent.size === spends.length && granted.size === earns.length ? true : undefined;
  };
  await waitFor(settled, {
    timeoutMs: 600_000,
    intervalMs: 2000,
    what: 'every event applied and every token event notified',
  });
  const recoveryMs = Date.now() - restartedAt;

  const all = await notices();
  const { spent, granted } = outcomes(all);
  const vip = (await allEvents('vip_events')).filter(
    (e) => players.includes(e.user_id) && e.event_type === 'VIP_TIER_REACHED',
  );
  const tierNotices = distinctBy(vip, (e) => `${e.user_id}/${e.data.tier}`);
  const levelNotices = distinctBy(all, (n) =>
    n.data.type === 'LEVEL_UP' ? `${n.user_id}/${n.data.season}/${n.data.level}` : undefined,
  );

  const mismatches: string[] = [];
  let accepted = 0;
  for (const user of players) {
    const player = await getPlayer(user, store);
    const mine = spends.filter((s) => s.user_id === user);
    const acceptedSpends = mine.filter((s) => {
      const outcome = all.find((n) => n.correlation_id === s.event_id && n.data.type === 'TOKENS_SPENT');
      return outcome !== undefined;
    });
    accepted += acceptedSpends.length;
    const spendTotal = sum(gachas, user, 'cost');
    const xpTotal = sum(gains, user, 'xp_gained');
    const model = {
      token_balance: sum(earns, user, 'amount') - sum(acceptedSpends, user, 'amount'),
      lifetime_spend: spendTotal,
      vip_tier: vipTierFor(spendTotal),
      battle_pass: [{ season: SEASON, level: levelFor(xpTotal), xp: xpTotal }],
    };
    const stored = {
      token_balance: player?.token_balance,
      lifetime_spend: player?.lifetime_spend,
      vip_tier: player?.vip_tier,
      battle_pass: player?.battle_pass,
    };
    if (JSON.stringify(stored) !== JSON.stringify(model))
      mismatches.push(`${user}: stored ${JSON.stringify(stored)} ≠ model ${JSON.stringify(model)}`);
    const ledger = await fullLedger(user);
    const expectedEntries = new Set<string>([
      ...earns.filter((e) => e.user_id === user).map((e) => e.event_id),
      ...acceptedSpends.map((s) => s.event_id),
    ]);
    const ledgerIds = ledger.map((e) => e.event_id);
    if (ledgerIds.length !== expectedEntries.size || !ledgerIds.every((id) => expectedEntries.has(id)))
      mismatches.push(
        `${user}: ledger has ${ledgerIds.length} entries for ${expectedEntries.size} accepted events`,
      );
    if (ledger.some((e) => e.balance_after < 0)) mismatches.push(`${user}: a negative balance in the ledger`);
    for (const tier of vipTiersCrossed(0, spendTotal))
      if (tierNotices.get(`${user}/${tier.tier}`)?.ids.size !== 1)
        mismatches.push(
          `${user}: ${tierNotices.get(`${user}/${tier.tier}`)?.ids.size ?? 0} notices of ${tier.tier}`,
        );
    for (const level of levelsPassed(0, xpTotal))
      if (levelNotices.get(`${user}/${SEASON}/${level.level}`)?.ids.size !== 1)
        mismatches.push(
          `${user}: ${levelNotices.get(`${user}/${SEASON}/${level.level}`)?.ids.size ?? 0} LEVEL_UPs of ${level.level}`,
        );
  }
  const extraTiers = [...tierNotices.keys()].filter((key) => {
    const [user, tier] = key.split('/');
    return !vipTiersCrossed(0, sum(gachas, user!, 'cost')).some((t) => t.tier === tier);
  });
  const extraLevels = [...levelNotices.keys()].filter((key) => {
    const [user, , level] = key.split('/');
    return !levelsPassed(0, sum(gains, user!, 'xp_gained')).some((l) => String(l.level) === level);
  });
  const doubleOutcomes = [...spent.values(), ...granted.values()].filter((o) => o.ids.size !== 1).length;
  const doubleNotices = [...tierNotices.values(), ...levelNotices.values()].filter(
    (o) => o.ids.size > 1,
  ).length;
  // Settled means every player's totals matched and every token event had its notice.
  const confirmed = granted.size + spent.size + gachas.length + gains.length;
  const announced = [
    ...tierNotices.values(),
    ...levelNotices.values(),
    ...spent.values(),
    ...granted.values(),
  ];
  const copies = announced.reduce((n, o) => n + o.records - 1, 0);
  const chaosFailures = `${crashOutput}${server.output()}`.match(/chaos: /g)?.length ?? 0;

  recordScenario({
    scenario: 'player state (30 % failing batches + SIGKILL)',
    sent: inputs.length,
    acknowledged: inputs.length,
    stored: confirmed,
    lost: inputs.length - confirmed,
    duplicated: doubleOutcomes + doubleNotices + extraTiers.length + extraLevels.length,
    copies,
    recoveryMs,
    notes:
      `${PLAYERS} players, ${earns.length} earns, ${spends.length} spends (${accepted} accepted), ` +
      `${gachas.length} gacha opens, ${gains.length} XP gains; ${tierNotices.size} tier and ` +
      `${levelNotices.size} level-up notices; ${chaosFailures} chaos failures; recovery = restart until all applied`,
  });

  expect(mismatches).toEqual([]);
  expect(doubleNotices).toBe(0);
  expect(doubleOutcomes).toBe(0);
  expect(extraTiers).toEqual([]);
  expect(extraLevels).toEqual([]);
  expect(chaosFailures).toBeGreaterThan(0);
});
