/**
 * `npm run bench:realtime`: the player's moment, measured over the root service under
 * `serverless offline start` (as `npm start` runs it, with consumer groups of its own):
 *
 * 1. latency: slot spin answered 202 → its FEEDBACK on the player's WebSocket, p50/p99 (targets
 *    p50 ≤ 300 ms, p99 ≤ 1 s); the same for a gacha opening, whose first stage keeps the shared
 *    1 s batching window, for comparison;
 * 2. the batching trade-off under a steady load: invocations per record and records/s of the
 *    first stage of each path (process-user-action: window 0; process-gacha-open: window 1 s), since
 *    on AWS every invocation is billed;
 * 3. fan-out: 1,000 connected clients each owed one notice: all delivered, time until the last,
 *    peak memory of the offline server.
 *
 * Writes bench/results/<date>.realtime.json and prints a Markdown summary. BENCH_QUICK=1 shortens it.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_SESSION_SECRET } from '../lib/realtime/config';
import { issueToken } from '../lib/realtime/session-token';
import { ensureBroker, stopBroker } from '../scripts/broker';
import { ensureDynamo, ensureLocalTables, stopDynamo } from '../scripts/dynamodb';
import { deleteGroups, writeRaw } from '../test/e2e/pipelines/pipeline';
import {
  type Message,
  openSocket,
  type PlayerSocket,
  startRealtimeStack,
} from '../test/e2e/realtime/realtime';
import { uniqueName } from '../test/helpers/names';
import { waitFor } from '../test/helpers/wait';
import { RssSampler } from './lib/rss';
import { percentile, round } from './lib/stats';

const quick = process.env.BENCH_QUICK === '1';
const SPINS = quick ? 10 : 60;
const WARMUP = quick ? 3 : 8;
const LOAD_SECONDS = quick ? 5 : 15;
const LOAD_RATE = Number(process.env.BENCH_RATE ?? 5); // per second, per path
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? (quick ? 100 : 1000));
const RESULTS = path.join(__dirname, 'results');
/** Which parts to run (comma-separated): latency, batching, fanout; all by default. */
const PHASES = new Set((process.env.BENCH_PHASES ?? 'latency,batching,fanout').split(','));

const started = Date.now();
const log = (line: string) =>
  process.stdout.write(`[bench:realtime +${Math.round((Date.now() - started) / 1000)}s] ${line}\n`);

type Stack = Awaited<ReturnType<typeof startRealtimeStack>>;

const spinBody = (userId: string) => ({
  user_id: userId,
  bet_amount: 50,
  payout: 500,
  symbols: ['7', '7', '7'],
  game_id: 'neon-slots',
});
const gachaBody = (userId: string) => ({
  user_id: userId,
  gacha_id: 'neon-capsule',
  cost: 600,
  items: [{ item_id: 'hoverboard', rarity: 'epic' }],
});

/** From the 202 of `route` to the FEEDBACK of its correlation on the socket, in ms. */
async function oneMoment(
  stack: Stack,
  socket: PlayerSocket,
  route: string,
  body: unknown,
  timeoutMs = 60_000,
): Promise<number> {
  const answer = await stack.post(route, body);
  const answeredAt = Date.now();
  if (answer.status !== 202) throw new Error(`${route} answered ${answer.status}: ${answer.text}`);
  const correlationId = answer.json.correlation_id;
  const isFeedback = (m: Message) => m.correlation_id === correlationId && m.data?.type === 'FEEDBACK';
  await socket.next(isFeedback, timeoutMs);
  const arrival = socket.messages.find((m) => isFeedback(m.message));
  return (arrival?.at ?? Date.now()) - answeredAt;
}

