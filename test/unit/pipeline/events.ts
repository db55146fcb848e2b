import { randomUUID } from 'node:crypto';
import {
  buildLambdaKafkaEvent,
  type LambdaKafkaEvent,
  type LambdaKafkaRecord,
  toLambdaKafkaRecord,
} from '../../../lib/kafka/lambda-event';

/** Records for a stage under test, made by the one builder of AWS's Kafka event. */
export interface RecordSpec {
  topic: string;
  partition?: number;
  offset: number;
  key?: string | null;
  /** An object is sent as JSON; a string or bytes as they are; null is a tombstone. */
  value: unknown;
  /** `[name, value]` in the order written. */
  headers?: [string, string | Uint8Array][];
}

export function kafkaRecord({
  topic,
  partition = 0,
  offset,
  key = 'u1',
  value,
  headers = [],
}: RecordSpec): LambdaKafkaRecord {
  const bytes =
    value === null
      ? null
      : typeof value === 'string' || value instanceof Uint8Array
        ? value
        : JSON.stringify(value);
  return toLambdaKafkaRecord({
    topic,
    partition,
    offset,
    timestamp: 1_700_000_000_000,
    key,
    value: bytes,
    headers,
  });
}

export function kafkaEvent(specs: RecordSpec[], source: 'kafka' | 'msk' = 'kafka'): LambdaKafkaEvent {
  return buildLambdaKafkaEvent(
    {
      source,
      bootstrapServers: 'localhost:9092',
      ...(source === 'msk' && {
        eventSourceArn: 'arn:aws:kafka:ap-northeast-2:000000000000:cluster/test/x-1',
      }),
    },
    specs.map(kafkaRecord),
  );
}

/** A valid envelope around `data`, as a scenario's first event (its own id is the correlation id). */
export function envelope(
  eventType: string,
  data: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  const id = randomUUID();
  return {
    event_id: id,
    event_type: eventType,
    user_id: 'u1',
    timestamp: 1_700_000_000.5,
    correlation_id: id,
    data,
    ...extra,
  };
}
