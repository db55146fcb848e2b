import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClusterInfo } from '../../lib/kafka/admin';
import { run } from './exec';
import { ensureJars } from './jars';
import {
  BROKER_SCRIPTS,
  type ClusterLayout,
  type ClusterSize,
  clusterLayout,
  type NodeLayout,
  nodeOf,
  serverProperties,
} from './layout';
import { isBrokerProcess, kill, readPid, removePidFile, tail, terminate } from './process';
import { portOpen, waitUntilServing } from './readiness';
import { javaCommand } from './toolchain';

type Log = (line: string) => void;

export const START_TIMEOUT_MS = 120_000;
export const STOP_GRACE_MS = 30_000;

const LOG4J_CONFIG = path.join(BROKER_SCRIPTS, 'log4j2.properties');

/*
 * Measured on a 2-core VM, JVM launch to `kcat -L` answering (warm page cache): ~2.2 s alike with
 * G1, SerialGC, or SerialGC + C1 only, since the time goes to KRaft election and broker
 * registration rather than JIT. SerialGC uses ~15 MB less RSS and has no concurrent GC threads
 * competing with the tests for the two cores; C2 stays on so benchmarks against this broker are
 * not handicapped. A 512 MB heap is ample for tests.
 * KAFKA_RUNNER_JVM_OPTS is appended (later flags win) for anyone who needs more.
 */
const BROKER_JVM_FLAGS = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];
// `format` runs for a second: C1 only starts it faster, and it needs little heap.
const TOOL_JVM_FLAGS = [
  '-Xmx256m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Djava.awt.headless=true',
];

const extraJvmFlags = (): string[] => (process.env.KAFKA_RUNNER_JVM_OPTS ?? '').split(/\s+/).filter(Boolean);

