import { randomUUID } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import {
  CompressionTypes,
  type IHeaders,
  type Message,
  Partitioners,
  type Producer,
  type ProducerRecord,
} from 'kafkajs';
import type { z } from 'zod';
import { config } from '../config';
import { type FieldIssue, fieldIssues, ValidationError } from '../errors';
import { type CatalogueTopic, catalogue, type TopicEvent } from '../events/catalogue';
import { nowEpochSeconds } from '../events/envelope';
import { log } from '../log';
import { cachedConnection } from './cached-connection';
import { getKafka } from './client';
import { isConnectionFailure, toKafkaError } from './kafka-errors';
import { assertValidTopicName } from './topic-name';

export interface Delivery {
  event_id: string;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * kafkajs groups a send's messages by partition in their original order but reports only each
 * partition's base offset. Remembering the partition its partitioner chose for each message lets
 * us give every event its own partition and offset.
 */
const chosenPartition = new WeakMap<Message, number>();
const recordingPartitioner = () => {
  const inner = Partitioners.DefaultPartitioner();
  return (args: Parameters<typeof inner>[0]) => {
    const partition = inner(args);
    chosenPartition.set(args.message, partition);
    return partition;
  };
};

// Identifies this container (a Lambda instance, or a serverless-offline worker) in the logs.
const instance = { instance: randomUUID().slice(0, 8), pid: process.pid, thread: threadId };

const producerConnection = cachedConnection<Producer>(() => {
  const { idempotent } = config().kafka.producer;
  log.info('kafka producer connecting', { ...instance, function: process.env.AWS_LAMBDA_FUNCTION_NAME });
  return getKafka().producer({
    idempotent,
    maxInFlightRequests: idempotent ? 1 : undefined,
    createPartitioner: recordingPartitioner,
    allowAutoTopicCreation: false,
  });
}, 'producer.disconnect');

/** How many producer connections this container has opened (one, unless the broker went away). */
export const producerConnects = (): number => producerConnection.connects;

export const disconnectProducer = (): Promise<void> => producerConnection.reset();

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Serialise one event as a Kafka message: key = user_id, JSON value, type and id as headers. */
export function toMessage(event: {
  event_id: string;
  event_type: string;
  user_id: string;
  [key: string]: unknown;
}): Message {
  const headers: IHeaders = { ...JSON_HEADERS, 'event-type': event.event_type, 'event-id': event.event_id };
  return { key: event.user_id, value: JSON.stringify(event), headers };
}

/**
 * Send already-validated messages to one topic in a single produce call (acks=all), and report
 * where each landed. A connection failure resets the cached producer and becomes a 503.
 */
export async function sendMessages(
  topic: string,
  messages: Message[],
): Promise<{ partition: number; offset: string }[]> {
  assertValidTopicName(topic);
  const { compression } = config().kafka.producer;
  const record: ProducerRecord = {
    topic,
    messages,
    acks: -1,
    timeout: config().kafka.requestTimeoutMs,
    compression: compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
  };
  let metadata: Awaited<ReturnType<Producer['send']>>;
  try {
    const producer = await producerConnection.get();
    metadata = await producer.send(record);
  } catch (error) {
    const mapped = toKafkaError(error);
    if (isConnectionFailure(mapped)) await producerConnection.reset();
    throw mapped;
  }
  const baseOffsets = new Map(metadata.map((m) => [m.partition, BigInt(m.baseOffset ?? '0')]));
  const seen = new Map<number, bigint>();
  return messages.map((message) => {
    const partition = chosenPartition.get(message) ?? message.partition ?? 0;
    const index = seen.get(partition) ?? 0n;
    seen.set(partition, index + 1n);
    return { partition, offset: String((baseOffsets.get(partition) ?? 0n) + index) };
  });
}

/** The body fields callers may leave out: the server fills in an id, the time and the type. */
export type EventInput = Record<string, unknown>;

export function completeEvent<T extends CatalogueTopic>(
  topic: T,
  input: EventInput,
): Record<string, unknown> {
  return {
    event_id: randomUUID(),
    event_type: catalogue[topic].defaultEventType,
    timestamp: nowEpochSeconds(),
    ...input,
  };
}

/** Validate events against their topic's schema, naming every wrong field (prefixed by its index in a batch). */
export function validateEvents<T extends CatalogueTopic>(
  topic: T,
  events: unknown[],
  pathPrefix: (index: number) => (string | number)[] = (i) => (events.length === 1 ? [] : ['events', i]),
): TopicEvent<T>[] {
  const schema: z.ZodType = catalogue[topic].schema;
  const issues: FieldIssue[] = [];
  const valid = events.map((event, index) => {
    const parsed = schema.safeParse(event);
    if (!parsed.success) issues.push(...fieldIssues(parsed.error.issues, pathPrefix(index)));
    return parsed.data as TopicEvent<T>;
  });
  if (issues.length > 0) {
    throw new ValidationError(
      `${topic} event failed validation: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return valid;
}

/** Validate and produce catalogue events in one call; nothing is sent unless every event is valid. */
export async function produceEvents<T extends CatalogueTopic>(
  topic: T,
  events: unknown[],
  pathPrefix?: (index: number) => (string | number)[],
): Promise<Delivery[]> {
  const valid = validateEvents(topic, events, pathPrefix);
  const messages = valid.map((event) => toMessage(event));
  const placed = await sendMessages(topic, messages);
  return valid.map((event, i) => ({ event_id: event.event_id, topic, ...placed[i]! }));
}
