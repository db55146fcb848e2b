/**
 * One local Kafka for `npm run kafka:up`, `npm start` and the jest global setup: reuse what answers,
 * else start one with Docker, else with Java (jars from Maven Central). See scripts/broker/README.md.
 */
import type { ClusterInfo } from '../../lib/kafka/admin';
import { composeContainers, composeDown, composeUp, dockerUsable } from './docker';
import { jarsCached } from './jars';
import {
  clusterId,
  javaClusterPids,
  type NodeState,
  nodeStates,
  resetJavaCluster,
  START_TIMEOUT_MS,
  startJavaCluster,
  startJavaLayout,
  startJavaNode,
  stopJavaCluster,
  stopJavaLayout,
  stopJavaNode,
} from './java-runner';
import { type ClusterLayout, type ClusterSize, clusterLayout } from './layout';
import { withLock } from './lock';
import { reachable, waitUntilServing } from './readiness';
import { type SecureBrokerOptions, secureLayout } from './secure';
import { clearState, readState, writeState } from './state';
import { javaRunnerProblem, MIN_JAVA } from './toolchain';
import { KAFKA_VERSION } from './version';

export type { ClusterSize, NodeState };
export { KAFKA_VERSION };

export type BrokerMode = 'external' | 'docker' | 'java';

export interface BrokerHandle {
  bootstrap: string;
  brokers: string[];
  mode: BrokerMode;
  startedHere: boolean;
}

export interface BrokerOptions {
  /** 1 (default): the broker on localhost:9092. 3: the fault-test cluster on 19092/29092/39092. */
  nodes?: ClusterSize;
  log?: (line: string) => void;
}

type Runner = 'docker' | 'java';
type Log = (line: string) => void;

const noop: Log = () => undefined;
const LOCK_TIMEOUT_MS = START_TIMEOUT_MS + 60_000;
const DEFAULT_ADDRESSES = new Set(['localhost:9092', '127.0.0.1:9092']);

function forcedRunner(): Runner | undefined {
  const raw = process.env.KAFKA_RUNNER?.trim().toLowerCase();
  if (!raw) return undefined;
  if (raw === 'docker' || raw === 'java') return raw;
  throw new Error(`KAFKA_RUNNER must be "docker" or "java", not ${JSON.stringify(process.env.KAFKA_RUNNER)}`);
}

/** KAFKA_BROKERS when it names something other than the local default broker, else undefined. */
function externalBrokers(): string[] | undefined {
  const brokers = (process.env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) return undefined;
  const invalid = brokers.find((b) => !/^[^\s:/]+:\d{1,5}$/.test(b));
  if (invalid) {
    throw new Error(`KAFKA_BROKERS must be host:port[,host:port...], not ${JSON.stringify(invalid)}`);
  }
  return brokers.length === 1 && DEFAULT_ADDRESSES.has(brokers[0] ?? '') ? undefined : brokers;
}

const handle = (layout: ClusterLayout, mode: BrokerMode, startedHere: boolean): BrokerHandle => ({
  bootstrap: layout.brokers.join(','),
  brokers: [...layout.brokers],
  mode,
  startedHere,
});

/** Who runs the broker answering on the cluster's addresses: what we recorded, if it still holds. */
function runningMode(layout: ClusterLayout): BrokerMode {
  const state = readState(layout);
  if (state?.mode === 'java' && nodeStates(layout.size).some((n) => n.running)) return 'java';
  if (state?.mode === 'docker') return 'docker';
  return 'external';
}

async function reuse(layout: ClusterLayout, info: ClusterInfo, log: Log): Promise<BrokerHandle> {
  const mode = runningMode(layout);
  // A fault test may have left a node of the Java cluster stopped: bring the cluster back whole.
  const down = mode === 'java' ? nodeStates(layout.size).filter((n) => !n.running) : [];
  if (down.length > 0) {
    log(`Kafka ${layout.name}: node(s) ${down.map((n) => n.id).join(', ')} not running; starting them`);
    await withLock(layout.lockFile, LOCK_TIMEOUT_MS, () => startJavaCluster(layout.size, log));
  }
  log(`Kafka already running on ${layout.brokers.join(',')} (${mode}, cluster ${info.clusterId})`);
  return handle(layout, mode, false);
}