const logFlags = (node: NodeLayout): string[] => [
  `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
  `-Dkafka.logs.dir=${node.logDir}`,
];

// The JVM expands a trailing `*` in a classpath entry itself: no shell, no argument-length limits.
const classpath = (jars: string): string => path.join(jars, '*');

export const serverLog = (node: NodeLayout): string => path.join(node.logDir, 'server.log');
const jvmOutput = (node: NodeLayout): string => path.join(node.logDir, 'jvm.out');

export interface NodeState {
  id: number;
  address: string;
  pid: number | undefined;
  running: boolean;
}

/** The pid of the node's broker JVM if it runs; a stale pid file counts as not running. */
function runningPid(node: NodeLayout): number | undefined {
  const pid = readPid(node.pidFile);
  return pid !== undefined && isBrokerProcess(pid, node.propertiesFile) ? pid : undefined;
}

export function nodeStates(size: ClusterSize): NodeState[] {
  return clusterLayout(size).nodes.map((node) => {
    const pid = runningPid(node);
    return { id: node.id, address: node.address, pid, running: pid !== undefined };
  });
}

/** Pids of the cluster's running broker JVMs by node id (absent: not running). */
export function javaClusterPids(size: ClusterSize): Record<number, number> {
  const pids: Record<number, number> = {};
  for (const { id, pid } of nodeStates(size)) if (pid !== undefined) pids[id] = pid;
  return pids;
}

// Kafka's Uuid.randomUuid: 16 random bytes in URL-safe base64; it avoids ids starting with '-'
// because the CLI would read them as an option.
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

const metaClusterId = (node: NodeLayout): string | undefined => {
  const meta = path.join(node.dataDir, 'meta.properties');
  if (!existsSync(meta)) return undefined;
  return /^cluster\.id=(.+)$/m.exec(readFileSync(meta, 'utf8'))?.[1]?.trim();
};

/** The cluster's id: remembered, else read back from a formatted node, else new. */
export function clusterId(layout: ClusterLayout): string {
  if (existsSync(layout.clusterIdFile)) return readFileSync(layout.clusterIdFile, 'utf8').trim();
  const id = layout.nodes.map(metaClusterId).find(Boolean) ?? newClusterId();
  mkdirSync(layout.dir, { recursive: true });
  writeFileSync(layout.clusterIdFile, `${id}\n`);
  return id;
}

const isFormatted = (node: NodeLayout): boolean => existsSync(path.join(node.dataDir, 'meta.properties'));

async function formatNode(node: NodeLayout, jars: string, id: string, extra: string[] = []): Promise<void> {
  mkdirSync(node.logDir, { recursive: true });
  const result = await run(
    javaCommand(),
    [
      ...TOOL_JVM_FLAGS,
      ...logFlags(node),
      '-cp',
      classpath(jars),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      id,
      '-c',
      node.propertiesFile,
      ...extra,
    ],
    { timeoutMs: 60_000 },
  );
  if (result.code !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim();
    throw new Error(
      `Formatting node ${node.id} storage failed (${result.failure ?? `exit ${result.code}`})\n${output}`,
    );
  }
}

/** Start the node's JVM detached, output to its log folder; returns the pid. */
function launchNode(node: NodeLayout, jars: string): number {
  mkdirSync(node.logDir, { recursive: true });
  mkdirSync(path.dirname(node.pidFile), { recursive: true });
  const out = openSync(jvmOutput(node), 'w');
  try {
    // detached + no pipes: the broker outlives the CLI that started it and never blocks on a
    // full pipe nobody reads. cwd = log folder, where a JVM crash would drop its hs_err file.
    const child = spawn(
      javaCommand(),
      [
        ...BROKER_JVM_FLAGS,
        ...extraJvmFlags(),
        ...logFlags(node),
        '-cp',
        classpath(jars),
        'kafka.Kafka',
        node.propertiesFile,
      ],
      { cwd: node.logDir, detached: true, stdio: ['ignore', out, out] },
    );
    child.once('error', () => undefined); // reported below through the missing pid
    if (child.pid === undefined) {
      throw new Error(`Could not start ${javaCommand()} for Kafka node ${node.id}`);
    }
    child.unref();
    writeFileSync(node.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

function startupFailure(node: NodeLayout): string {
  const jvm = tail(jvmOutput(node), 10);
  const server = tail(serverLog(node), 25);
  return [
    `Kafka node ${node.id} exited during startup (log: ${path.relative(process.cwd(), serverLog(node))})`,
    // JVM-level failures (bad flags, out of memory) only reach jvm.out; Kafka's own go to server.log.
    jvm && `--- jvm.out ---\n${jvm}`,
    server && `--- server.log ---\n${server}`,
  ]
    .filter(Boolean)
    .join('\n');
}

async function assertPortsFree(node: NodeLayout): Promise<void> {
  for (const address of [node.listen, node.controller]) {
    if (await portOpen(address, 500)) {
      throw new Error(`Port ${address} is in use by a program other than this cluster's node ${node.id}`);
    }
  }
}

/**
 * Start the given nodes that are not running (the others are expected to be), then wait until each
 * of them serves requests and the cluster counts every running node. Nodes launched here are
 * stopped again when that fails, so a failed start leaves no JVM behind.
 */
