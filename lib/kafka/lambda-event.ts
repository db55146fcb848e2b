/**
 * AWS Lambda's Kafka event, as an event source mapping delivers it (MSK: `aws:kafka`, self-managed
 * Apache Kafka: `SelfManagedKafka`). The application's builder of that event (the test helpers use
 * it; the emulator package has its own, held to the same contract test) and the decoders stage
 * handlers use to read a batch.
 *
 * Shape (docs.aws.amazon.com/lambda/latest/dg/with-msk.html, with-kafka.html):
 * `records` is keyed `"<topic>-<partition>"`, each array in offset order; key and value are base64
 * (absent for a null key / a tombstone); headers are `[{ name: bytes }]`, one object per header,
 * with each byte signed (Java `byte`, -128..127).
 */
import { z } from 'zod';

// Types the emulator needs from the client library, so nothing outside lib/kafka imports kafkajs.
export type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';

export type KafkaEventSourceType = 'kafka' | 'msk';

export const EVENT_SOURCE = { kafka: 'SelfManagedKafka', msk: 'aws:kafka' } as const;

export type TimestampType = 'CREATE_TIME' | 'LOG_APPEND_TIME';

export interface LambdaKafkaRecord {
  topic: string;
  partition: number;
  offset: number;
  /** Epoch milliseconds. */
  timestamp: number;
  timestampType: TimestampType;
  /** Base64 of the key bytes; absent when the key is null. */
  key?: string;
  /** Base64 of the value bytes; absent for a tombstone (null value). */
  value?: string;
  /** One single-key object per header, in order, duplicates kept; bytes are signed. */
  headers: Record<string, number[]>[];
}

interface LambdaKafkaEventBase {
  /** Comma-separated `host:port` list, no spaces. */
  bootstrapServers: string;
  records: Record<string, LambdaKafkaRecord[]>;
}

export interface SelfManagedKafkaLambdaEvent extends LambdaKafkaEventBase {
  eventSource: 'SelfManagedKafka';
}

export interface MskLambdaEvent extends LambdaKafkaEventBase {
  eventSource: 'aws:kafka';
  /** The MSK cluster ARN. */
  eventSourceArn: string;
}

export type LambdaKafkaEvent = SelfManagedKafkaLambdaEvent | MskLambdaEvent;

export type HeaderBytes = Uint8Array | string | null | undefined;

/** A record as a Kafka client hands it over: raw bytes, numbers possibly as strings. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string | number | bigint;
  /** Epoch milliseconds. */
  timestamp: string | number;
  /** `LOG_APPEND_TIME`/`CREATE_TIME`, or Kafka's numeric code (1 = log append time). */
  timestampType?: TimestampType | number;
  key?: Uint8Array | string | null;
  value?: Uint8Array | string | null;
  /** Ordered `[name, value]` pairs, or kafkajs' object (duplicate names become arrays). */
  headers?: ReadonlyArray<readonly [string, HeaderBytes]> | Record<string, HeaderBytes | HeaderBytes[]>;
}

/** The `records` key (and the partial-batch-response `partition`) for a topic-partition. */
export const recordsKey = (topic: string, partition: number): string => `${topic}-${partition}`;

/** Split a `records` key; topics may contain `-`, the partition is after the last one. */
export function parseRecordsKey(key: string): { topic: string; partition: number } {
  const dash = key.lastIndexOf('-');
  const partition = Number(key.slice(dash + 1));
  if (dash <= 0 || !Number.isInteger(partition) || partition < 0 || key.slice(dash + 1) === '') {
    throw new Error(`Not a "<topic>-<partition>" key: ${JSON.stringify(key)}`);
  }
  return { topic: key.slice(0, dash), partition };
}

const bytesOf = (data: Uint8Array | string): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength);

/** Bytes as AWS writes header values: Java's signed bytes. */
export const toSignedBytes = (data: Uint8Array | string): number[] => {
  const bytes = bytesOf(data);
  // A plain loop: several times faster than Array.from with a mapper, and this runs per header.
  const signed = new Array<number>(bytes.length);
  for (let i = 0; i < bytes.length; i += 1) signed[i] = (bytes[i]! << 24) >> 24;
  return signed;
};

/** A header value from the event back to its bytes (accepts signed or unsigned numbers). */
export const fromSignedBytes = (bytes: readonly number[]): Buffer => Buffer.from(bytes.map((b) => b & 0xff));

const headerPairs = (headers: ConsumedRecord['headers']): [string, HeaderBytes][] => {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers.map(([name, value]) => [name, value]);
  const pairs: [string, HeaderBytes][] = [];
  for (const name in headers) {
    const value = (headers as Record<string, HeaderBytes | HeaderBytes[]>)[name];
    if (Array.isArray(value)) for (const v of value) pairs.push([name, v]);
    else pairs.push([name, value as HeaderBytes]);
  }
  return pairs;
};

const timestampTypeOf = (type: ConsumedRecord['timestampType']): TimestampType =>
  type === 'LOG_APPEND_TIME' || type === 1 ? 'LOG_APPEND_TIME' : 'CREATE_TIME';

/** One consumed record in AWS's record shape. */
export function toLambdaKafkaRecord(record: ConsumedRecord): LambdaKafkaRecord {
  // A header without a value (possible on the wire) is delivered as an empty byte array.
  const headers = headerPairs(record.headers).map(([name, value]) => ({
    [name]: value == null ? [] : toSignedBytes(value),
  }));
  // Built field by field in AWS's order (no spreads): this runs for every record the emulator delivers.
  const converted = {
    topic: record.topic,
    partition: record.partition,
    offset: Number(record.offset),
    timestamp: Number(record.timestamp),
    timestampType: timestampTypeOf(record.timestampType),
  } as LambdaKafkaRecord;
  if (record.key != null) converted.key = bytesOf(record.key).toString('base64');
  if (record.value != null) converted.value = bytesOf(record.value).toString('base64');
  converted.headers = headers;
  return converted;
}

