/**
 * Shared setup of the pipeline suites: the ROOT service under `serverless offline start` (with the
 * Kafka emulator), a headquarters sandbox of its own, and reading the catalogue topics with kcat.
 * Catalogue topics are shared by every test and run, so records are found by `correlation_id`.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { config } from '../../../lib/config';
import { ensureCatalogueTopics } from '../../../lib/events/topics';
import { type HqSandbox, startHqSandbox } from '../../../lib/hq/sandbox';
import { createKafka, disconnectProducer, withAdmin } from '../../../lib/kafka';
import { loadStages } from '../../../lib/pipeline/stages';
import { dynamoEndpoint, LOCAL_AWS_ENV } from '../../../scripts/dynamodb';
import { type HttpAnswer, request } from '../../helpers/http';
import { kcatConsume, kcatProduce } from '../../helpers/kcat';
import { uniqueName } from '../../helpers/names';
import { freePort, type OfflineServer, startOffline } from '../../helpers/offline-server';
import { waitFor } from '../../helpers/wait';

/** The service under test: the repository root (PIPELINES_SERVICE_DIR runs another checkout of it). */
export const SERVICE_DIR = process.env.PIPELINES_SERVICE_DIR ?? path.resolve(__dirname, '../../..');
/** As many as there are declared stages (functions/pipeline/*.ts). */
export const STAGE_FUNCTIONS = loadStages().length;

export const brokers = (): string => process.env.KAFKA_BROKERS ?? 'localhost:9092';

export interface Stack {
  server: OfflineServer;
  hq: HqSandbox;
  /** Prefix of this run's consumer groups: `<prefix>-<stage name>`. */
  groupPrefix: string;
  post(route: string, body: unknown): Promise<HttpAnswer>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Start the root service with consumer groups of this run's own, starting at the end of the topics
 * (so neither history nor another running stack interferes), and fast batch retries.
 */
export async function startStack(name: string): Promise<Stack> {
  // As `npm start` does: the catalogue's topics exist before the stages subscribe and the API produces.
  await ensureCatalogueTopics();
  const hq = await startHqSandbox({ port: 0 });
  const groupPrefix = uniqueName(`e2e-${name}`);
  const launch = async () => {
    const [httpPort, lambdaPort] = [await freePort(), await freePort()];
    const server = await startOffline({
      cwd: SERVICE_DIR,
      httpPort,
      lambdaPort,
      env: {
        KAFKA_BROKERS: brokers(),
        HQ_API_URL: hq.url,
        STAGE_GROUP_PREFIX: groupPrefix,
        STAGE_STARTING_POSITION: 'LATEST',
        // The player store the jest global setup started (or found), with moto's dummy credentials.
        ...LOCAL_AWS_ENV,
        DYNAMODB_ENDPOINT: dynamoEndpoint(),
      },
      args: [
        '--kafkaRetryInitialDelayMs',
        '300',
        '--kafkaRetryMaxDelayMs',
        '2000',
        // A crashed stack's members leave their groups sooner.
        '--kafkaSessionTimeoutMs',
        '6000',
      ],
      // esbuild bundles every function first: minutes on a loaded two-core machine.
      readyTimeoutMs: 300_000,
    });
    const consuming = server.output().match(/consuming (\d+) Kafka event source/);
    if (Number(consuming?.[1]) < STAGE_FUNCTIONS) {
      await server.kill();
      throw new Error(
        `serverless offline did not start the ${STAGE_FUNCTIONS} stage functions' event sources: is the Kafka ` +
          `emulator (lib/offline) in serverless.yml's plugins?\n${server.output().slice(-3000)}`,
      );
    }
    // The server answers HTTP after a bounded wait for the consumers; on a loaded machine some may
    // still be joining their groups. The scenarios' own time budgets start once every stage is in.
    await waitFor(
      () => {
        const joined = new Set(
          [...server.output().matchAll(/ready: (\w+) <- (?:kafka|msk) /g)].map((m) => m[1]),
        );
        return joined.size >= STAGE_FUNCTIONS ? true : undefined;
      },
      {
        timeoutMs: 120_000,
        intervalMs: 250,
        what: `all ${STAGE_FUNCTIONS} stage consumers to join their groups`,
      },
    );
    return server;
  };
  let server = await launch();
  const stack: Stack = {
    get server() {
      return server;
    },
    hq,
    groupPrefix,
    post: (route, body) => request(`${server.httpUrl}/api/kafka${route}`, { method: 'POST', body }),
    async restart() {
      server = await launch();
    },
    async stop() {
      await server.stop();
      await hq.close();
      await disconnectProducer();
    },
  };
  return stack;
}

export interface PipelineEvent {
  event_id: string;
  event_type: string;
  user_id: string;
  timestamp: number;
  correlation_id?: string;
  causation_id?: string;
  // biome-ignore lint/suspicious/noExplicitAny: records are read as JSON and checked field by field
  data: Record<string, any>;
  /** Where kcat read it. */
  partition: number;
  offset: number;
}

const parse = (payload: string | null): Record<string, unknown> | undefined => {
  try {
    const value: unknown = payload === null ? undefined : JSON.parse(payload);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // malformed records written on purpose
  }
};

/** Every JSON object record of `topic`, in partition/offset order. */
export async function allEvents(topic: string): Promise<PipelineEvent[]> {
  const records = await kcatConsume(topic);
  return records.flatMap((record) => {
    const value = parse(record.payload);
    return value
      ? [{ ...value, partition: record.partition, offset: record.offset } as unknown as PipelineEvent]
      : [];
  });
}

/** The records of `topic` whose `correlation_id` is `correlationId`, in partition/offset order. */
export async function eventsOf(topic: string, correlationId: string): Promise<PipelineEvent[]> {
  return (await allEvents(topic)).filter((e) => e.correlation_id === correlationId);
}

/** Wait until `topic` holds at least `count` records of the scenario; returns them all. */
export function waitForEvents(topic: string, correlationId: string, count: number, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const events = await eventsOf(topic, correlationId);
      return events.length >= count ? events : undefined;
    },
    { timeoutMs, intervalMs: 500, what: `${count} record(s) of ${correlationId} on ${topic}` },
  );
}

