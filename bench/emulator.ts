/**
 * `npm run bench:emulator`: the Kafka event-source emulator's scenarios alone (the full `npm run bench`
 * also runs the HTTP and pipeline ones). Each figure beside its ceiling in the same run:
 * - start-up: `serverless offline start` → every consumer ready, for new consumer groups;
 * - throughput at batch sizes 100, 1 000 and 1 vs a raw kafkajs `eachBatch` consumer (bench/scenarios/consume.ts);
 * - cold backlog: records already waiting, launch → last record finished, vs a raw kafkajs consumer's cold start.
 * Writes bench/results/<date>.emulator.json. BENCH_QUICK=1 shortens every repetition; BENCH_STARTUP_ONLY=1
 * runs the start-up launches alone, BENCH_CONSUME_ONLY=1 the throughput scenarios alone; BENCH_IN_PROCESS=true runs the handlers on serverless-offline's main
 * thread (`useInProcess`) instead of its worker threads, to show what the worker hop costs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brokerPids, ensureBroker, stopBroker } from '../scripts/broker';
import { uniqueName } from '../test/helpers/names';
import {
  benchKafka,
  cleanupKafka,
  createBenchTopics,
  kcatProduce,
  RawConsumer,
  writeBurstFile,
} from './lib/kafka';
import { RssSampler } from './lib/rss';
import { summarize } from './lib/stats';
import { type ConsumeResult, consumeScenario } from './scenarios/consume';
import {
  backlogScenario,
  launchToLast,
  rawBacklog,
  type StartupTiming,
  startupScenario,
  type TimeBreakdown,
  timeBreakdown,
} from './scenarios/emulator-start';

const SERVICE = path.join(__dirname, 'emulator-service');
/** The same functions as plain JavaScript, no bundler: launch → ready without esbuild's build. */
const PLAIN_SERVICE = path.join(__dirname, 'emulator-plain');
/** The cold-backlog race: this emulator and the other plugin, each in a one-function service. */
const RACE_SERVICE = path.join(__dirname, 'race-service');
const PEER_SERVICE = path.join(__dirname, 'peer-service');
const PEER_PLUGIN = '@gabrielgollo/serverless-offline-kafka';
const RESULTS = path.join(__dirname, 'results');
const quick = process.env.BENCH_QUICK === '1';
const FUNCTIONS = ['consume1', 'consume100', 'consume1000'];

const started = Date.now();
const log = (line: string) =>
  process.stdout.write(`[bench:emulator +${Math.round((Date.now() - started) / 1000)}s] ${line}\n`);

const machine = () => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  node: process.version,
});

