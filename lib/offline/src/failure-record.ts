/**
 * What Lambda writes to a Kafka on-failure destination (`kafka://<topic>`): one message per failed
 * record, keyed with the record's original key, whose value is the invocation metadata plus
 * `payload`, the event holding just that record (docs: kafka-on-failure-destination.html; sample
 * in shared/reference/aws-kafka-esm.md §4.4).
 */
import { randomUUID } from 'node:crypto';
import {
  buildLambdaKafkaEvent,
  type EventSourceMeta,
  type LambdaKafkaEvent,
  type LambdaKafkaRecord,
  recordKeyBytes,
} from './lambda-event';

/**
 * `RetriesExhausted` is the condition of AWS's Kafka-destination sample; the record-age name is
 * not documented for Kafka (UNCONFIRMED) and follows Kinesis.
 */
export type FailureCondition = 'RetriesExhausted' | 'RecordAgeExceeded' | 'MaximumPayloadSizeExceeded';

/** How the last invocation of the failed records ended, if they were invoked at all. */
export type LastResponse = { functionError: 'Unhandled' } | { functionError?: undefined };

export interface FailedRecords {
  condition: FailureCondition;
  records: LambdaKafkaRecord[];
  approximateInvokeCount: number;
  lastResponse?: LastResponse;
}

export interface FailureRecord {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: FailureCondition;
    approximateInvokeCount: number;
  };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string } | null;
  version: '1.0';
  timestamp: string;
  KafkaBatchInfo: {
    batchSize: 1;
    eventSourceArn?: string;
    bootstrapServers: string;
    payloadSize: number;
    recordInfo: { offset: string; timestamp: string };
  };
  payload: LambdaKafkaEvent;
}

export interface DestinationMessage {
  key: Buffer | null;
  value: string;
}

/** The destination messages for failed records, one per record, in the order given. */
export function failureMessages(
  failed: FailedRecords,
  context: { functionArn: string; meta: EventSourceMeta; now?: Date },
): DestinationMessage[] {
  const timestamp = (context.now ?? new Date()).toISOString();
  return failed.records.map((record) => {
    const payload = buildLambdaKafkaEvent(context.meta, [record]);
    const value: FailureRecord = {
      requestContext: {
        requestId: randomUUID(),
        functionArn: context.functionArn,
        condition: failed.condition,
        approximateInvokeCount: failed.approximateInvokeCount,
      },
      responseContext: failed.lastResponse
        ? { statusCode: 200, executedVersion: '$LATEST', ...failed.lastResponse }
        : null,
      version: '1.0',
      timestamp,
      KafkaBatchInfo: {
        batchSize: 1,
        ...(payload.eventSource === 'aws:kafka' && { eventSourceArn: payload.eventSourceArn }),
        bootstrapServers: payload.bootstrapServers,
        payloadSize: Buffer.byteLength(JSON.stringify(payload), 'utf8'),
        recordInfo: { offset: String(record.offset), timestamp: new Date(record.timestamp).toISOString() },
      },
      payload,
    };
    return { key: recordKeyBytes(record) ?? null, value: JSON.stringify(value) };
  });
}