async function latency(stack: Stack, route: string, body: (u: string) => unknown, count: number) {
  const userId = uniqueName('bench-player');
  const socket = await stack.connect(userId);
  await socket.sync();
  // Drop what was just received, acknowledging it: the socket keeps only this run's notices.
  socket.ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Message;
    if (m.event_id) socket.send({ action: 'ack', event_ids: [m.event_id] });
  });
  // Cold functions on a loaded machine: the first moments may take long.
  for (let i = 0; i < WARMUP; i += 1) await oneMoment(stack, socket, route, body(userId), 240_000);
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) samples.push(await oneMoment(stack, socket, route, body(userId)));
  await socket.close();
  return {
    n: samples.length,
    p50: Math.round(percentile(samples, 50)),
    p99: Math.round(percentile(samples, 99)),
    max: Math.max(...samples),
  };
}

/** Batches and records of a stage in the server's log lines (`batch processed`) since `offset`. */
function batchesOf(output: string, stage: string) {
  let batches = 0;
  let records = 0;
  for (const line of output.split('\n')) {
    if (!line.includes('"batch processed"') || !line.includes(`"function":"${stage}"`)) continue;
    const match = line.match(/"records":(\d+)/);
    batches += 1;
    records += Number(match?.[1] ?? 0);
  }
  return { batches, records };
}

async function tradeOff(stack: Stack) {
  const from = stack.server.output().length;
  const userId = uniqueName('bench-load');
  const t0 = Date.now();
  const sends: Promise<boolean>[] = [];
  // A request the overloaded server never answers is not counted (nor waited for).
  const accepted = (route: string, body: unknown) =>
    Promise.race([
      stack.post(route, body).then((a) => a.status === 202),
      new Promise<boolean>((resolve) => setTimeout(resolve, 30_000, false)),
    ]).catch(() => false);
  for (let second = 0; second < LOAD_SECONDS; second += 1) {
    for (let i = 0; i < LOAD_RATE; i += 1) {
      sends.push(accepted('/game/slot-spin', spinBody(`${userId}-${i}`)));
      sends.push(accepted('/game/gacha-open', gachaBody(`${userId}-${i}`)));
    }
    const next = t0 + (second + 1) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
  }
  const answers = await Promise.all(sends);
  const expected = Math.min(
    answers.filter((ok, i) => ok && i % 2 === 0).length,
    answers.filter((ok, i) => ok && i % 2 === 1).length,
  );
  const stages = ['process-user-action', 'process-gacha-open'] as const;
  await waitFor(
    () => {
      const out = stack.server.output().slice(from);
      return stages.every((s) => batchesOf(out, s).records >= expected) ? true : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 500, what: 'the load to pass the first stages' },
  );
  const seconds = (Date.now() - t0) / 1000;
  const out = stack.server.output().slice(from);
  return Object.fromEntries(
    stages.map((stage) => {
      const { batches, records } = batchesOf(out, stage);
      return [
        stage,
        {
          window_s: stage === 'process-user-action' ? 0 : 1,
          records,
          invocations: batches,
          invocations_per_record: round(batches / records, 3),
          records_per_invocation: round(records / batches, 2),
          records_per_s: round(records / seconds, 1),
        },
      ];
    }),
  );
}