async function chooseRunner(size: ClusterSize, forced: Runner | undefined, log: Log): Promise<Runner> {
  if (forced === 'docker') {
    if (size === 3)
      throw new Error('The 3-node cluster runs only with the Java runner; unset KAFKA_RUNNER=docker');
    if (await dockerUsable()) return 'docker';
    throw new Error(
      'KAFKA_RUNNER=docker but Docker is not usable here (`docker info` or `docker compose version` failed)',
    );
  }
  if (forced !== 'java' && size === 1) {
    if (await dockerUsable()) return 'docker';
    log('Docker is not usable here (no engine answers `docker info`): starting Kafka with Java');
  }
  const problem = await javaRunnerProblem(!jarsCached());
  if (!problem) return 'java';
  if (forced === 'java')
    throw new Error(`KAFKA_RUNNER=java but ${problem}; install Java ${MIN_JAVA}+ and Maven`);
  const docker = size === 1 ? 'Docker is not usable and ' : '';
  throw new Error(
    `Cannot start a local Kafka broker: ${docker}${problem}. Install Docker (with the compose plugin), ` +
      `or Java ${MIN_JAVA}+ and Maven; or set KAFKA_BROKERS to a running broker`,
  );
}

async function startWithDocker(layout: ClusterLayout, log: Log): Promise<void> {
  log(`Starting apache/kafka:${KAFKA_VERSION} with docker compose (docker-compose.yml)`);
  const started = Date.now();
  await composeUp();
  await waitUntilServing({ brokers: layout.brokers, expectedBrokers: 1, timeoutMs: START_TIMEOUT_MS });
  log(`Kafka (docker) serves requests after ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * A broker to talk to, started if none answers: (a) KAFKA_BROKERS if set and reachable (an
 * unreachable non-default KAFKA_BROKERS is an error), (b) whatever answers on the local address,
 * (c) docker compose, (d) the Java runner. KAFKA_RUNNER=docker|java forces (c) or (d). The 3-node
 * cluster ignores KAFKA_BROKERS and always runs on Java. Safe to call again and from several
 * processes at once: later calls reuse the running broker.
 */
export async function ensureBroker(opts: BrokerOptions = {}): Promise<BrokerHandle> {
  const size = opts.nodes ?? 1;
  const log = opts.log ?? noop;
  const layout = clusterLayout(size);
  const forced = forcedRunner();

  const external = size === 1 ? externalBrokers() : undefined;
  if (external) {
    const bootstrap = external.join(',');
    if (await reachable(external)) {
      log(`Using the broker(s) in KAFKA_BROKERS: ${bootstrap}`);
      return { bootstrap, brokers: external, mode: 'external', startedHere: false };
    }
    throw new Error(`KAFKA_BROKERS=${bootstrap} does not answer; start that broker or unset KAFKA_BROKERS`);
  }

  const running = await reachable(layout.brokers);
  if (running) return reuse(layout, running, log);

  const started = await withLock(layout.lockFile, LOCK_TIMEOUT_MS, async () => {
    // Another process may have started it while we waited for the lock.
    const meanwhile = await reachable(layout.brokers);
    if (meanwhile) return undefined;
    const runner = await chooseRunner(size, forced, log);
    if (runner === 'docker') await startWithDocker(layout, log);
    else await startJavaCluster(size, log);
    writeState(layout, {
      mode: runner,
      kafkaVersion: KAFKA_VERSION,
      bootstrap: layout.brokers.join(','),
      startedAt: new Date().toISOString(),
    });
    return handle(layout, runner, true);
  });
  if (started) return started;
  const info = await reachable(layout.brokers);
  if (!info) throw new Error(`Kafka on ${layout.brokers.join(',')} stopped answering right after starting`);
  return reuse(layout, info, log);
}

async function stopUnlocked(layout: ClusterLayout, log: Log, wipe: boolean): Promise<void> {
  const state = readState(layout);
  if (state?.mode === 'docker') {
    log(wipe ? 'Removing the docker compose broker and its data' : 'Stopping the docker compose broker');
    await composeDown(wipe);
  }
  // The pid files decide for Java, even without a state file (say, after a crash of the CLI).
  if (wipe) await resetJavaCluster(layout.size, log);
  else {
    const stopped = await stopJavaCluster(layout.size, log);
    if (stopped === 0 && state?.mode !== 'docker')
      log(`No ${layout.name} broker started by this project is running`);
  }
  clearState(layout);
}

/** Stop the broker this project started (docker compose down, or the Java processes); never an external one. */
export async function stopBroker(opts: BrokerOptions = {}): Promise<void> {
  const log = opts.log ?? noop;
  const layout = clusterLayout(opts.nodes ?? 1);
  await withLock(layout.lockFile, LOCK_TIMEOUT_MS, () => stopUnlocked(layout, log, false));
  if (await reachable(layout.brokers)) {
    log(`A broker this project did not start still answers on ${layout.brokers.join(',')}; left alone`);
  }
}

/** Stop the broker and delete its data and logs (the downloaded jars stay). */
export async function resetBroker(opts: BrokerOptions = {}): Promise<void> {
  const layout = clusterLayout(opts.nodes ?? 1);
  await withLock(layout.lockFile, LOCK_TIMEOUT_MS, () => stopUnlocked(layout, opts.log ?? noop, true));
}

export interface BrokerStatus {
  running: boolean;
  /** Who runs it; undefined when nothing answers. */
  mode: BrokerMode | undefined;
  bootstrap: string;
  kafkaVersion: string;
  clusterId: string | undefined;
  controller: number | null | undefined;
  /** Live brokers as the cluster reports them. */
  brokers: ClusterInfo['brokers'];
  /** The Java runner's processes (empty for other modes). */
  nodes: NodeState[];
  /** docker compose container ids (docker mode only). */
  containers: string[];
}

export async function brokerStatus(opts: BrokerOptions = {}): Promise<BrokerStatus> {
  const layout = clusterLayout(opts.nodes ?? 1);
  const external = layout.size === 1 ? externalBrokers() : undefined;
  const brokers = external ?? layout.brokers;
  const info = await reachable(brokers);
  const nodes = external ? [] : nodeStates(layout.size);
  const anyJava = nodes.some((n) => n.running);
  const mode: BrokerMode | undefined = external
    ? info && 'external'
    : info
      ? runningMode(layout)
      : anyJava
        ? 'java'
        : undefined;
  return {
    running: info !== undefined,
    mode,
    bootstrap: brokers.join(','),
    kafkaVersion: KAFKA_VERSION,
    clusterId: info?.clusterId ?? (anyJava ? clusterId(layout) : undefined),
    controller: info?.controller,
    brokers: info?.brokers ?? [],
    nodes: mode === 'java' ? nodes : [],
    containers: mode === 'docker' ? await composeContainers() : [],
  };
}

export interface NodeOptions {
  /** Which Java cluster; fault tests use the 3-node one, the default here. */
  nodes?: ClusterSize;
  log?: (line: string) => void;
}

function javaOnly(size: ClusterSize): void {
  if (readState(clusterLayout(size))?.mode === 'docker') {
    throw new Error('Single nodes can only be stopped and started on the Java runner, not docker compose');
  }
}

/** Fault tests: crash one node (SIGKILL). Resolves false if it was not running. */
export async function killNode(nodeId: number, opts: NodeOptions = {}): Promise<boolean> {
  const size = opts.nodes ?? 3;
  javaOnly(size);
  return stopJavaNode(size, nodeId, true, opts.log ?? noop);
}

/** Fault tests: stop one node cleanly (SIGTERM, SIGKILL after 30 s). Resolves false if it was not running. */
export async function stopNode(nodeId: number, opts: NodeOptions = {}): Promise<boolean> {
  const size = opts.nodes ?? 3;
  javaOnly(size);
  return stopJavaNode(size, nodeId, false, opts.log ?? noop);
}

/** Fault tests: start a stopped node again and wait until it serves requests. */
export async function startNode(nodeId: number, opts: NodeOptions = {}): Promise<void> {
  const size = opts.nodes ?? 3;
  javaOnly(size);
  const layout = clusterLayout(size);
  await withLock(layout.lockFile, LOCK_TIMEOUT_MS, () => startJavaNode(size, nodeId, opts.log ?? noop));
}

/** Fault tests: pids of the running broker JVMs by node id. */
export const brokerPids = (opts: NodeOptions = {}): Record<number, number> =>
  javaClusterPids(opts.nodes ?? 3);

export type { SecureBrokerOptions };

/**
 * Start a single-node broker that only accepts SASL over TLS (scripts/broker/secure.ts), always with
 * Java since the caller's key material and accounts go into its config; `stop()` ends it.
 */
export async function startSecureBroker(
  options: SecureBrokerOptions,
  log: Log = noop,
): Promise<{ bootstrap: string; stop: () => Promise<void> }> {
  const problem = await javaRunnerProblem(!jarsCached());
  if (problem) throw new Error(`A secure broker needs the Java runner: ${problem}`);
  const layout = secureLayout(options);
  await startJavaLayout(layout, log);
  return {
    bootstrap: layout.brokers.join(','),
    stop: async () => {
      await stopJavaLayout(layout, log);
    },
  };
}
