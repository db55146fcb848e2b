import { type Admin, ConfigResourceTypes, type ITopicConfig, type Kafka } from 'kafkajs';
import { config, type KafkaConfig } from '../config';
import { NotFoundError } from '../errors';
import { cachedConnection } from './cached-connection';
import { createKafka, getKafka } from './client';
import { toKafkaError } from './kafka-errors';
import { assertValidTopicName } from './topic-name';

export interface TopicSpec {
  topic: string;
  partitions?: number;
  replicationFactor?: number;
  /** Topic-level configs such as `retention.ms`. */
  configs?: Record<string, string>;
}

export interface CreateTopicsResult {
  created: string[];
  existing: string[];
}

export interface TopicInfo {
  name: string;
  partitions: number;
}

export interface TopicConfigEntry {
  name: string;
  value: string | null;
  isDefault: boolean;
  readOnly: boolean;
  isSensitive: boolean;
}

export interface ClusterInfo {
  clusterId: string;
  controller: number | null;
  brokers: { nodeId: number; host: string; port: number }[];
}

const adminConnection = cachedConnection<Admin>(async () => (await getKafka()).admin(), 'admin.disconnect');

/** The container's cached admin client (for HTTP functions; scripts pass their own `Kafka`). */
export const getAdmin = (): Promise<Admin> => adminConnection.get();

/** Run `work` with an admin client: the cached one, or a short-lived one on the given client. */
export async function withAdmin<T>(work: (admin: Admin) => Promise<T>, kafka?: Kafka): Promise<T> {
  if (!kafka) {
    try {
      return await work(await getAdmin());
    } catch (error) {
      throw toKafkaError(error);
    }
  }
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await work(admin);
  } catch (error) {
    throw toKafkaError(error);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const isAlreadyExists = (error: unknown): boolean => {
  const errors = (error as { errors?: { type?: string }[] }).errors;
  return Array.isArray(errors) && errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS');
};

/**
 * A topic counts as created once its leaders answer a list-offsets request. kafkajs'
 * `waitForLeaders` is not enough and can fail a creation that succeeded: it asks one broker's
 * metadata, retries only LEADER_NOT_AVAILABLE, and on a cluster a broker that has not yet learned
 * of the new topic answers UNKNOWN_TOPIC_OR_PARTITION (seen in CI with three brokers). Even once
 * the controller has leaders, they open the partitions a moment later (NOT_LEADER until then).
 */
async function waitUntilServed(admin: Admin, topics: string[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const topic of topics) {
    for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

/** Create the topics that do not exist yet; existing ones are reported, not an error. */
export async function createTopics(specs: TopicSpec[], kafka?: Kafka): Promise<CreateTopicsResult> {
  for (const spec of specs) assertValidTopicName(spec.topic);
  const defaults = config().kafka.topics;
  return withAdmin(async (admin) => {
    const present = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !present.has(s.topic));
    const existing = specs.filter((s) => present.has(s.topic)).map((s) => s.topic);
    if (missing.length > 0) {
      const topics: ITopicConfig[] = missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions ?? defaults.partitions,
        replicationFactor: s.replicationFactor ?? defaults.replicationFactor,
        configEntries: Object.entries(s.configs ?? {}).map(([name, value]) => ({ name, value })),
      }));
      try {
        await admin.createTopics({ topics, waitForLeaders: false });
      } catch (error) {
        // Another process may have created them between our list and create: still idempotent.
        if (!isAlreadyExists(error)) throw error;
      }
      await waitUntilServed(
        admin,
        missing.map((s) => s.topic),
      );
    }
    return { created: missing.map((s) => s.topic), existing };
  }, kafka);
}

/** Topics with their partition counts, internal topics left out. */
export async function listTopics(kafka?: Kafka): Promise<TopicInfo[]> {
  return withAdmin(async (admin) => {
    const { topics } = await admin.fetchTopicMetadata();
    return topics
      .filter((t) => !t.name.startsWith('__'))
      .map((t) => ({ name: t.name, partitions: t.partitions.length }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, kafka);
}

export async function describeTopicConfig(topic: string, kafka?: Kafka): Promise<TopicConfigEntry[]> {
  assertValidTopicName(topic);
  return withAdmin(async (admin) => {
    const names = await admin.listTopics();
    if (!names.includes(topic)) throw new NotFoundError(`Topic ${JSON.stringify(topic)} does not exist`);
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    return (resources[0]?.configEntries ?? [])
      .map((e) => ({
        name: e.configName,
        value: e.isSensitive ? null : e.configValue,
        isDefault: e.isDefault,
        readOnly: e.readOnly,
        isSensitive: e.isSensitive,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, kafka);
}

export async function deleteTopics(topics: string[], kafka?: Kafka): Promise<void> {
  for (const topic of topics) assertValidTopicName(topic);
  await withAdmin((admin) => admin.deleteTopics({ topics }), kafka);
}

export async function describeCluster(kafka?: Kafka): Promise<ClusterInfo> {
  return withAdmin(async (admin) => {
    const cluster = await admin.describeCluster();
    return {
      clusterId: cluster.clusterId,
      controller: cluster.controller,
      brokers: cluster.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })),
    };
  }, kafka);
}

/**
 * One attempt to reach the cluster at `brokers` (no retries): the cluster's description, or the
 * reason it cannot be reached. Used to decide whether a broker is already running.
 */
export async function probeCluster(
  brokers: string[],
  timeoutMs = 3000,
  security?: Pick<KafkaConfig, 'ssl' | 'sasl'>,
): Promise<ClusterInfo> {
  const base = config().kafka;
  const kafka = createKafka(
    {
      ...base,
      ...security,
      brokers,
      connectionTimeoutMs: timeoutMs,
      requestTimeoutMs: timeoutMs,
      producer: { ...base.producer, retries: 1 },
    },
    'probe',
  );
  return describeCluster(kafka);
}

/** Each partition's end offset (the next offset to be written): an unchanged map means nothing was produced. */
export async function topicEndOffsets(topic: string, kafka?: Kafka): Promise<Record<number, string>> {
  assertValidTopicName(topic);
  return withAdmin(async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return Object.fromEntries(offsets.map((o) => [o.partition, o.high]));
  }, kafka);
}

/** Close the cached admin connection (the next call reconnects). */
export const disconnectAdmin = (): Promise<void> => adminConnection.reset();
