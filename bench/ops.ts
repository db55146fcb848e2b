/**
 * `npm run bench:ops`: the cost of the operations console's refresh, `GET /api/kafka/ops/metrics`.
 * - latency over HTTP through the repository's own service under `serverless offline start` (the
 *   stages' consumers off, so the bench measures the endpoint, not the pipeline): p50/p99 of
 *   sequential refreshes (one console) and of 4 consoles refreshing at once; target p99 ≤ 250 ms;
 * - broker requests per refresh, by API, counted by the ops cluster client itself
 *   (lib/kafka/ops-cluster.ts) in this process, running the same collectMetrics with the same
 *   topics and stage groups the endpoint reads (the counts inside the Lambda worker are not visible
 *   over HTTP).
 * Every document covers the nine catalogue topics, their nine dead-letter topics and every
 * declared stage's consumer group. Writes bench/results/<date>.ops.json and .md.
 * BENCH_QUICK=1 takes fewer samples.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { catalogueTopics } from '../lib/events/catalogue';
import { ensureCatalogueTopics } from '../lib/events/topics';
import { disconnectKafka, opsRequestCounts, resetOpsRequestCounts } from '../lib/kafka';
import { collectMetrics, type MetricsDocument } from '../lib/ops/metrics';
import { loadStages } from '../lib/pipeline/stages';
import { ensureBroker, stopBroker } from '../scripts/broker';
import { ADMIN_KEY } from '../test/helpers/api-keys';
import { uniqueName } from '../test/helpers/names';
import { freePort, startOffline } from '../test/helpers/offline-server';
import { percentile, round } from './lib/stats';

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(__dirname, 'results');
const quick = process.env.BENCH_QUICK === '1';
const SEQUENTIAL = quick ? 60 : 300;
const CONSOLES = 4;
const PER_CONSOLE = quick ? 20 : 75;
const TARGET_P99_MS = 250;
/** The local stage's group prefix (serverless.yml params.local): the groups `npm start` runs. */
const GROUP_PREFIX = 'casino-events-local';

const started = Date.now();
const log = (line: string) =>
  process.stdout.write(`[bench:ops +${Math.round((Date.now() - started) / 1000)}s] ${line}\n`);

/** Answers other than 200, kept for the report (a bench that hid them would flatter the figures). */
const failures: { status: number; body: string }[] = [];

async function timedGet(url: string): Promise<number | undefined> {
  const t0 = performance.now();
  const response = await fetch(url, { headers: { 'x-api-key': ADMIN_KEY } });
  const body = await response.text();
  const ms = performance.now() - t0;
  if (response.status === 200) return ms;
  failures.push({ status: response.status, body: body.slice(0, 300) });
  return undefined;
}

/** The first document; a cold worker on a loaded machine may time out once (serverless-offline's 502). */
async function firstDocument(url: string): Promise<MetricsDocument> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, { headers: { 'x-api-key': ADMIN_KEY } });
    const body = await response.text();
    if (response.status === 200) return JSON.parse(body) as MetricsDocument;
    log(`first document, attempt ${attempt}: ${response.status} ${body.slice(0, 300)}`);
    if (attempt === 5) throw new Error(`GET ${url} answered ${response.status} five times`);
  }
}

const latency = (samples: number[]) => ({
  n: samples.length,
  p50_ms: round(percentile(samples, 50), 1),
  p99_ms: round(percentile(samples, 99), 1),
  max_ms: round(Math.max(...samples), 1),
});

async function brokerRequestsPerRefresh(refreshes: number) {
  const stages = loadStages().map((s) => ({
    stage: s.name,
    group: `${GROUP_PREFIX}-${s.name}`,
    topic: s.topic,
  }));
  // The first call also looks up metadata and coordinators, which later calls reuse.
  await collectMetrics({ stages });
  resetOpsRequestCounts();
  for (let i = 0; i < refreshes; i++) await collectMetrics({ stages });
  const counts = opsRequestCounts();
  const perRefresh = Object.fromEntries(
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([api, count]) => [api, round(count / refreshes, 2)]),
  );
  const total = round(Object.values(counts).reduce((sum, n) => sum + n, 0) / refreshes, 2);
  return { stages: stages.length, refreshes, per_refresh: perRefresh, total_per_refresh: total };
}

