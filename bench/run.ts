/**
 * `npm run bench`: every scenario of the performance issue, each figure beside its ceiling measured
 * in the same run on the same broker (these machines are shared and noisy, so the ratio is the
 * headline). Starts what it needs (a broker if none answers, `serverless offline start` of the
 * bench service and of the root service), stops what it started, deletes its topics and groups,
 * and writes bench/results/<date>.json, .md and .svg.
 *
 * BENCH_QUICK=1 shortens every repetition (a smoke run; its figures are not for the README).
 * BENCH_ONLY=http runs the single-event HTTP scenario alone (bench/results/<date>.http.*).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ensureCatalogueTopics } from '../lib/events/topics';
import { startHqSandbox } from '../lib/hq/sandbox';
import { loadStages } from '../lib/pipeline/stages';
import { brokerPids, ensureBroker, KAFKA_VERSION, stopBroker } from '../scripts/broker';
import { ensureDynamo, ensureLocalTables, LOCAL_AWS_ENV, stopDynamo } from '../scripts/dynamodb';
import { uniqueName } from '../test/helpers/names';
import { freePort, type OfflineServer, startOffline } from '../test/helpers/offline-server';
import { benchKafka, cleanupKafka, createBenchTopics, RawConsumer, RawProducer } from './lib/kafka';
import { RssSampler } from './lib/rss';
import {
  type BenchResults,
  type HttpOnlyResults,
  renderHttpOnlyMarkdown,
  renderMarkdown,
  renderSvg,
} from './report';
import { breakdownScenario } from './scenarios/breakdown';
import { kcatCeilings } from './scenarios/ceilings';
import { bundleSizes, coldStartScenario } from './scenarios/cold-start';
import { consumeScenario } from './scenarios/consume';
import { httpBatch, httpSingle } from './scenarios/http';
import { pipelineScenario } from './scenarios/pipeline';

const ROOT = path.resolve(__dirname, '..');
const FIXTURE = path.join(__dirname, 'fixture-service');
const RESULTS = path.join(__dirname, 'results');
const quick = process.env.BENCH_QUICK === '1';
const only = process.env.BENCH_ONLY;
if (only !== undefined && only !== 'http') throw new Error(`BENCH_ONLY=${only}: only 'http' is supported`);

const started = Date.now();
const log = (line: string) =>
  process.stdout.write(`[bench +${Math.round((Date.now() - started) / 1000)}s] ${line}\n`);

/**
 * The batching windows a slot spin waits on its way to each notice: each stage's declared window
 * (`batchingWindow`), else the shared one of serverless.yml (params.default.stageBatchingWindow).
 */
function pathWindowsMs(): { reward: number; feedback: number } {
  const doc = parse(readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8')) as {
    params: { default: { stageBatchingWindow: number } };
  };
  const shared = Number(doc.params.default.stageBatchingWindow);
  const windows = new Map(loadStages().map((s) => [s.name, (s.batchingWindow ?? shared) * 1000]));
  const sum = (names: string[]) =>
    names.reduce((total, name) => total + (windows.get(name) ?? shared * 1000), 0);
  return {
    reward: sum(['process-user-action']),
    feedback: sum(['process-user-action', 'analyze-game-result', 'deliver-feedback']),
  };
}

