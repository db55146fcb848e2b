import type { Broker, Cluster, Kafka } from 'kafkajs';
import { NotFoundError } from '../errors';
import { getKafka } from './client';
import { toKafkaError } from './kafka-errors';
import { assertValidTopicName } from './topic-name';

/**
 * A low-level view of the cluster for the operations console, on the container's one client.
 *
 * kafkajs' admin API costs one round trip per topic and per group (fetchTopicOffsets asks each
 * topic's earliest and latest offsets separately; fetchOffsets finds the coordinator every time) and
 * has no way to read records at an offset short of a consumer joining a group (seconds). kafkajs'
 * own cluster object, which its admin, producer and consumer are built on, can batch: one
 * ListOffsets request per broker for every partition of every topic, one DescribeGroups request per
 * coordinator, one Fetch per broker for any set of partitions at chosen offsets. `Kafka` builds it
 * with a private (symbol-keyed) factory, reached here so the cluster has exactly the client's
 * brokers, TLS, SASL and retry settings; kafkajs is pinned (2.2.4) and the integration tests
 * exercise every call.
 */
type ClusterFactory = (options: {
  metadataMaxAge?: number;
  allowAutoTopicCreation?: boolean;
  isolationLevel?: number;
  instrumentationEmitter?: { emit(event: string, payload: { apiName?: string }): void };
}) => Cluster;

const FACTORY_SYMBOL = 'private:Kafka:createCluster';

/** Broker requests this container's ops cluster has sent, by API name (for the cost of a refresh). */
const requestCounts = new Map<string, number>();

export function opsRequestCounts(): Record<string, number> {
  return Object.fromEntries(requestCounts);
}

export function resetOpsRequestCounts(): void {
  requestCounts.clear();
}

const countingEmitter = {
  emit(event: string, payload: { apiName?: string }): void {
    if (!event.endsWith('.request')) return;
    const api = payload.apiName ?? 'unknown';
    requestCounts.set(api, (requestCounts.get(api) ?? 0) + 1);
  },
};

function createOpsCluster(kafka: Kafka): Cluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === FACTORY_SYMBOL);
  const factory = symbol && (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof factory !== 'function') {
    throw new Error(`kafkajs no longer has ${FACTORY_SYMBOL}: lib/kafka/ops-cluster.ts needs updating`);
  }
  return (factory as ClusterFactory)({
    // kafkajs' own default (the Kafka clients' metadata.max.age.ms); without it every call refreshes.
    metadataMaxAge: 300_000,
    allowAutoTopicCreation: false,
    // READ_UNCOMMITTED: end offsets are the high watermarks, as kcat -Q and the lag tools report them.
    isolationLevel: 0,
    instrumentationEmitter: countingEmitter,
  });
}

let current: { kafka: Kafka; ready: Promise<Cluster> } | undefined;

async function opsCluster(): Promise<Cluster> {
  const kafka = await getKafka();
  if (current?.kafka !== kafka) {
    const previous = current;
    const cluster = createOpsCluster(kafka);
    const ready = cluster.connect().then(() => cluster);
    current = { kafka, ready };
    ready.catch(() => {
      if (current?.ready === ready) current = undefined;
    });
    if (previous) void previous.ready.then((c) => c.disconnect()).catch(() => undefined);
  }
  return current.ready;
}

/** Drop the ops cluster's connections (the next call reconnects). */
export async function disconnectOpsCluster(): Promise<void> {
  const entry = current;
  current = undefined;
  if (entry) await entry.ready.then((c) => c.disconnect()).catch(() => undefined);
}

/** Run `work` on the ops cluster; a failure maps to our errors and drops the connection if it broke. */
async function withCluster<T>(work: (cluster: Cluster) => Promise<T>): Promise<T> {
  try {
    const cluster = await opsCluster();
    return await work(cluster);
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    if (/Connection|Timeout|BrokerNotFound|NumberOfRetriesExceeded/.test(name)) await disconnectOpsCluster();
    throw toKafkaError(error);
  }
}

