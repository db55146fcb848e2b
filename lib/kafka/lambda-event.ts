/**
 * AWS Lambda's Kafka event, as an event source mapping delivers it (MSK: `aws:kafka`, self-managed
 * Apache Kafka: `SelfManagedKafka`). Its shape and its one builder are the emulator package's
 * (serverless-offline-kafka-esm, held to AWS's documented example by its contract test): the local
 * emulator and the test helpers build events with the same code. Here: the decoders stage handlers
 * read a batch with, and the schema that refuses anything else.
 *
 * Shape (docs.aws.amazon.com/lambda/latest/dg/with-msk.html, with-kafka.html):
 * `records` is keyed `"<topic>-<partition>"`, each array in offset order; key and value are base64
 * (absent for a null key / a tombstone); headers are `[{ name: bytes }]`, one object per header,
 * with each byte signed (Java `byte`, -128..127).
 */
import {
  fromSignedBytes,
  type LambdaKafkaEvent,
  type LambdaKafkaRecord,
  recordKeyBytes,
  recordsKey,
} from 'serverless-offline-kafka-esm/lambda-event';
import { z } from 'zod';

// Types of the client library other modules need, so nothing outside lib/kafka imports kafkajs.
export type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
export {
  buildLambdaKafkaEvent,
  type ConsumedRecord,
  EVENT_SOURCE,
  type EventSourceMeta,
  fromKafkaMessage,
  fromSignedBytes,
  type HeaderBytes,
  type KafkaEventSourceType,
  type LambdaKafkaEvent,
  type LambdaKafkaRecord,
  type MskLambdaEvent,
  parseRecordsKey,
  recordKeyBytes,
  recordsKey,
  type SelfManagedKafkaLambdaEvent,
  type TimestampType,
  toLambdaKafkaRecord,
  toSignedBytes,
} from 'serverless-offline-kafka-esm/lambda-event';

/** Every record of the event, partition after partition, each in offset order. */
export const flattenRecords = (event: Pick<LambdaKafkaEvent, 'records'>): LambdaKafkaRecord[] =>
  Object.values(event.records).flat();

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
