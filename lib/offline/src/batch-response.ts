/**
 * Partial batch responses (`FunctionResponseTypes: [ReportBatchItemFailures]`) for Kafka:
 * `{ batchItemFailures: [{ itemIdentifier: { partition: "<topic>-<partition>", offset: n } }] }`.
 * AWS: null or an empty response means success; an identifier that is not in the event fails
 * the whole batch. Retry granularity is not documented for Kafka; as for Kinesis, each reported
 * partition is retried from its lowest failed offset (later records of that partition included)
 * and every other record counts as processed.
 */
import type { LambdaKafkaEvent } from './lambda-event';

export type BatchResponseVerdict =
  | { kind: 'success' }
  /** Per reported `"<topic>-<partition>"`: the lowest failed offset, where the retry starts. */
  | { kind: 'partial'; retryFrom: Map<string, number> }
  | { kind: 'invalid'; reason: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function judgeBatchResponse(
  response: unknown,
  event: Pick<LambdaKafkaEvent, 'records'>,
): BatchResponseVerdict {
  if (response === null || response === undefined) return { kind: 'success' };
  if (!isObject(response)) return { kind: 'invalid', reason: 'the response is not an object' };
  const failures = response.batchItemFailures;
  if (failures === null || failures === undefined) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'invalid', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };

  const retryFrom = new Map<string, number>();
  for (const [index, failure] of failures.entries()) {
    const identifier = isObject(failure) ? failure.itemIdentifier : undefined;
    if (!isObject(identifier)) {
      return { kind: 'invalid', reason: `batchItemFailures[${index}] has no itemIdentifier object` };
    }
    const { partition, offset } = identifier;
    if (typeof partition !== 'string' || typeof offset !== 'number') {
      return {
        kind: 'invalid',
        reason: `batchItemFailures[${index}].itemIdentifier needs partition (string) and offset (number)`,
      };
    }
    const records = Object.hasOwn(event.records, partition) ? event.records[partition] : undefined;
    if (!records?.some((r) => r.offset === offset)) {
      return { kind: 'invalid', reason: `${partition}@${offset} is not in the batch` };
    }
    retryFrom.set(partition, Math.min(retryFrom.get(partition) ?? offset, offset));
  }
  return { kind: 'partial', retryFrom };
}
