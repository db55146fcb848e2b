/**
 * `npm run bench:state`: what keeping player state costs, each figure beside its baseline in the same run.
 * - A stateful stage (analyze-monetization: one `recordPurchase` transaction per record) at batch size
 *   100, as the stage handler runs a batch (partitions side by side, each in offset order), against
 *   the same rule with its store operation replaced by an in-memory one (no state writes): records/s,
 *   their ratio, and DynamoDB requests per record (counted on the client). The batch's produce call
 *   is left out on both sides: it is the same for both, and producing into the shared catalogue
 *   topics would disturb other runs (the stage's produce and trigger costs: `npm run bench:emulator`).
 * - `GET /players/{id}` through its whole HTTP handler (key check, query, JSON), warm: p50 and p99.
 * Against the local DynamoDB (moto, `scripts/moto-server.py`, which serves one request at a time):
 * deployed DynamoDB answers in single-digit milliseconds and in parallel, so these are a floor.
 * Writes bench/results/<date>.state.json. BENCH_QUICK=1 shortens every repetition.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AnalyticsEvent } from '../lib/events';
import { createLogger } from '../lib/log';
import { analyzeMonetization, type RecordPurchase } from '../lib/pipeline/analyze-monetization';
import type { RuleContext } from '../lib/pipeline/stage';
import { createStateStore, parseStateConfig, recordPurchase, type StateStore } from '../lib/state';
import { vipTierFor, vipTiersCrossed } from '../lib/state/rules';
import {
  dynamoEndpoint,
  ensureDynamo,
  ensureLocalTables,
  LOCAL_AWS_ENV,
  stopDynamo,
} from '../scripts/dynamodb';
import { restEvent } from '../test/fixtures/api-gateway';
import { useKeyHashes } from '../test/helpers/api-keys';
import { uniqueName } from '../test/helpers/names';
import { percentile, round, summarize } from './lib/stats';

const RESULTS = path.join(__dirname, 'results');
const quick = process.env.BENCH_QUICK === '1';
const BATCH = 100;
const PARTITIONS = 3;
const PLAYERS = 12;
const REPETITIONS = quick ? 2 : 5;
const BATCHES_PER_REPETITION = quick ? 2 : 5;
const GETS = quick ? 200 : 1000;

const started = Date.now();
const log = (line: string) =>
  process.stdout.write(`[bench:state +${Math.round((Date.now() - started) / 1000)}s] ${line}\n`);

/** The store with a counter of the requests its client sends. */
function countingStore(): { store: StateStore; requests: () => number } {
  const store = createStateStore(parseStateConfig({ ...process.env }));
  let sent = 0;
  store.client.middlewareStack.add(
    (next) => async (args) => {
      sent += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return { store, requests: () => sent };
}

/** The in-memory stand-in: the same pure decisions, no DynamoDB. */
function memoryPurchases(): RecordPurchase {
  const totals = new Map<string, number>();
  return async ({ userId, amount }) => {
    const before = totals.get(userId) ?? 0;
    const after = before + amount;
    totals.set(userId, after);
    return {
      amount,
      lifetime_spend: after,
      purchases: 1,
      vip_tier: vipTierFor(after),
      tiers_reached: vipTiersCrossed(before, after),
      replayed: false,
    };
  };
}

/** One batch of GACHA_SPEND records for `players`, split over the partitions by player as Kafka keys them. */
function batch(players: string[]): AnalyticsEvent[][] {
  const byPartition: AnalyticsEvent[][] = Array.from({ length: PARTITIONS }, () => []);
  for (let i = 0; i < BATCH; i += 1) {
    const player = i % players.length;
    const id = randomUUID();
    byPartition[player % PARTITIONS]!.push(
      AnalyticsEvent.parse({
        event_id: id,
        event_type: 'GACHA_SPEND',
        user_id: players[player],
        timestamp: Date.now() / 1000,
        correlation_id: id,
        data: { metric: 'gacha_spend', gacha_id: 'bench', amount: 150, item_count: 1, best_rarity: 'rare' },
      }),
    );
  }
  return byPartition;
}

const context = { attempt: 1, log: createLogger({ function: 'bench-state' }) } as unknown as RuleContext;

/** Records/s of the rule over BATCHES_PER_REPETITION batches, run as the stage handler runs a batch. */
async function throughput(record: RecordPurchase): Promise<number> {
  const rule = analyzeMonetization(record);
  const players = Array.from({ length: PLAYERS }, () => uniqueName('bench-player'));
  const batches = Array.from({ length: BATCHES_PER_REPETITION }, () => batch(players));
  const begin = performance.now();
  for (const partitions of batches) {
    await Promise.all(
      partitions.map(async (records) => {
        for (const event of records) await rule(event, context);
      }),
    );
  }
  return (BATCH * BATCHES_PER_REPETITION) / ((performance.now() - begin) / 1000);
}

async function main(): Promise<void> {
  Object.assign(process.env, { ...LOCAL_AWS_ENV, ...process.env });
  process.env.LOG_LEVEL = 'warn';
  const dynamo = await ensureDynamo({ log });
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  await ensureLocalTables(dynamoEndpoint(), undefined, log);
  try {
    const { store, requests } = countingStore();
    const stored: RecordPurchase = (input) => recordPurchase(input, store);
    // Warm both paths (SDK connections, JIT) before measuring.
    await throughput(stored);
    await throughput(memoryPurchases());
    const withState: number[] = [];
    const without: number[] = [];
    let requestsPerRecord = 0;
    for (let r = 0; r < REPETITIONS; r += 1) {
      const before = requests();
      withState.push(await throughput(stored));
      requestsPerRecord = (requests() - before) / (BATCH * BATCHES_PER_REPETITION);
      without.push(await throughput(memoryPurchases()));
      log(`repetition ${r + 1}: ${round(withState.at(-1)!)} vs ${round(without.at(-1)!)} records/s`);
    }

    // GET /players/{id}: one player with state, the handler warm.
    useKeyHashes();
    const { handler } = (await import('../functions/http/get-player')) as {
      handler: (event: ReturnType<typeof restEvent>, context: unknown) => Promise<{ statusCode: number }>;
    };
    const player = uniqueName('bench-reader');
    await stored({ userId: player, eventId: randomUUID(), amount: 1200 });
    const event = restEvent({
      method: 'GET',
      path: `/api/kafka/players/${player}`,
      pathParameters: { user_id: player },
    });
    for (let i = 0; i < 50; i += 1) await handler(event, {});
    const latencies: number[] = [];
    for (let i = 0; i < GETS; i += 1) {
      const begin = performance.now();
      const answer = await handler(event, {});
      latencies.push(performance.now() - begin);
      if (answer.statusCode !== 200) throw new Error(`GET /players answered ${answer.statusCode}`);
    }

    const stateful = summarize(withState);
    const plain = summarize(without);
    const result = {
      date: new Date().toISOString(),
      quick,
      dynamodb: `${dynamo.endpoint} (moto, scripts/moto-server.py: one request at a time)`,
      stage: 'analyze-monetization',
      batch_size: BATCH,
      partitions: PARTITIONS,
      players: PLAYERS,
      records_per_repetition: BATCH * BATCHES_PER_REPETITION,
      with_state_records_per_s: { ...stateful, median: round(stateful.median) },
      without_state_records_per_s: { ...plain, median: round(plain.median) },
      ratio: round(stateful.median / plain.median, 4),
      dynamodb_requests_per_record: round(requestsPerRecord, 2),
      get_player_ms: {
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        n: latencies.length,
      },
    };
    mkdirSync(RESULTS, { recursive: true });
    const file = path.join(RESULTS, `${result.date.slice(0, 10)}.state.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(JSON.stringify(result, null, 2));
    log(`written: ${path.relative(process.cwd(), file)}`);
  } finally {
    if (dynamo.startedHere) await stopDynamo({ log });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