const machineInfo = (brokerMode: string): BenchResults['machine'] => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()}`,
  node: process.version,
  kafka: `${KAFKA_VERSION} (${brokerMode}, 1 broker, 3 partitions per bench topic)`,
});

async function main(): Promise<void> {
  const broker = await ensureBroker({ log });
  process.env.KAFKA_BROKERS = broker.brokers.join(',');
  const runId = uniqueName('bench');
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const outDir = path.join(workDir, 'functions');
  mkdirSync(outDir);
  // Not under `.esbuild`: another server stopping in this tree removes its whole work folder.
  const esbuildFolder = `.serverless/${runId}-esbuild`;
  const topics = {
    http: `${runId}-http`,
    rawProduce: `${runId}-raw-produce`,
    consume1: `${runId}-consume-1`,
    consume100: `${runId}-consume-100`,
    consume1000: `${runId}-consume-1000`,
    rawConsume: `${runId}-raw-consume`,
    kcat: `${runId}-kcat`,
  };
  log(
    `run ${runId}: broker ${broker.bootstrap} (${broker.mode}${broker.startedHere ? ', started here' : ''})`,
  );
  await createBenchTopics(Object.values(topics));

  const servers: OfflineServer[] = [];
  const closers: (() => Promise<unknown>)[] = [];
  const reps = quick ? 2 : 5;
  const repetitionMs = quick ? 1000 : 2500;
  const warmupMs = quick ? 500 : 1500;
  try {
    log('starting the bench service (serverless offline start)');
    const fixture = await startOffline({
      cwd: FIXTURE,
      httpPort: await freePort(),
      lambdaPort: await freePort(),
      env: {
        KAFKA_BROKERS: broker.bootstrap,
        ESBUILD_WORK_FOLDER: esbuildFolder,
        BENCH_OUT_DIR: outDir,
        BENCH_PRODUCE_TOPIC: topics.http,
        BENCH_CONSUME: 'true',
        BENCH_TOPIC_1: topics.consume1,
        BENCH_TOPIC_100: topics.consume100,
        BENCH_TOPIC_1000: topics.consume1000,
      },
      readyTimeoutMs: 180_000,
    });
    servers.push(fixture);
    const consuming = fixture.output().match(/consuming (\d+) Kafka event source/);
    if (Number(consuming?.[1]) !== 3)
      throw new Error(`the bench service should consume 3 event sources:\n${fixture.output().slice(-3000)}`);
    const rss = new RssSampler(fixture.pid);
    rss.start();

    const plan = { baseUrl: fixture.httpUrl, repetitions: reps, repetitionMs, warmupMs, log, rss };
    const singleEvent = async () => {
      log('HTTP single-event produce vs a raw kafkajs send and the no-op function');
      const results = [];
      for (const concurrency of [1, 8, 32]) results.push(await httpSingle(plan, concurrency));
      return results;
    };
    if (only === 'http') {
      const httpSingleResults = await singleEvent();
      const date = new Date().toISOString();
      const results: HttpOnlyResults = {
        only,
        date,
        runId,
        quick,
        durationS: Math.round((Date.now() - started) / 1000),
        machine: machineInfo(broker.mode),
        httpSingle: httpSingleResults,
      };
      mkdirSync(RESULTS, { recursive: true });
      const base = path.join(RESULTS, `${date.slice(0, 16).replace(':', '')}.http${quick ? '.quick' : ''}`);
      writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
      writeFileSync(`${base}.md`, renderHttpOnlyMarkdown(results));
      process.stdout.write(`\n${renderHttpOnlyMarkdown(results)}\n`);
      log(`wrote ${path.relative(ROOT, base)}.{json,md}`);
      return;
    }

    // First on the fresh server: its functions' first requests are the cold starts.
    log('cold start');
    rss.enter('cold-start');
    const coldStart = await coldStartScenario(fixture.httpUrl, quick ? 20 : 100);
    const bundles = bundleSizes('bench-fixture', path.join(FIXTURE, esbuildFolder));

    const single = await singleEvent();

    log('HTTP batch produce (1 000 events per request) vs a raw kafkajs producer');
    const producer = await RawProducer.connect();
    closers.push(() => producer.disconnect());
    const batch = [];
    for (const concurrency of [1, 4])
      batch.push(await httpBatch(plan, producer, topics.rawProduce, concurrency));

    log('per-request work in-process: the produce handler vs a raw kafkajs send');
    rss.enter('breakdown');
    const breakdown = await breakdownScenario(topics.rawProduce, producer, quick ? 100 : 300);

    log('Kafka-triggered function through the emulator vs a raw kafkajs eachBatch consumer');
    const raw = await RawConsumer.start(topics.rawConsume, `${runId}-raw-consumer`);
    closers.push(() => raw.stop());
    const consumePlan = {
      outDir,
      workDir,
      repetitions: quick ? 2 : 3,
      log,
      rss,
      serverPid: fixture.pid,
      brokerPid: broker.mode === 'java' ? brokerPids({ nodes: 1 })[1] : undefined,
    };
    const consume = [];
    const consumeTopics = { 1: topics.consume1, 100: topics.consume100, 1000: topics.consume1000 } as const;
    for (const [batchSize, records] of [
      [100, quick ? 5000 : 20_000],
      [1000, quick ? 5000 : 20_000],
      [1, quick ? 300 : 1000],
    ] as const) {
      consume.push(
        await consumeScenario(
          consumePlan,
          batchSize,
          records,
          { emulator: consumeTopics[batchSize], raw: topics.rawConsume },
          raw,
        ),
      );
    }

    log('raw ceilings: kcat');
    rss.enter('kcat');
    const kcat = await kcatCeilings(topics.kcat, workDir, quick ? 20_000 : 100_000, quick ? 2 : 3, log);
    rss.stop();
    await fixture.stop();
    servers.pop();

    log('starting the root service for the slot-spin pipeline');
    await ensureCatalogueTopics(benchKafka());
    const hq = await startHqSandbox({ port: 0 });
    closers.push(() => hq.close());
    // The stages keep player state: the local DynamoDB and its tables, as `npm start` has them.
    const dynamo = await ensureDynamo({ log });
    if (dynamo.startedHere) closers.push(() => stopDynamo({ log }));
    await ensureLocalTables(dynamo.endpoint);
    const root = await startOffline({
      cwd: ROOT,
      httpPort: await freePort(),
      lambdaPort: await freePort(),
      env: {
        ...LOCAL_AWS_ENV,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        KAFKA_BROKERS: broker.bootstrap,
        ESBUILD_WORK_FOLDER: esbuildFolder,
        HQ_API_URL: hq.url,
        STAGE_GROUP_PREFIX: `${runId}-stage`,
        STAGE_STARTING_POSITION: 'LATEST',
      },
      readyTimeoutMs: 240_000,
    });
    servers.push(root);
    bundles.push(...bundleSizes('casino-events', path.join(ROOT, esbuildFolder)));
    const rootRss = new RssSampler(root.pid);
    rootRss.start();
    const windowsMs = pathWindowsMs();
    const pipeline = await pipelineScenario({
      baseUrl: root.httpUrl,
      groupId: `${runId}-notifications-watch`,
      windowsMs,
      warmups: 3,
      spins: quick ? 8 : 25,
      // Wider than the longest window, so each spin waits its full windows (the worst case), and
      // at least 1.2 s apart: one spin at a time measures the path, not a queue at the local store.
      spacingMs: Math.max(windowsMs.reward, windowsMs.feedback, 1000) + 200,
      log,
      rss: rootRss,
    });
    rootRss.stop();
    await root.stop();
    servers.pop();

    const results: BenchResults = {
      date: new Date().toISOString(),
      runId,
      quick,
      durationS: Math.round((Date.now() - started) / 1000),
      machine: machineInfo(broker.mode),
      ceilings: {
        kafkajsProduceEventsPerSec: batch[0]!.raw.eventsPerSec,
        kafkajsConsumeRecordsPerSec: consume.find((c) => c.batchSize === 100)!.raw.recordsPerSec,
        kcat,
      },
      httpSingle: single,
      httpBatch: batch,
      breakdown,
      consume,
      pipeline,
      coldStart: { ...coldStart, bundles },
      memory: {
        benchServicePeakMiB: rss.peaks,
        benchServiceAfterRepetitionMiB: rss.afterRepetition,
        rootServicePeakMiB: rootRss.peaks,
      },
    };
    mkdirSync(RESULTS, { recursive: true });
    const stamp = results.date.slice(0, 16).replace(':', '');
    const base = path.join(RESULTS, quick ? `${stamp}.quick` : stamp);
    writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(`${base}.md`, renderMarkdown(results, path.basename(`${base}.svg`)));
    writeFileSync(`${base}.svg`, renderSvg(results));
    process.stdout.write(`\n${renderMarkdown(results, path.basename(`${base}.svg`))}\n`);
    log(`wrote ${path.relative(ROOT, base)}.{json,md,svg}`);
  } finally {
    for (const server of servers.reverse()) await server.stop().catch(() => undefined);
    for (const close of closers.reverse()) await close().catch(() => undefined);
    const problems = await cleanupKafka(Object.values(topics), runId);
    if (problems.length > 0) log(`cleanup: ${problems.join('; ')}`);
    rmSync(workDir, { recursive: true, force: true });
    for (const dir of [FIXTURE, ROOT])
      rmSync(path.join(dir, esbuildFolder), { recursive: true, force: true });
    if (broker.startedHere) {
      log('stopping the broker this run started');
      await stopBroker({ log });
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
