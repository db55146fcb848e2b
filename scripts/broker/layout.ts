import path from 'node:path';
import type { KafkaConfig } from '../../lib/config';

/** Where the repository lives; every local broker file goes under its git-ignored `.kafka/`. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const STATE_ROOT = path.join(REPO_ROOT, '.kafka');
export const BROKER_SCRIPTS = __dirname;

export type ClusterSize = 1 | 3;

export interface NodeLayout {
  id: number;
  /** Address clients use (advertised listener). */
  address: string;
  /** Address the broker listener binds. */
  listen: string;
  controller: string;
  dataDir: string;
  logDir: string;
  propertiesFile: string;
  pidFile: string;
}

export interface ClusterLayout {
  name: string;
  size: ClusterSize;
  dir: string;
  nodes: NodeLayout[];
  /** Bootstrap addresses, one per node. */
  brokers: string[];
  clusterIdFile: string;
  stateFile: string;
  lockFile: string;
  /** Settings shared by every node of the cluster. */
  settings: Record<string, string | number | boolean>;
  /** A node's own listeners, when not the default PLAINTEXT one (see secureLayout). */
  listeners?: (node: NodeLayout) => { listeners: string; advertised: string };
  /** Extra `kafka-storage format` arguments, e.g. `--add-scram` credentials. */
  formatArgs?: string[];
  /** Client security the readiness probe needs to be let in. */
  probe?: ProbeSecurity;
}

export type ProbeSecurity = Pick<KafkaConfig, 'ssl' | 'sasl'>;

interface Ports {
  broker: number;
  controller: number;
}

// The 3-node cluster has its own ports and state folder so it can run beside the single node.
const PORTS: Record<ClusterSize, Ports[]> = {
  1: [{ broker: 9092, controller: 9093 }],
  3: [
    { broker: 19092, controller: 19093 },
    { broker: 29092, controller: 29093 },
    { broker: 39092, controller: 39093 },
  ],
};

// Internal topics get one partition: the defaults (50) make the first consumer group or
// transaction create 50 partitions, seconds of work a test has no use for.
export const COMMON_SETTINGS = {
  'process.roles': 'broker,controller',
  'inter.broker.listener.name': 'PLAINTEXT',
  'controller.listener.names': 'CONTROLLER',
  'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
  'num.partitions': 3,
  'auto.create.topics.enable': false,
  'group.initial.rebalance.delay.ms': 0,
  'offsets.topic.num.partitions': 1,
  'transaction.state.log.num.partitions': 1,
  'share.coordinator.state.topic.num.partitions': 1,
  // Two cores are shared by the JVM(s), node and the tests: the defaults (3 network, 8 io) only add threads.
  'num.network.threads': 2,
  'num.io.threads': 2,
  'num.recovery.threads.per.data.dir': 1,
};

export const replicationSettings = (factor: number, minIsr: number) => ({
  'default.replication.factor': factor,
  'min.insync.replicas': minIsr,
  'offsets.topic.replication.factor': factor,
  'transaction.state.log.replication.factor': factor,
  'transaction.state.log.min.isr': minIsr,
  'share.coordinator.state.topic.replication.factor': factor,
  'share.coordinator.state.topic.min.isr': minIsr,
});

export function clusterLayout(size: ClusterSize): ClusterLayout {
  const name = size === 1 ? 'single-node' : 'three-node';
  const dir = path.join(STATE_ROOT, name);
  const nodes = PORTS[size].map(({ broker, controller }, index): NodeLayout => {
    const id = index + 1;
    return {
      id,
      address: `localhost:${broker}`,
      listen: `127.0.0.1:${broker}`,
      controller: `127.0.0.1:${controller}`,
      dataDir: path.join(dir, 'data', `node-${id}`),
      logDir: path.join(dir, 'logs', `node-${id}`),
      propertiesFile: path.join(dir, 'config', `node-${id}.properties`),
      pidFile: path.join(dir, 'pids', `node-${id}.pid`),
    };
  });
  return {
    name,
    size,
    dir,
    nodes,
    brokers: nodes.map((n) => n.address),
    clusterIdFile: path.join(dir, 'cluster-id'),
    stateFile: path.join(dir, 'runner.json'),
    // Outside `dir` so that `reset` (which deletes `dir`) never removes a lock another process holds.
    lockFile: path.join(STATE_ROOT, `${name}.lock`),
    settings: { ...COMMON_SETTINGS, ...(size === 1 ? replicationSettings(1, 1) : replicationSettings(3, 2)) },
  };
}

export function nodeOf(layout: ClusterLayout, nodeId: number): NodeLayout {
  const node = layout.nodes.find((n) => n.id === nodeId);
  if (!node) {
    const ids = layout.nodes.map((n) => n.id).join(', ');
    throw new Error(`The ${layout.name} cluster has no node ${nodeId} (nodes: ${ids})`);
  }
  return node;
}

/** The node's server.properties: KRaft combined mode with a static quorum. */
export function serverProperties(layout: ClusterLayout, node: NodeLayout): string {
  const own = layout.listeners?.(node);
  const settings: Record<string, string | number | boolean> = {
    'node.id': node.id,
    // Static voters: `format` needs no --standalone/--initial-controllers, the same on every node.
    'controller.quorum.voters': layout.nodes.map((n) => `${n.id}@${n.controller}`).join(','),
    listeners: own?.listeners ?? `PLAINTEXT://${node.listen},CONTROLLER://${node.controller}`,
    'advertised.listeners': own?.advertised ?? `PLAINTEXT://${node.address}`,
    'log.dirs': node.dataDir,
    ...layout.settings,
  };
  const lines = Object.entries(settings).map(([key, value]) => `${key}=${escapeValue(String(value))}`);
  return `# Generated by scripts/broker on every start; edit scripts/broker/layout.ts instead.\n${lines.join('\n')}\n`;
}

// Java properties treat backslashes as escapes (Windows paths); nothing else here needs quoting.
const escapeValue = (value: string): string => value.replaceAll('\\', '\\\\');
