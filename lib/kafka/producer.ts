import { randomUUID } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import {
  CompressionTypes,
  type IHeaders,
  KafkaJSError,
  KafkaJSProtocolError,
  type Message,
  Partitioners,
  type Producer,
  type ProducerRecord,
  type RecordMetadata,
} from 'kafkajs';
import { config } from '../config';
import { BrokerUnavailableError, PayloadTooLargeError } from '../errors';
import { log } from '../log';
import { cachedConnection } from './cached-connection';
import { getKafka } from './client';
import { toKafkaError } from './kafka-errors';
import { assertValidTopicName } from './topic-name';

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

const producerConnection = cachedConnection<Producer>(async () => {
  const { idempotent } = config().kafka.producer;
  log.info('kafka producer connecting', { ...instance, function: process.env.AWS_LAMBDA_FUNCTION_NAME });
  return (await getKafka()).producer({
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

export interface Placement {
  partition: number;
  offset: string;
}

/** Where each message landed, from a send's per-partition base offsets; undefined where none was reported. */
function placements(messages: Message[], metadata: RecordMetadata[]): (Placement | undefined)[] {
  const baseOffsets = new Map(
    metadata
      .filter((m) => m.errorCode === 0 && m.baseOffset !== undefined)
      .map((m) => [m.partition, BigInt(m.baseOffset!)]),
  );
  const seen = new Map<number, bigint>();
  return messages.map((message) => {
    const partition = chosenPartition.get(message) ?? message.partition ?? 0;
    const base = baseOffsets.get(partition);
    if (base === undefined) return undefined;
    const index = seen.get(partition) ?? 0n;
    seen.set(partition, index + 1n);
    return { partition, offset: String(base + index) };
  });
}

/**
 * Below this many bytes of keys and values a send goes uncompressed: gzip cannot shrink one small
 * event (its header alone is ~20 bytes) and costs a thread-pool round trip on every request.
 */
export const GZIP_MIN_BYTES = 1024;

const payloadBytes = (messages: Message[]): number => {
  let bytes = 0;
  for (const { key, value } of messages) {
    bytes += key ? Buffer.byteLength(key) : 0;
    bytes += value ? Buffer.byteLength(value) : 0;
  }
  return bytes;
};

// One send at a time per container: while a send retries inside kafkajs its sequence number is
// rolled back, and a concurrent send on the same producer (a stage writing two topics at once) could
// take that number and be acknowledged as the retried batch's duplicate, never stored.
let sending: Promise<unknown> = Promise.resolve();

function sendOnce(record: ProducerRecord): Promise<RecordMetadata[]> {
  const turn = sending.then(() => sendAlone(record));
  sending = turn.catch(() => undefined);
  return turn;
}

/**
 * After a failed send the producer's idempotence state cannot be trusted: kafkajs rolls a
 * partition's sequence number back when a request fails, although the broker may have written the
 * batch (a timeout while it waited for the replicas). The next, different message would reuse that
 * sequence and the broker would answer it as a duplicate of the written batch: acknowledged, never
 * stored. A fresh producer (a new producer id) before the next send rules that out.
 */
async function sendAlone(record: ProducerRecord): Promise<RecordMetadata[]> {
  try {
    const producer = await producerConnection.get();
    return await producer.send(record);
  } catch (error) {
    const mapped = toKafkaError(error);
    // A batch refused as too large was never written: the sequence state is still right.
    if (!(mapped instanceof PayloadTooLargeError)) await producerConnection.reset();
    if (mapped instanceof KafkaJSError) {
      const reason = mapped instanceof KafkaJSProtocolError ? mapped.type : mapped.name;
      throw new BrokerUnavailableError(`Kafka refused the write (${reason}); try again`, 5, { cause: error });
    }
    throw mapped;
  }
}

/**
 * Send already-validated messages to one topic (acks=all) and report where each landed. Any
 * failure resets the cached producer (see sendOnce) and becomes a 503.
 *
 * kafkajs 2.2.4 can resolve a multi-partition send without writing some partitions: when a leader
 * moves during its retries it skips brokers that already answered for other partitions
 * (tulios/kafkajs#1303). So every message must be accounted for in the broker's answer; the ones
 * that are not are sent again by a fresh producer, and if they still are not, the request fails
 * rather than claim them.
 */
export async function sendMessages(topic: string, messages: Message[]): Promise<Placement[]> {
  assertValidTopicName(topic);
  const { compression, retries } = config().kafka.producer;
  const placed: (Placement | undefined)[] = new Array(messages.length).fill(undefined);
  let pending = messages.map((_, index) => index);
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (attempt > 0) await producerConnection.reset();
    if (attempt > retries) {
      throw new BrokerUnavailableError(
        `Kafka did not acknowledge ${pending.length} of ${messages.length} events`,
      );
    }
    const batch = pending.map((index) => messages[index]!);
    const gzip = compression === 'gzip' && payloadBytes(batch) >= GZIP_MIN_BYTES;
    const metadata = await sendOnce({
      topic,
      messages: batch,
      acks: -1,
      timeout: config().kafka.requestTimeoutMs,
      compression: gzip ? CompressionTypes.GZIP : CompressionTypes.None,
    });
    const result = placements(batch, metadata);
    pending = pending.filter((index, i) => {
      placed[index] = result[i];
      return result[i] === undefined;
    });
    if (pending.length > 0)
      log.warn('kafka left events unacknowledged; sending them again', { topic, count: pending.length });
  }
  return placed as Placement[];
}
