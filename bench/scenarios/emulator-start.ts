/**
 * The emulator from a cold start: `serverless offline start` of the emulator bench service until
 * every consumer is ready (split into the framework's own start, esbuild included, and the
 * emulator's part), and a backlog of waiting records from launch until the last one is finished,
 * beside a raw kafkajs `eachBatch` consumer reading the same backlog from its own cold start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { freePort } from '../../test/helpers/offline-server';
import { InvocationLog, InvocationTally } from '../lib/invocation-log';

const SERVERLESS_BIN = join(__dirname, '../../node_modules/.bin/serverless');

export interface TimedServer {
  child: ChildProcess;
  started: number;
  /** When each output line first matching a pattern arrived (epoch ms). */
  firstSeen(pattern: RegExp): number | undefined;
  output(): string;
  stop(): Promise<void>;
}

/** `serverless offline start` in `cwd`, with every output line's arrival time kept. */
export async function launchTimed(cwd: string, env: Record<string, string>): Promise<TimedServer> {
  const args = ['offline', 'start', '--httpPort', String(await freePort())];
  args.push('--lambdaPort', String(await freePort()));
  const started = Date.now();
  const child = spawn(SERVERLESS_BIN, args, {
    cwd,
    env: { ...process.env, FORCE_COLOR: '0', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: { at: number; text: string }[] = [];
  let pending = '';
  const onData = (chunk: Buffer) => {
    const at = Date.now();
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const text of parts) lines.push({ at, text });
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    started,
    firstSeen: (pattern) => lines.find((l) => pattern.test(l.text))?.at,
    output: () => lines.map((l) => l.text).join('\n'),
    async stop() {
      if (child.pid === undefined || child.exitCode !== null) return;
      process.kill(-child.pid, 'SIGINT');
      const late = await Promise.race([exited.then(() => false), sleep(30_000).then(() => true)]);
      if (late) process.kill(-child.pid, 'SIGKILL');
    },
  };
}

async function until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export interface StartupTiming {
  /** Launch → the emulator's first line (framework start, esbuild build, other plugins). */
  frameworkMs: number;
  /** The emulator's first line → its last consumer ready. */
  emulatorMs: number;
  /** Launch → every consumer ready. */
  totalMs: number;
}

/** Launch the service and wait until `functions` all printed their ready line. */
export async function startupScenario(
  cwd: string,
  env: Record<string, string>,
  functions: string[],
): Promise<{ timing: StartupTiming; server: TimedServer }> {
  const server = await launchTimed(cwd, env);
  try {
    const readyAt = await until(
      () => {
        const times = functions.map((fn) => server.firstSeen(new RegExp(`ready: ${fn} <- `)));
        return times.every((t) => t !== undefined) ? Math.max(...(times as number[])) : undefined;
      },
      180_000,
      `the ready lines of ${functions.join(', ')}`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${server.output().slice(-3000)}`);
    });
    const emulatorFirst = server.firstSeen(/\[kafka-offline\]/) ?? readyAt;
    return {
      timing: {
        frameworkMs: emulatorFirst - server.started,
        emulatorMs: readyAt - emulatorFirst,
        totalMs: readyAt - server.started,
      },
      server,
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Launch → the bench function's log holds `records` records (read from `file`). */
export async function backlogScenario(
  cwd: string,
  env: Record<string, string>,
  file: string,
  records: number,
): Promise<{ launchToLastMs: number; startup: StartupTiming }> {
  const { timing, server } = await startupScenario(cwd, env, ['consume1', 'consume100', 'consume1000']);
  try {
    return { launchToLastMs: (await lastFinished(server, file, records)) - server.started, startup: timing };
  } finally {
    await server.stop();
  }
}

/** When the function's log (`file`) holds `records` records, the last one's end. */
function lastFinished(server: TimedServer, file: string, records: number): Promise<number> {
  const log = new InvocationLog(file);
  const done = new InvocationTally();
  return until(
    () => {
      done.add(log.next());
      if (done.records >= records) return Math.round(done.last);
      if (server.child.exitCode !== null || server.child.signalCode !== null)
        throw new Error(`serverless offline exited with ${done.records} of ${records} records finished`);
      return undefined;
    },
    600_000,
    `${records} records in ${file}`,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${server.output().slice(-3000)}`);
  });
}

/**
 * Another plugin's service: launch → its function's log holds `records` records, and its start-up
 * split as ours is (launch → the plugin's first line → its last consumer's ready line).
 */
export async function launchToLast(
  cwd: string,
  env: Record<string, string>,
  file: string,
  records: number,
  lines: { first: RegExp; ready: RegExp },
): Promise<{ launchToLastMs: number; startup: StartupTiming }> {
  const server = await launchTimed(cwd, env);
  try {
    const last = await lastFinished(server, file, records);
    const first = server.firstSeen(lines.first) ?? last;
    const ready = server.firstSeen(lines.ready) ?? last;
    return {
      launchToLastMs: last - server.started,
      startup: {
        frameworkMs: first - server.started,
        emulatorMs: ready - first,
        totalMs: ready - server.started,
      },
    };
  } finally {
    await server.stop();
  }
}

/** A raw kafkajs `eachBatch` consumer doing the bench function's work, from its cold start. */
export async function rawBacklog(
  kafka: Kafka,
  topic: string,
  groupId: string,
  records: number,
): Promise<number> {
  const started = Date.now();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  let done = 0;
  let sum = 0;
  let finishedAt = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const message of batch.messages) {
        if (message.value) {
          const value = JSON.parse(message.value.toString('utf8')) as { data?: { n?: number } };
          sum += value.data?.n ?? 0;
          done += 1;
        }
        resolveOffset(message.offset);
      }
      await heartbeat();
      if (done >= records && finishedAt === 0) finishedAt = Date.now();
    },
  });
  try {
    await until(() => (finishedAt > 0 ? true : undefined), 600_000, `the raw consumer to read ${records}`);
  } finally {
    await consumer.disconnect();
  }
  if (sum < 0) throw new Error('unreachable: the sum keeps the work from being optimised away');
  return finishedAt - started;
}

