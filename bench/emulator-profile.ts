/**
 * `npm run bench:emulator:profile`: where the main thread's time goes while the emulator drains a
 * burst at batch size 100 under `serverless offline start` (the plain bench service, serverless-offline's
 * default worker threads, or `BENCH_IN_PROCESS=true`). The server runs under `node --cpu-prof`; only the
 * samples from the burst's first record to its last count. Prints the share of each part and writes
 * bench/results/<date>.emulator-profile.json. BENCH_KEEP_PROFILE=<file> also keeps the main thread's
 * .cpuprofile there (for a stack view in Chrome DevTools).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBroker, stopBroker } from '../scripts/broker';
import { uniqueName } from '../test/helpers/names';
import { freePort } from '../test/helpers/offline-server';
import { InvocationLog, InvocationTally } from './lib/invocation-log';
import { cleanupKafka, createBenchTopics, kcatProduce, writeBurstFile } from './lib/kafka';

const SERVICE = path.join(__dirname, 'emulator-plain');
const SERVERLESS_JS = path.join(__dirname, '../node_modules/serverless/bin/serverless.js');
const RESULTS = path.join(__dirname, 'results');
const RECORDS = Number(process.env.BENCH_RECORDS ?? 60_000);

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The part of the system a sample's frame belongs to. */
function partOf(url: string, functionName: string): string {
  if (url.includes('lib/offline') || url.includes('serverless-offline-kafka-esm'))
    return 'emulator (lib/offline)';
  if (url.includes('node_modules/kafkajs')) return 'kafkajs (fetch, decode)';
  if (url.endsWith('emulator-plain/handler.js')) return 'the function itself (in process)';
  if (functionName === 'base64Slice' || functionName === 'base64Write') return 'base64 (event values)';
  if (
    url.includes('node_modules/serverless-offline') ||
    functionName === 'postMessage' ||
    url.includes('worker')
  )
    return 'serverless-offline invocation (worker hop, context, log line)';
  if (/^(writeUtf8String|writeBuffer|writev)$/.test(functionName))
    return 'writes to pipes and sockets (log lines, Kafka requests)';
  if (url === 'node:zlib' || url.includes('zlib')) return 'decompression (zlib)';
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle';
  return 'other (Node internals, framework)';
}

/**
 * Milliseconds per part of the samples taken between `from` and `to` (epoch ms). Profile timestamps
 * are µs on a clock of their own, so the window is placed back from the profile's end, which is
 * when the process exited (`exitedAt`).
 */
function breakdown(
  profile: CpuProfile,
  from: number,
  to: number,
  exitedAt: number,
): { parts: Record<string, number>; emulatorFrames: Record<string, number> } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const parts: Record<string, number> = {};
  const emulatorFrames: Record<string, number> = {};
  let at = profile.startTime;
  const stamps = profile.timeDeltas.map((delta) => {
    at += delta;
    return at;
  });
  const end = stamps.at(-1) ?? profile.startTime;
  const windowStart = end - (exitedAt - from) * 1000;
  const windowEnd = end - (exitedAt - to) * 1000;
  profile.samples.forEach((id, i) => {
    const stamp = stamps[i] ?? 0;
    if (stamp < windowStart || stamp > windowEnd) return;
    const frame = nodes.get(id);
    const part = partOf(frame?.url ?? '', frame?.functionName ?? '');
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    parts[part] = (parts[part] ?? 0) + ms;
    if (part.startsWith('emulator')) {
      const name = `${frame?.functionName || '(anonymous)'} (${path.basename(frame?.url ?? '')})`;
      emulatorFrames[name] = (emulatorFrames[name] ?? 0) + ms;
    }
  });
  return { parts, emulatorFrames };
}