/** bench/results/<date>.emulator[.consume][.in-process][.quick].json */
function writeResults(kind: string, results: { date: string } & Record<string, unknown>): string {
  mkdirSync(RESULTS, { recursive: true });
  const stamp = results.date.slice(0, 16).replace(':', '');
  const inProcess = process.env.BENCH_IN_PROCESS === 'true' ? '.in-process' : '';
  const name = `${stamp}.emulator${kind ? `.${kind}` : ''}${inProcess}${quick ? '.quick' : ''}.json`;
  const file = path.join(RESULTS, name);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

/**
 * While a burst is written and read, kcat, the broker and the consumer share the machine's cores: the
 * CPU each side needs per 1,000 records, and the rate the emulator's side could reach if every core
 * did nothing else (a bound, not a forecast: its main thread is one of those cores).
 */
function cpuBudget(
  consume: ConsumeResult[],
): Record<number, { emulatorSideMs: number; rawSideMs: number; emulatorCeilingPerSec: number }> {
  const cores = os.cpus().length;
  const round1 = (ms: number) => Math.round(ms * 10) / 10;
  return Object.fromEntries(
    consume.map((c) => {
      const kcat = c.kcatCpuMsPer1000.median;
      const emulatorSideMs = c.emulator.cpuMsPer1000.median + c.brokerCpuMsPer1000.emulator.median + kcat;
      const rawSideMs = c.raw.cpuMsPer1000.median + c.brokerCpuMsPer1000.raw.median + kcat;
      return [
        c.batchSize,
        {
          emulatorSideMs: round1(emulatorSideMs),
          rawSideMs: round1(rawSideMs),
          emulatorCeilingPerSec: Math.round((cores * 1000 * 1000) / emulatorSideMs),
        },
      ];
    }),
  );
}

async function main(): Promise<void> {
  const broker = await ensureBroker({ log });
  process.env.KAFKA_BROKERS = broker.bootstrap;
  const runId = uniqueName('bench-emu');
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'bench-emulator-'));
  const esbuildFolder = `.serverless/${runId}-esbuild`;
  const created: string[] = [];
  const topicSet = async (label: string) => {
    const set = { 1: `${runId}-${label}-1`, 100: `${runId}-${label}-100`, 1000: `${runId}-${label}-1000` };
    await createBenchTopics(Object.values(set));
    created.push(...Object.values(set));
    return set;
  };
  const envFor = (topics: Record<1 | 100 | 1000, string>, outDir: string) => ({
    BENCH_IN_PROCESS: process.env.BENCH_IN_PROCESS ?? 'false',
    KAFKA_BROKERS: broker.bootstrap,
    ESBUILD_WORK_FOLDER: esbuildFolder,
    BENCH_OUT_DIR: outDir,
    BENCH_TOPIC_1: topics[1],
    BENCH_TOPIC_100: topics[100],
    BENCH_TOPIC_1000: topics[1000],
  });
  try {
    // Start-up, new groups each time (fresh topics → fresh default group ids). The first launch
    // also builds the bundles, so it is reported apart.
    const startups: StartupTiming[] = [];
    const consumeOnly = process.env.BENCH_CONSUME_ONLY === '1';
    const launches = consumeOnly ? 0 : quick ? 2 : 4;
    for (let i = 0; i < launches; i += 1) {
      const outDir = mkdtempSync(path.join(workDir, 'start-'));
      const { timing, server } = await startupScenario(
        SERVICE,
        envFor(await topicSet(`s${i}`), outDir),
        FUNCTIONS,
      );
      await server.stop();
      startups.push(timing);
      log(
        `start-up ${i + 1}: ${timing.totalMs} ms to every consumer ready (framework ${timing.frameworkMs} ms, emulator ${timing.emulatorMs} ms)`,
      );
    }

    const plainStartups: StartupTiming[] = [];
    for (let i = 0; i < launches; i += 1) {
      const outDir = mkdtempSync(path.join(workDir, 'plain-'));
      const env = envFor(await topicSet(`p${i}`), outDir);
      const { timing, server } = await startupScenario(PLAIN_SERVICE, env, FUNCTIONS);
      await server.stop();
      plainStartups.push(timing);
      log(
        `start-up without a bundler ${i + 1}: ${timing.totalMs} ms to every consumer ready (framework ${timing.frameworkMs} ms, emulator ${timing.emulatorMs} ms)`,
      );
    }
    if (process.env.BENCH_STARTUP_ONLY === '1') {
      log(`start-up only: ${JSON.stringify({ startups, plainStartups })}`);
      return;
    }

    // Throughput against the raw consumer (consume.ts), on one server.
    const outDir = path.join(workDir, 'functions');
    mkdirSync(outDir);
    const topics = await topicSet('c');
    const rawTopic = `${runId}-raw-consume`;
    await createBenchTopics([rawTopic]);
    created.push(rawTopic);
    const { server } = await startupScenario(SERVICE, envFor(topics, outDir), FUNCTIONS);
    const raw = await RawConsumer.start(rawTopic, `${runId}-raw-consumer`);
    const rss = new RssSampler(server.child.pid ?? 0);
    rss.start();
    const consume = [];
    const breakdowns: Record<number, TimeBreakdown> = {};
    try {
      const plan = {
        outDir,
        workDir,
        repetitions: quick ? 2 : 5,
        log,
        rss,
        serverPid: server.child.pid ?? 0,
        brokerPid: broker.mode === 'java' ? brokerPids({ nodes: 1 })[1] : undefined,
      };
      // Bursts of 100 000: on a quiet machine both sides take 20 000 in about 0.2 s, too short to
      // time apart from a scheduling hiccup.
      for (const [batchSize, records] of [
        [100, quick ? 5000 : 100_000],
        [1000, quick ? 5000 : 100_000],
        [1, quick ? 300 : 1000],
      ] as const) {
        consume.push(
          await consumeScenario(
            plan,
            batchSize,
            records,
            { emulator: topics[batchSize], raw: rawTopic },
            raw,
          ),
        );
        const breakdown = timeBreakdown(
          path.join(outDir, `consume${batchSize}.jsonl`),
          server.output(),
          `consume${batchSize}`,
        );
        breakdowns[batchSize] = breakdown;
        log(
          `  batchSize=${batchSize} where the time goes (means of the middle 90 %): ${JSON.stringify(breakdown)}`,
        );
      }
    } finally {
      rss.stop();
      await raw.stop();
      await server.stop();
    }

    if (consumeOnly) {
      const file = writeResults('consume', {
        date: new Date().toISOString(),
        runId,
        quick,
        machine: machine(),
        consume,
        breakdowns,
        cpuBudget: cpuBudget(consume),
      });
      for (const c of consume)
        log(
          `batchSize ${c.batchSize}: ratio ${c.ratio.median.toFixed(2)} (${c.ratio.min.toFixed(2)}–${c.ratio.max.toFixed(2)})`,
        );
      log(`wrote ${path.relative(path.join(__dirname, '..'), file)}`);
      return;
    }

    // Cold backlog: the records wait before anything starts.
    const backlogRecords = quick ? 20_000 : 100_000;
    const backlogFile = path.join(workDir, `backlog-${backlogRecords}.tsv`);
    writeBurstFile(backlogFile, backlogRecords);
    const backlogTopics = await topicSet('b');
    await kcatProduce(backlogTopics[100], backlogFile);
    const backlogOut = mkdtempSync(path.join(workDir, 'backlog-'));
    const emulatorBacklog = await backlogScenario(
      SERVICE,
      envFor(backlogTopics, backlogOut),
      path.join(backlogOut, 'consume100.jsonl'),
      backlogRecords,
    );
    log(
      `cold backlog of ${backlogRecords}: emulator (batchSize 100) ${emulatorBacklog.launchToLastMs} ms launch → last`,
    );
    const rawBacklogMs = await rawBacklog(
      benchKafka(),
      backlogTopics[100],
      `${runId}-raw-backlog`,
      backlogRecords,
    );
    log(`cold backlog of ${backlogRecords}: raw kafkajs ${rawBacklogMs} ms connect → last`);

    // The race: the same backlog, the same plain-JavaScript function at batch size 100, from launch,
    // through this emulator and through the other plugin (each on a topic of its own), in alternating
    // rounds: one launch each is a single sample on a shared machine.
    // Installed under the alias its README gives (`serverless-offline-kafka`).
    const peerVersion = (require('serverless-offline-kafka/package.json') as { version: string }).version;
    const ourRounds: Awaited<ReturnType<typeof launchToLast>>[] = [];
    const peerRounds: Awaited<ReturnType<typeof launchToLast>>[] = [];
    /** One launch on a fresh topic holding the backlog: launch → its last record finished. */
    const raceOnce = async (
      label: string,
      service: string,
      lines: { first: RegExp; ready: RegExp },
      env: Record<string, string> = {},
    ) => {
      const topics = await topicSet(label);
      await kcatProduce(topics[100], backlogFile);
      const out = mkdtempSync(path.join(workDir, `${label}-`));
      return launchToLast(
        service,
        { ...envFor(topics, out), ...env },
        path.join(out, 'consume100.jsonl'),
        backlogRecords,
        lines,
      );
    };
    for (let round = 1; round <= (quick ? 1 : 3); round += 1) {
      const ours = await raceOnce(`rp${round}`, RACE_SERVICE, {
        first: /\[kafka-offline\]/,
        ready: /ready: consume100 <- /,
      });
      ourRounds.push(ours);
      // Its one consumer is ready when it prints that it listens (it subscribes before it returns).
      const peer = await raceOnce(
        `rq${round}`,
        PEER_SERVICE,
        { first: /\[serverless-offline-kafka\]/, ready: /Listening on topic/ },
        { BENCH_PEER_GROUP: `${runId}-peer-${round}` },
      );
      peerRounds.push(peer);
      log(
        `race ${round}, ${backlogRecords} waiting, launch → last: this emulator ${ours.launchToLastMs} ms (start-up ${ours.startup.totalMs} ms), ${PEER_PLUGIN} ${peerVersion} ${peer.launchToLastMs} ms (start-up ${peer.startup.totalMs} ms)`,
      );
    }
    const raceSummary = (rounds: { launchToLastMs: number; startup: StartupTiming }[]) => ({
      launchToLastMs: summarize(rounds.map((r) => r.launchToLastMs)),
      startupMs: summarize(rounds.map((r) => r.startup.totalMs)),
      rounds,
    });

    const results = {
      date: new Date().toISOString(),
      runId,
      quick,
      machine: machine(),
      startup: {
        launches: startups,
        totalMs: summarize(startups.map((s) => s.totalMs)),
        emulatorMs: summarize(startups.map((s) => s.emulatorMs)),
        withoutBundler: {
          launches: plainStartups,
          totalMs: summarize(plainStartups.map((s) => s.totalMs)),
          emulatorMs: summarize(plainStartups.map((s) => s.emulatorMs)),
        },
      },
      consume,
      breakdowns,
      cpuBudget: cpuBudget(consume),
      backlog: { records: backlogRecords, emulator: emulatorBacklog, rawKafkajsMs: rawBacklogMs },
      race: {
        records: backlogRecords,
        batchSize: 100,
        emulator: raceSummary(ourRounds),
        peer: { plugin: PEER_PLUGIN, version: peerVersion, ...raceSummary(peerRounds) },
        ratio: summarize(ourRounds.map((ours, i) => ours.launchToLastMs / peerRounds[i]!.launchToLastMs)),
        notTested: { 'serverless-offline-msk': 'the npm registry serves here answers 404 for it' },
      },
    };
    const file = writeResults('', results);
    for (const c of consume) {
      log(
        `batchSize ${c.batchSize}: emulator ${Math.round(c.emulator.recordsPerSec.median)} records/s, raw ${Math.round(c.raw.recordsPerSec.median)} records/s, ratio ${c.ratio.median.toFixed(2)} (${c.ratio.min.toFixed(2)}–${c.ratio.max.toFixed(2)})`,
      );
      const b = results.cpuBudget[c.batchSize];
      if (b)
        log(
          `  CPU per 1,000 records while a burst is written and read: emulator side ${b.emulatorSideMs} ms, raw side ${b.rawSideMs} ms; ${os.cpus().length} cores allow at most ${b.emulatorCeilingPerSec} records/s through the emulator`,
        );
    }
    const { race } = results;
    log(
      `race, median of ${race.emulator.rounds.length}: this emulator ${race.emulator.launchToLastMs.median} ms, ${PEER_PLUGIN} ${race.peer.launchToLastMs.median} ms launch → last (ratio ${race.ratio.median.toFixed(2)}, ${race.ratio.min.toFixed(2)}–${race.ratio.max.toFixed(2)})`,
    );
    log(`wrote ${path.relative(path.join(__dirname, '..'), file)}`);
  } finally {
    const problems = await cleanupKafka(created, runId);
    if (problems.length > 0) log(`cleanup: ${problems.join('; ')}`);
    rmSync(workDir, { recursive: true, force: true });
    rmSync(path.join(SERVICE, esbuildFolder), { recursive: true, force: true });
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