export interface TimeBreakdown {
  invocations: number;
  /** Time from one invocation's start to the next one's on the same partition. */
  cycleMs: number;
  /** Handler time (measured inside the function). */
  handlerMs: number;
  /** Invocation round trip through serverless-offline (the emulator's `duration=`, whole ms, so averaged). */
  invokeMs: number;
  /** invokeMs − handlerMs: serverless-offline's worker hop (message to the worker thread and back, its log line). */
  offlineMs: number;
  /** cycleMs − invokeMs: the emulator's own turn (commit queued, log line, next batch cut and built). */
  emulatorMs: number;
}

/**
 * The mean of the middle 90 %: sub-millisecond parts need a mean (a median of whole milliseconds is
 * 0 or 1), and the trim keeps a rare scheduling stall from dominating it.
 */
const trimmedMean = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const cut = Math.floor(sorted.length * 0.05);
  const middle = sorted.slice(cut, sorted.length - cut);
  if (middle.length === 0) return Number.NaN;
  return Math.round((middle.reduce((sum, v) => sum + v, 0) / middle.length) * 100) / 100;
};

/** Where a function's time goes, from its invocation log and the emulator's batch lines. */
export function timeBreakdown(file: string, serverOutput: string, functionKey: string): TimeBreakdown {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { partitions: string[]; started: number; ended: number });
  const byPartition = new Map<string, { started: number; ended: number }[]>();
  for (const line of lines) {
    const key = line.partitions.join(',');
    byPartition.set(key, [...(byPartition.get(key) ?? []), line]);
  }
  const cycles: number[] = [];
  for (const list of byPartition.values()) {
    list.sort((a, b) => a.started - b.started);
    for (let i = 1; i < list.length; i += 1) {
      const cycle = list[i]!.started - list[i - 1]!.started;
      if (cycle < 1000) cycles.push(cycle); // gaps between repetitions are not cycles
    }
  }
  const invoke = [
    ...serverOutput.matchAll(new RegExp(`\\] ${functionKey} .*duration=(\\d+)ms outcome=ok`, 'g')),
  ].map((m) => Number(m[1]));
  const handlerMs = trimmedMean(lines.map((l) => l.ended - l.started));
  const cycleMs = trimmedMean(cycles);
  const invokeMs = trimmedMean(invoke);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    invocations: lines.length,
    cycleMs,
    handlerMs,
    invokeMs,
    offlineMs: round(Math.max(0, invokeMs - handlerMs)),
    // Averages of whole-millisecond durations can cross by a little when a part is ~0.
    emulatorMs: round(Math.max(0, cycleMs - invokeMs)),
  };
}