async function launch(
  env: Record<string, string>,
  profileDir: string,
): Promise<{ child: ChildProcess; output: () => string }> {
  const args = [`--cpu-prof`, `--cpu-prof-dir=${profileDir}`, SERVERLESS_JS, 'offline', 'start'];
  args.push('--httpPort', String(await freePort()), '--lambdaPort', String(await freePort()));
  const child = spawn(process.execPath, args, {
    cwd: SERVICE,
    env: { ...process.env, FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const deadline = Date.now() + 120_000;
  while (!['consume1', 'consume100', 'consume1000'].every((fn) => text.includes(`ready: ${fn} <- `))) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`serverless offline did not get ready:\n${text.slice(-3000)}`);
    await sleep(50);
  }
  return { child, output: () => text };
}

async function main(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const broker = await ensureBroker({ log });
  const runId = uniqueName('bench-prof');
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'));
  const profileDir = path.join(workDir, 'profiles');
  const topics = { 1: `${runId}-1`, 100: `${runId}-100`, 1000: `${runId}-1000` };
  try {
    await createBenchTopics(Object.values(topics));
    const burst = path.join(workDir, 'burst.tsv');
    writeBurstFile(burst, RECORDS);
    const inProcess = process.env.BENCH_IN_PROCESS === 'true';
    const { child } = await launch(
      {
        KAFKA_BROKERS: broker.bootstrap,
        BENCH_IN_PROCESS: String(inProcess),
        BENCH_OUT_DIR: workDir,
        BENCH_TOPIC_1: topics[1],
        BENCH_TOPIC_100: topics[100],
        BENCH_TOPIC_1000: topics[1000],
      },
      profileDir,
    );
    await kcatProduce(topics[100], burst);
    const invocations = new InvocationLog(path.join(workDir, 'consume100.jsonl'));
    const done = new InvocationTally();
    while (done.add(invocations.next()).records < RECORDS) await sleep(50);
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    const exitedAt = Date.now();
    const mainProfile = readdirSync(profileDir)
      .filter((name) => name.endsWith('.cpuprofile'))
      .sort()[0];
    if (!mainProfile) throw new Error('no CPU profile was written');
    const profileText = readFileSync(path.join(profileDir, mainProfile), 'utf8');
    if (process.env.BENCH_KEEP_PROFILE) writeFileSync(process.env.BENCH_KEEP_PROFILE, profileText);
    const profile = JSON.parse(profileText) as CpuProfile;
    const { parts, emulatorFrames } = breakdown(profile, done.first, done.last, exitedAt);
    const total = Object.values(parts).reduce((sum, ms) => sum + ms, 0);
    const rate = Math.round((done.records / Math.max(1, done.last - done.first)) * 1000);
    process.stdout.write(
      `${done.records} records at batch size 100 in ${Math.round(done.last - done.first)} ms (${rate} records/s), ${inProcess ? 'in process' : 'worker threads'}; main thread:\n`,
    );
    const rows = Object.entries(parts)
      .sort(([, a], [, b]) => b - a)
      .map(([part, ms]) => ({ part, ms: Math.round(ms), share: Math.round((ms / total) * 100) }));
    for (const row of rows)
      process.stdout.write(`  ${String(row.share).padStart(3)} %  ${row.ms} ms  ${row.part}\n`);
    const topFrames = Object.entries(emulatorFrames)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 10)
      .map(([frame, ms]) => ({ frame, ms: Math.round(ms) }));
    process.stdout.write(
      `  the emulator's own time, by function: ${topFrames.map((f) => `${f.frame} ${f.ms} ms`).join(', ')}\n`,
    );
    mkdirSync(RESULTS, { recursive: true });
    const stamp = new Date().toISOString().slice(0, 16).replace(':', '');
    const file = path.join(RESULTS, `${stamp}.emulator-profile${inProcess ? '.in-process' : ''}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ date: new Date().toISOString(), records: done.records, recordsPerSec: rate, inProcess, mainThread: rows, emulatorFrames: topFrames }, null, 2)}\n`,
    );
    process.stdout.write(`wrote ${path.relative(path.join(__dirname, '..'), file)}\n`);
  } finally {
    await cleanupKafka(Object.values(topics), runId);
    rmSync(workDir, { recursive: true, force: true });
    if (broker.startedHere) await stopBroker({ log });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