/** Dead letters on `<topic>_dlq` matching `predicate`. */
export async function deadLettersOf(topic: string, predicate: (letter: Record<string, unknown>) => boolean) {
  const records = await kcatConsume(`${topic}_dlq`);
  return records
    .map((r) => parse(r.payload))
    .filter((v): v is Record<string, unknown> => v !== undefined && predicate(v));
}

/** A valid event of a topic, as a producer outside our HTTP API would write it. */
export function startEvent(eventType: string, userId: string, data: Record<string, unknown>) {
  const id = randomUUID();
  return {
    event_id: id,
    event_type: eventType,
    user_id: userId,
    timestamp: Date.now() / 1000,
    correlation_id: id,
    data,
  };
}

/** Write records straight to a topic with kcat (key = user), bypassing every validation of ours. */
export async function writeRaw(topic: string, records: { key: string; value: string }[], partition?: number) {
  await kcatProduce(
    topic,
    records.map((r) => `${r.key}\t${r.value}`),
    partition === undefined ? {} : { partition },
  );
}

const adminKafka = () => createKafka(config().kafka, 'pipelines-e2e');

/** Rewind a stopped group to `offset` on one partition, as if its last batch had never been committed. */
export async function rewindGroup(
  groupId: string,
  topic: string,
  partition: number,
  offset: number,
): Promise<void> {
  await withAdmin(
    (admin) => admin.setOffsets({ groupId, topic, partitions: [{ partition, offset: String(offset) }] }),
    adminKafka(),
  );
}

/** Wait until nobody is a member of the group any more (a crashed member leaves at its session timeout). */
export async function waitForEmptyGroup(groupId: string): Promise<void> {
  await waitFor(
    () =>
      withAdmin(async (admin) => {
        const { groups } = await admin.describeGroups([groupId]);
        return groups[0]?.members.length === 0 ? true : undefined;
      }, adminKafka()),
    { timeoutMs: 60_000, intervalMs: 500, what: `consumer group ${groupId} to be empty` },
  );
}

/** Remove this run's consumer groups (best effort). */
export async function deleteGroups(prefix: string): Promise<void> {
  await withAdmin(async (admin) => {
    const { groups } = await admin.listGroups();
    const ours = groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
    if (ours.length > 0) await admin.deleteGroups(ours);
  }, adminKafka()).catch(() => undefined);
}

/** The event ids that occur more than once. */
export function duplicateIds(events: PipelineEvent[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const { event_id } of events) {
    if (seen.has(event_id)) twice.add(event_id);
    seen.add(event_id);
  }
  return [...twice];
}