/** The Kafka error code name of a kafkajs failure, looking through its retry wrappers. */
function protocolErrorType(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    current = (current as { originalError?: unknown }).originalError ?? current.cause;
  }
  return undefined;
}

export type OffsetSpec = 'earliest' | 'latest' | { timestamp: number };

export interface PartitionOffsets {
  topic: string;
  partition: number;
  /** The offset as a decimal string (Kafka offsets are int64); `-1` where no record matches a timestamp. */
  offset: string;
}

const specTimestamp = (spec: OffsetSpec): number =>
  spec === 'earliest' ? -2 : spec === 'latest' ? -1 : spec.timestamp;

/** Each topic's partitions from the (cached, refreshed when stale) metadata; unknown topics throw. */
export async function topicPartitions(topics: string[]): Promise<Record<string, number[]>> {
  for (const topic of topics) assertValidTopicName(topic);
  return withCluster(async (cluster) => {
    try {
      await cluster.addMultipleTargetTopics(topics);
    } catch (error) {
      if (protocolErrorType(error) !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
      // Only now ask which: a metadata request for every topic costs more than the usual path.
      const known = new Set((await cluster.metadata()).topicMetadata.map((t) => t.topic));
      const missing = topics.filter((t) => !known.has(t));
      if (missing.length === 0) throw error;
      throw new NotFoundError(
        `Topic${missing.length > 1 ? 's' : ''} ${missing.map((t) => JSON.stringify(t)).join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist`,
      );
    }
    await cluster.refreshMetadataIfNecessary();
    return Object.fromEntries(
      topics.map((topic) => [
        topic,
        cluster
          .findTopicPartitionMetadata(topic)
          .map((p) => p.partitionId)
          .sort((a, b) => a - b),
      ]),
    );
  });
}

/**
 * Offsets of every partition of `topics` for each spec: one ListOffsets request per spec and leader
 * broker, all sent at once (a request may name a partition only once, hence one per spec).
 */
export async function listOffsets(
  topics: Record<string, number[]>,
  specs: OffsetSpec[],
): Promise<PartitionOffsets[][]> {
  return withCluster(async (cluster) => {
    await cluster.addMultipleTargetTopics(Object.keys(topics));
    await cluster.refreshMetadataIfNecessary();
    const byLeader = new Map<string, { topic: string; partitions: number[] }[]>();
    for (const [topic, partitions] of Object.entries(topics)) {
      for (const [leader, owned] of Object.entries(cluster.findLeaderForPartitions(topic, partitions))) {
        const list = byLeader.get(leader) ?? [];
        list.push({ topic, partitions: owned });
        byLeader.set(leader, list);
      }
    }
    return Promise.all(
      specs.map(async (spec) => {
        const timestamp = specTimestamp(spec);
        const perLeader = await Promise.all(
          [...byLeader].map(async ([nodeId, entries]) => {
            const broker = await cluster.findBroker({ nodeId });
            const { responses } = (await (broker as unknown as RawBroker).listOffsets({
              replicaId: -1,
              isolationLevel: 0,
              topics: entries.map(({ topic, partitions }) => ({
                topic,
                partitions: partitions.map((partition) => ({ partition, timestamp })),
              })),
            })) as { responses: { topic: string; partitions: { partition: number; offset: string }[] }[] };
            return responses.flatMap(({ topic, partitions }) =>
              partitions.map(({ partition, offset }) => ({ topic, partition, offset: String(offset) })),
            );
          }),
        );
        return perLeader.flat();
      }),
    );
  });
}

interface RawBroker {
  listOffsets(request: {
    replicaId: number;
    isolationLevel: number;
    topics: { topic: string; partitions: { partition: number; timestamp: number }[] }[];
  }): Promise<unknown>;
}

export interface GroupDescription {
  groupId: string;
  /** `Stable`, `Empty`, `PreparingRebalance`, `CompletingRebalance`, `Dead`. */
  state: string;
  members: { memberId: string; clientId: string; clientHost: string }[];
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** `-1` when the group has committed nothing for the partition. */
  offset: string;
}

// Coordinators move rarely: remembering them saves a FindCoordinator request per group per refresh.
// A request refused with NOT_COORDINATOR (or a broker gone) forgets them.
// Promises, so concurrent callers share one lookup.
const coordinators = new Map<string, Promise<string>>();

function coordinatorNode(cluster: Cluster, groupId: string): Promise<string> {
  let known = coordinators.get(groupId);
  if (known === undefined) {
    known = cluster
      .findGroupCoordinatorMetadata({ groupId })
      .then(({ coordinator }) => String(coordinator.nodeId));
    known.catch(() => coordinators.delete(groupId));
    coordinators.set(groupId, known);
  }
  return known;
}

const coordinatorOf = async (cluster: Cluster, groupId: string): Promise<Broker> =>
  cluster.findBroker({ nodeId: await coordinatorNode(cluster, groupId) });

const COORDINATOR_MOVED = new Set([
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
]);

async function onCoordinator<T>(
  cluster: Cluster,
  groupId: string,
  work: (broker: Broker) => Promise<T>,
): Promise<T> {
  try {
    return await work(await coordinatorOf(cluster, groupId));
  } catch (error) {
    coordinators.delete(groupId);
    const type = protocolErrorType(error) ?? '';
    if (!COORDINATOR_MOVED.has(type) && !/Connection|BrokerNotFound/.test((error as Error).name ?? ''))
      throw error;
    return work(await coordinatorOf(cluster, groupId));
  }
}

/** State and members of each group: one DescribeGroups request per coordinator. */
export async function describeGroups(groupIds: string[]): Promise<GroupDescription[]> {
  return withCluster(async (cluster) => {
    try {
      return await describeOnCoordinators(cluster, groupIds);
    } catch (error) {
      // A coordinator that moved answers NOT_COORDINATOR (or is gone): find them again, once.
      for (const groupId of groupIds) coordinators.delete(groupId);
      const type = protocolErrorType(error) ?? '';
      if (!COORDINATOR_MOVED.has(type) && !/Connection|BrokerNotFound/.test((error as Error).name ?? ''))
        throw error;
      return describeOnCoordinators(cluster, groupIds);
    }
  });
}

async function describeOnCoordinators(cluster: Cluster, groupIds: string[]): Promise<GroupDescription[]> {
  const byCoordinator = new Map<string, string[]>();
  await Promise.all(
    groupIds.map(async (groupId) => {
      const nodeId = await coordinatorNode(cluster, groupId);
      byCoordinator.set(nodeId, [...(byCoordinator.get(nodeId) ?? []), groupId]);
    }),
  );
  const described = await Promise.all(
    [...byCoordinator].map(async ([nodeId, ids]) => {
      const broker = await cluster.findBroker({ nodeId });
      const { groups } = (await broker.describeGroups({ groupIds: ids })) as {
        groups: {
          groupId: string;
          state: string;
          errorCode: number;
          members: { memberId: string; clientId: string; clientHost: string }[];
        }[];
      };
      return groups;
    }),
  );
  const byId = new Map(described.flat().map((g) => [g.groupId, g]));
  return groupIds.map((groupId) => {
    const group = byId.get(groupId);
    return {
      groupId,
      state: group?.state || 'Dead',
      members: (group?.members ?? []).map(({ memberId, clientId, clientHost }) => ({
        memberId,
        clientId,
        clientHost,
      })),
    };
  });
}

/** What `groupId` has committed on the given partitions: one OffsetFetch request to its coordinator. */
export async function committedOffsets(
  groupId: string,
  topics: Record<string, number[]>,
): Promise<CommittedOffset[]> {
  return withCluster((cluster) =>
    onCoordinator(cluster, groupId, async (broker) => {
      const { responses } = await broker.offsetFetch({
        groupId,
        topics: Object.entries(topics).map(([topic, partitions]) => ({
          topic,
          partitions: partitions.map((partition) => ({ partition, offset: '' })),
        })),
      });
      return responses.flatMap(({ topic, partitions }) =>
        partitions.map(({ partition, offset }) => ({ topic, partition, offset: String(offset) })),
      );
    }),
  );
}

export interface FetchedRecord {
  topic: string;
  partition: number;
  offset: string;
  /** Epoch milliseconds, as a string like kafkajs gives it. */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export interface FetchRange {
  topic: string;
  partition: number;
  /** First offset wanted. */
  from: string;
  /** First offset not wanted (the end offset to read a partition to its end). */
  to: string;
}

const FETCH_MAX_BYTES_PER_PARTITION = 1024 * 1024;

/**
 * The records in each range, read with plain Fetch requests at the ranges' offsets (one request per
 * leader broker per round, `maxWaitTime` 0: nothing is waited for). A range longer than one
 * response is fetched again from where the last response ended, so any range is read whole.
 */
export async function readRanges(ranges: FetchRange[]): Promise<FetchedRecord[]> {
  return withCluster(async (cluster) => {
    await cluster.addMultipleTargetTopics([...new Set(ranges.map((r) => r.topic))]);
    await cluster.refreshMetadataIfNecessary();
    const out: FetchedRecord[] = [];
    let pending = ranges
      .filter((r) => BigInt(r.from) < BigInt(r.to))
      .map((r) => ({ ...r, next: BigInt(r.from), end: BigInt(r.to) }));
    while (pending.length > 0) {
      const byLeader = new Map<string, typeof pending>();
      for (const range of pending) {
        const leaders = cluster.findLeaderForPartitions(range.topic, [range.partition]);
        const leader = Object.keys(leaders)[0];
        if (leader === undefined) throw new Error(`No leader for ${range.topic}-${range.partition}`);
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), range]);
      }
      const progressed = await Promise.all(
        [...byLeader].map(async ([nodeId, list]) => {
          const broker = await cluster.findBroker({ nodeId });
          const topics = new Map<string, { partition: number; fetchOffset: string; maxBytes: number }[]>();
          for (const r of list) {
            topics.set(r.topic, [
              ...(topics.get(r.topic) ?? []),
              {
                partition: r.partition,
                fetchOffset: String(r.next),
                maxBytes: FETCH_MAX_BYTES_PER_PARTITION,
              },
            ]);
          }
          const response = (await broker.fetch({
            replicaId: -1,
            isolationLevel: 0,
            maxWaitTime: 0,
            minBytes: 0,
            maxBytes: FETCH_MAX_BYTES_PER_PARTITION * list.length,
            topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
          })) as {
            responses: {
              topicName: string;
              partitions: {
                partition: number;
                errorCode: number;
                messages: {
                  offset: string;
                  timestamp: string;
                  key: Buffer | null;
                  value: Buffer | null;
                  headers?: FetchedRecord['headers'];
                  isControlRecord?: boolean;
                }[];
              }[];
            }[];
          };
          return list.map((range) => {
            // kafkajs shuffles the partitions of a request and groups only neighbours of one topic, so
            // a topic can come back in several entries.
            const partition = response.responses
              .filter((t) => t.topicName === range.topic)
              .flatMap((t) => t.partitions)
              .find((p) => p.partition === range.partition);
            let last = range.next - 1n;
            for (const message of partition?.messages ?? []) {
              const offset = BigInt(message.offset);
              if (offset > last) last = offset;
              // A batch starts where it was written, possibly before the offset asked for.
              if (offset < range.next || offset >= range.end || message.isControlRecord) continue;
              out.push({
                topic: range.topic,
                partition: range.partition,
                offset: message.offset,
                timestamp: message.timestamp,
                key: message.key,
                value: message.value,
                headers: message.headers ?? {},
              });
            }
            return { ...range, next: last + 1n };
          });
        }),
      );
      const before = new Map(pending.map((r) => [`${r.topic}-${r.partition}`, r.next]));
      // A round that read nothing new for a range (a gap at its end: compaction, aborted records)
      // ends that range rather than loop.
      pending = progressed
        .flat()
        .filter((r) => r.next < r.end && r.next > (before.get(`${r.topic}-${r.partition}`) ?? r.end));
    }
    return out.sort((a, b) =>
      a.topic === b.topic
        ? a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset))
        : a.topic.localeCompare(b.topic),
    );
  });
}