async function main(): Promise<void> {
  const broker = await ensureBroker({ log });
  process.env.KAFKA_BROKERS = broker.bootstrap;
  await ensureCatalogueTopics();
  const runId = uniqueName('bench-ops');
  const esbuildFolder = `.serverless/${runId}-esbuild`;

  log('starting the service (serverless offline start, consumers off)');
  const server = await startOffline({
    cwd: ROOT,
    httpPort: await freePort(),
    lambdaPort: await freePort(),
    env: { KAFKA_BROKERS: broker.bootstrap, ESBUILD_WORK_FOLDER: esbuildFolder, LOG_LEVEL: 'warn' },
    args: ['--kafkaEnabled', 'false'],
    readyTimeoutMs: 180_000,
  });
  try {
    const url = `${server.httpUrl}/api/kafka/ops/metrics`;
    const sample = await firstDocument(url);
    const shape = {
      topics: sample.topics.length,
      dead_letter_topics: sample.dead_letters.length,
      stage_groups: sample.stages.length,
      partitions: [
        ...sample.topics.flatMap((t) => t.partitions),
        ...sample.stages.flatMap((s) => s.partitions),
      ].length,
    };
    if (shape.topics !== catalogueTopics.length)
      throw new Error(`expected the nine topics: ${JSON.stringify(shape)}`);
    log(`document: ${JSON.stringify(shape)}`);

    // serverless-offline starts a worker per concurrent request: each must be warm before timing.
    log(`warming up (${CONSOLES} at once, so every worker serves a few)`);
    await Promise.all(
      Array.from({ length: CONSOLES }, async () => {
        for (let i = 0; i < 10; i++) await timedGet(url);
      }),
    );
    const warmupFailures = failures.splice(0).length;
    if (warmupFailures > 0) log(`${warmupFailures} answer(s) other than 200 while warming up`);

    log(`one console: ${SEQUENTIAL} sequential refreshes`);
    const sequential: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const ms = await timedGet(url);
      if (ms !== undefined) sequential.push(ms);
    }

    log(`${CONSOLES} consoles at once: ${PER_CONSOLE} refreshes each`);
    const concurrent: number[] = [];
    await Promise.all(
      Array.from({ length: CONSOLES }, async () => {
        for (let i = 0; i < PER_CONSOLE; i++) {
          const ms = await timedGet(url);
          if (ms !== undefined) concurrent.push(ms);
        }
      }),
    );

    log('broker requests per refresh (in process)');
    const requests = await brokerRequestsPerRefresh(quick ? 10 : 50);

    const result = {
      scenario: 'ops-metrics',
      at: new Date().toISOString(),
      quick,
      machine: { cpus: os.cpus().length, loadavg: os.loadavg() },
      document: shape,
      target_p99_ms: TARGET_P99_MS,
      one_console: latency(sequential),
      four_consoles: latency(concurrent),
      broker_requests: requests,
      failures,
    };
    mkdirSync(RESULTS, { recursive: true });
    const base = path.join(RESULTS, `${result.at.slice(0, 16).replace(/:/g, '')}.ops`);
    writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
    const verdict = (p99: number) => (p99 <= TARGET_P99_MS ? 'within target' : 'ABOVE target');
    const md = [
      `# /ops/metrics (${result.at}${quick ? ', quick' : ''})`,
      '',
      `Document: ${shape.topics} topics, ${shape.dead_letter_topics} dead-letter topics, ${shape.stage_groups} stage groups. Load average ${result.machine.loadavg.map((l) => l.toFixed(1)).join(' ')} on ${result.machine.cpus} CPUs.`,
      '',
      '| refreshes | n | p50 ms | p99 ms | max ms | p99 ≤ 250 ms |',
      '| --- | --- | --- | --- | --- | --- |',
      `| one console, sequential | ${result.one_console.n} | ${result.one_console.p50_ms} | ${result.one_console.p99_ms} | ${result.one_console.max_ms} | ${verdict(result.one_console.p99_ms)} |`,
      `| ${CONSOLES} consoles at once | ${result.four_consoles.n} | ${result.four_consoles.p50_ms} | ${result.four_consoles.p99_ms} | ${result.four_consoles.max_ms} | ${verdict(result.four_consoles.p99_ms)} |`,
      '',
      `Answers other than 200 (not in the figures): ${failures.length}${failures.length > 0 ? ` (${[...new Set(failures.map((f) => `${f.status} ${f.body.slice(0, 80)}`))].join('; ')})` : ''}.`,
      '',
      `Broker requests per refresh: ${requests.total_per_refresh} (${Object.entries(requests.per_refresh)
        .map(([api, n]) => `${api} ${n}`)
        .join(', ')}).`,
      '',
    ].join('\n');
    writeFileSync(`${base}.md`, md);
    process.stdout.write(`\n${md}\n`);
    log(`wrote ${path.relative(ROOT, base)}.json and .md`);
  } finally {
    await server.stop();
    await disconnectKafka();
    rmSync(path.join(ROOT, esbuildFolder), { recursive: true, force: true });
    if (broker.startedHere) await stopBroker({ log });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