async function fanOut(stack: Stack) {
  const rss = new RssSampler(stack.server.pid);
  rss.start(200);
  rss.enter('connect');
  const users = Array.from({ length: CLIENTS }, (_, i) => `${uniqueName('bench-fan')}-${i}`);
  const sockets: PlayerSocket[] = [];
  const connectStart = Date.now();
  // A few at a time, as clients arrive; each $connect is a function invocation.
  for (let i = 0; i < users.length; i += 10) {
    const batch = users.slice(i, i + 10);
    sockets.push(
      ...(await Promise.all(
        batch.map((u) =>
          openSocket(
            `ws://localhost:${stack.websocketPort}?token=${issueToken(u, Date.now() / 1000 + 900, LOCAL_SESSION_SECRET)}`,
          ),
        ),
      )),
    );
  }
  const connectSeconds = (Date.now() - connectStart) / 1000;
  log(`fan-out: ${sockets.length} clients connected in ${round(connectSeconds, 1)} s`);
  rss.enter('deliver');
  const notices = users.map((u) => {
    const id = randomUUID();
    return {
      event_id: id,
      event_type: 'NOTIFICATION',
      user_id: u,
      timestamp: Date.now() / 1000,
      correlation_id: id,
      data: { type: 'TEST_NOTICE', title: 'fan-out', body: 'one for each' },
    };
  });
  const sentAt = Date.now();
  await writeRaw(
    'notifications',
    notices.map((n) => ({ key: n.user_id, value: JSON.stringify(n) })),
  );
  const delivered = () => sockets.filter((s) => s.notices().length > 0).length;
  await waitFor(() => (delivered() >= CLIENTS ? true : undefined), {
    timeoutMs: 600_000,
    intervalMs: 200,
    what: `all ${CLIENTS} clients to receive their notice`,
  });
  const last = Math.max(...sockets.map((s) => s.messages.find((m) => m.message.event_id)?.at ?? 0));
  const first = Math.min(...sockets.map((s) => s.messages.find((m) => m.message.event_id)?.at ?? Infinity));
  rss.stop();
  await Promise.all(sockets.map((s) => s.close()));
  return {
    clients: CLIENTS,
    delivered: delivered(),
    connect_s: round(connectSeconds, 1),
    first_ms: first - sentAt,
    last_ms: last - sentAt,
    peak_rss_mib: rss.peaks,
  };
}

async function main() {
  const broker = await ensureBroker({ log });
  process.env.KAFKA_BROKERS = broker.brokers.join(',');
  const dynamo = await ensureDynamo({ log });
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  await ensureLocalTables(dynamo.endpoint);
  log('starting the root service under serverless offline');
  const stack = await startRealtimeStack(uniqueName('bench-realtime'));
  try {
    let spin: Awaited<ReturnType<typeof latency>> | undefined;
    let gacha: Awaited<ReturnType<typeof latency>> | undefined;
    if (PHASES.has('latency')) {
      log('latency: slot spin → FEEDBACK on the socket');
      spin = await latency(stack, '/game/slot-spin', spinBody, SPINS);
      log(`spin: ${JSON.stringify(spin)}`);
      gacha = await latency(stack, '/game/gacha-open', gachaBody, Math.ceil(SPINS / 2));
      log(`gacha: ${JSON.stringify(gacha)}`);
    }
    let batching: Awaited<ReturnType<typeof tradeOff>> | undefined;
    if (PHASES.has('batching')) {
      log(`trade-off: ${LOAD_RATE} spins/s and ${LOAD_RATE} gacha openings/s for ${LOAD_SECONDS} s`);
      batching = await tradeOff(stack);
      log(`batching: ${JSON.stringify(batching)}`);
    }
    let fan: Awaited<ReturnType<typeof fanOut>> | undefined;
    if (PHASES.has('fanout')) {
      log(`fan-out: ${CLIENTS} clients`);
      fan = await fanOut(stack);
      log(`fan-out: ${JSON.stringify(fan)}`);
    }
    const results = {
      at: new Date().toISOString(),
      quick,
      machine: { cpus: os.cpus().length, load: os.loadavg().map((l) => round(l, 1)), node: process.version },
      latency_ms: { slot_spin_to_feedback: spin, gacha_to_feedback: gacha },
      batching,
      fan_out: fan,
    };
    mkdirSync(RESULTS, { recursive: true });
    const stamp = new Date()
      .toISOString()
      .slice(0, 16)
      .replace(/[-:]/g, '')
      .replace(/(\d{8})T/, (_, d) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}T`);
    const file = path.join(RESULTS, `${stamp}.realtime${quick ? '.quick' : ''}.json`);
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    log(`written ${path.relative(process.cwd(), file)}`);
  } catch (error) {
    // What the service said, for the diagnosis.
    writeFileSync(path.join(os.tmpdir(), 'bench-realtime-server.log'), stack.server.output());
    throw error;
  } finally {
    await stack.stop();
    await deleteGroups(stack.groupPrefix);
    // Only what this run started.
    if (dynamo.startedHere) await stopDynamo({ log });
    if (broker.startedHere) await stopBroker({ log });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