/** kafkajs keeps a batch's timestamp type on each message, untyped. */
const kafkajsTimestampType = (message: object): number | undefined =>
  (message as { batchContext?: { timestampType?: number } }).batchContext?.timestampType;

/** A kafkajs message as a `ConsumedRecord`. */
export function fromKafkaMessage(
  topic: string,
  partition: number,
  message: {
    offset: string;
    timestamp: string;
    key: Buffer | null;
    value: Buffer | null;
    headers?: Record<string, HeaderBytes | HeaderBytes[]>;
  },
): ConsumedRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    timestampType: kafkajsTimestampType(message),
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
  };
}

export interface EventSourceMeta {
  /** `kafka` (self-managed, `SelfManagedKafka`) or `msk` (`aws:kafka`). */
  source: KafkaEventSourceType;
  /** Required for MSK, never sent for self-managed Kafka. */
  eventSourceArn?: string;
  bootstrapServers: string | readonly string[];
}

/**
 * The event AWS sends for these records: grouped under `"<topic>-<partition>"` in the order the
 * partitions first appear, each group sorted by offset.
 */
export function buildLambdaKafkaEvent(
  meta: EventSourceMeta,
  records: readonly LambdaKafkaRecord[],
): LambdaKafkaEvent {
  const grouped: Record<string, LambdaKafkaRecord[]> = {};
  for (const record of records) {
    const key = recordsKey(record.topic, record.partition);
    if (!Object.hasOwn(grouped, key)) grouped[key] = [];
    grouped[key]?.push(record);
  }
  for (const list of Object.values(grouped)) list.sort((a, b) => a.offset - b.offset);
  const bootstrapServers =
    typeof meta.bootstrapServers === 'string' ? meta.bootstrapServers : meta.bootstrapServers.join(',');
  if (meta.source === 'msk') {
    if (!meta.eventSourceArn) throw new Error('An MSK event needs the cluster ARN (eventSourceArn)');
    return {
      eventSource: EVENT_SOURCE.msk,
      eventSourceArn: meta.eventSourceArn,
      bootstrapServers,
      records: grouped,
    };
  }
  return { eventSource: EVENT_SOURCE.kafka, bootstrapServers, records: grouped };
}

/** Every record of the event, partition after partition, each in offset order. */
export const flattenRecords = (event: Pick<LambdaKafkaEvent, 'records'>): LambdaKafkaRecord[] =>
  Object.values(event.records).flat();

export const recordKeyBytes = (record: LambdaKafkaRecord): Buffer | undefined =>
  record.key == null ? undefined : Buffer.from(record.key, 'base64');

export const recordValueBytes = (record: LambdaKafkaRecord): Buffer | undefined =>
  record.value == null ? undefined : Buffer.from(record.value, 'base64');

export const recordKeyText = (record: LambdaKafkaRecord): string | undefined =>
  recordKeyBytes(record)?.toString('utf8');

export const recordValueText = (record: LambdaKafkaRecord): string | undefined =>
  recordValueBytes(record)?.toString('utf8');

/** The value parsed as JSON; `undefined` for a tombstone; throws (naming the record) on bad JSON. */
export function recordValueJson(record: LambdaKafkaRecord): unknown {
  const text = recordValueText(record);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    const where = `${recordsKey(record.topic, record.partition)}@${record.offset}`;
    throw new SyntaxError(`Record ${where} is not JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Headers as `{ name, value }` with their original bytes, in order. */
export const recordHeaders = (record: LambdaKafkaRecord): { name: string; value: Buffer }[] =>
  record.headers.flatMap((header) =>
    Object.entries(header).map(([name, bytes]) => ({ name, value: fromSignedBytes(bytes) })),
  );

/** The first header with this name, as UTF-8 text. */
export const recordHeaderText = (record: LambdaKafkaRecord, name: string): string | undefined =>
  recordHeaders(record)
    .find((h) => h.name === name)
    ?.value.toString('utf8');

export interface KafkaBatchItemFailure {
  itemIdentifier: { partition: string; offset: number };
}

/** A partial batch response entry for this record (`ReportBatchItemFailures`). */
export const batchItemFailure = (
  record: Pick<LambdaKafkaRecord, 'topic' | 'partition' | 'offset'>,
): KafkaBatchItemFailure => ({
  itemIdentifier: { partition: recordsKey(record.topic, record.partition), offset: record.offset },
});

const recordSchema = z.object({
  topic: z.string().min(1),
  partition: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  timestamp: z.number().int(),
  timestampType: z.enum(['CREATE_TIME', 'LOG_APPEND_TIME']),
  key: z.string().optional(),
  value: z.string().optional(),
  headers: z.array(z.record(z.string(), z.array(z.number().int().min(-128).max(127)))),
});

/** Validates an incoming Kafka event (either source), e.g. at the top of a stage handler. */
export const lambdaKafkaEventSchema = z.discriminatedUnion('eventSource', [
  z.object({
    eventSource: z.literal('SelfManagedKafka'),
    bootstrapServers: z.string(),
    records: z.record(z.string(), z.array(recordSchema)),
  }),
  z.object({
    eventSource: z.literal('aws:kafka'),
    eventSourceArn: z.string().min(1),
    bootstrapServers: z.string(),
    records: z.record(z.string(), z.array(recordSchema)),
  }),
]);