async function startNodes(layout: ClusterLayout, ids: number[], log: Log): Promise<ClusterInfo> {
  const jars = await ensureJars(log);
  const id = clusterId(layout);
  const nodes = ids.map((n) => nodeOf(layout, n)).filter((node) => runningPid(node) === undefined);
  for (const node of nodes) {
    await assertPortsFree(node);
    mkdirSync(path.dirname(node.propertiesFile), { recursive: true });
    writeFileSync(node.propertiesFile, serverProperties(layout, node));
  }
  const unformatted = nodes.filter((node) => !isFormatted(node));
  if (unformatted.length > 0) {
    log(
      `Formatting KRaft storage of ${layout.name} node(s) ${unformatted.map((n) => n.id).join(', ')} (cluster id ${id})`,
    );
    await Promise.all(unformatted.map((node) => formatNode(node, jars, id, layout.formatArgs)));
  }
  const started = Date.now();
  const launched = nodes.map((node) => ({ node, pid: launchNode(node, jars) }));
  for (const { node, pid } of launched) log(`Started Kafka node ${node.id} (pid ${pid}) on ${node.address}`);
  try {
    const info = await waitUntilServing({
      brokers: launched.length > 0 ? launched.map(({ node }) => node.address) : layout.brokers,
      expectedBrokers: layout.nodes.filter((node) => runningPid(node) !== undefined).length,
      timeoutMs: START_TIMEOUT_MS,
      security: layout.probe,
      failure: () => {
        const dead = launched.find(({ node, pid }) => !isBrokerProcess(pid, node.propertiesFile));
        return dead && startupFailure(dead.node);
      },
    });
    log(`Kafka ${layout.name} serves requests after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return info;
  } catch (error) {
    await Promise.all(launched.map(({ node }) => stopNode(node, log, false)));
    throw error;
  }
}

export function startJavaCluster(size: ClusterSize, log: Log): Promise<ClusterInfo> {
  return startJavaLayout(clusterLayout(size), log);
}

/** Start every node of any layout (a test's own broker, e.g. scripts/broker/secure.ts) and wait until it serves. */
export function startJavaLayout(layout: ClusterLayout, log: Log): Promise<ClusterInfo> {
  return startNodes(
    layout,
    layout.nodes.map((n) => n.id),
    log,
  );
}

/** Start one stopped node again and wait until it serves; the rest of the cluster must be up. */
export async function startJavaNode(size: ClusterSize, nodeId: number, log: Log): Promise<void> {
  const layout = clusterLayout(size);
  await startNodes(layout, [nodeId], log);
}

async function stopNode(node: NodeLayout, log: Log, crash: boolean): Promise<boolean> {
  const pid = runningPid(node);
  if (pid === undefined) {
    removePidFile(node.pidFile);
    return false;
  }
  const isRunning = () => isBrokerProcess(pid, node.propertiesFile);
  if (crash) {
    await kill(pid, isRunning);
    log(`Killed Kafka node ${node.id} (pid ${pid}) with SIGKILL`);
  } else {
    const { killed } = await terminate(pid, isRunning, STOP_GRACE_MS);
    log(
      killed
        ? `Kafka node ${node.id} (pid ${pid}) ignored SIGTERM for ${STOP_GRACE_MS / 1000} s: killed`
        : `Stopped Kafka node ${node.id} (pid ${pid})`,
    );
  }
  removePidFile(node.pidFile);
  return true;
}

/** Stop one node: SIGTERM (controlled shutdown) or, with `crash`, SIGKILL. */
export async function stopJavaNode(
  size: ClusterSize,
  nodeId: number,
  crash: boolean,
  log: Log,
): Promise<boolean> {
  return stopNode(nodeOf(clusterLayout(size), nodeId), log, crash);
}

/** Stop every node of the cluster; resolves with how many were running. */
export function stopJavaCluster(size: ClusterSize, log: Log): Promise<number> {
  return stopJavaLayout(clusterLayout(size), log);
}

/** Stop every node of the layout; resolves with how many were running. */
export async function stopJavaLayout(layout: ClusterLayout, log: Log): Promise<number> {
  const stopped = await Promise.all(layout.nodes.map((node) => stopNode(node, log, false)));
  return stopped.filter(Boolean).length;
}

/** Stop the cluster and delete its data, logs, config and pid files (the jar cache stays). */
export async function resetJavaCluster(size: ClusterSize, log: Log): Promise<void> {
  await stopJavaCluster(size, log);
  const layout = clusterLayout(size);
  rmSync(layout.dir, { recursive: true, force: true });
  log(`Deleted ${layout.dir}`);
}
