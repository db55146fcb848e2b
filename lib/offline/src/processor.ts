/**
 * Delivers one batch until it is done, as AWS's Kafka event source mapping does: invoke, and on
 * success commit; on a failure (thrown error, timeout, invalid partial response) retry the whole
 * batch with exponential backoff — for ever by default, so the batch's partitions wait and no
 * record is lost. The opt-in controls change that: `maximumRetryAttempts` (then the records go to
 * the on-failure destination and are committed), `maximumRecordAgeInSeconds` (older records are
 * never delivered), `bisectBatchOnFunctionError` (a failed batch is split in two, each half
 * delivered in order; splitting does not use up retries) and `ReportBatchItemFailures`.
 * All I/O goes through `ProcessorPorts`, so the logic is tested without Kafka or Lambda.
 */

import { judgeBatchResponse } from './batch-response';
import type { Batch } from './batcher';
import type { FailedRecords, LastResponse } from './failure-record';
import type { InvocationResult } from './invoker';
import {
  buildLambdaKafkaEvent,
  type EventSourceMeta,
  type LambdaKafkaRecord,
  recordsKey,
} from './lambda-event';
import { offsetSpans } from './offset-spans';
import { RetryPolicy } from './partition';

export { backoffDelay } from './partition';

export interface ProcessorSettings {
  meta: EventSourceMeta;
  /** Retries after the first attempt; -1 = until success. Already capped at 10 when a destination is set. */
  maximumRetryAttempts: number;
  /** -1 = no limit. */
  maximumRecordAgeSeconds: number;
  bisect: boolean;
  reportBatchItemFailures: boolean;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
}

export interface CommitOffset {
  topic: string;
  partition: number;
  /** The next offset to read (last processed + 1). */
  offset: number;
}

export type Outcome =
  | 'ok'
  | 'error'
  | 'timeout'
  | 'partial'
  | 'invalid-response'
  | 'filtered'
  | 'expired'
  | 'oversize';

/** One line of the batch log: what was delivered (or not) and what happens next. */
export interface BatchReport {
  records: LambdaKafkaRecord[];
  /** Covered offsets per partition (for a filtered-only batch, where `records` is empty). */
  ranges: { key: string; first: number; last: number }[];
  filtered: number;
  attempt: number;
  durationMs: number;
  outcome: Outcome;
  detail?: string;
  next?: string;
}

export interface ProcessorPorts {
  invoke(event: ReturnType<typeof buildLambdaKafkaEvent>): Promise<InvocationResult>;
  commit(offsets: CommitOffset[]): Promise<void>;
  /** Hand failed records to the on-failure destination; false when stopping before it succeeded. */
  fail(failed: FailedRecords): Promise<boolean>;
  /** Wait before a retry; false when the emulator is stopping (the batch is then abandoned). */
  sleep(ms: number): Promise<boolean>;
  now(): number;
  stopping(): boolean;
  report(report: BatchReport): void;
  /** Where failed records go, for the log ("kafka://dlq"), if anywhere. */
  destination?: string;
}

/** `done`: every record was delivered or handed on, and committed. `abandoned`: stopped before that. */
export type BatchResult = 'done' | 'abandoned';

interface WorkItem {
  records: LambdaKafkaRecord[];
  /** Failed attempts so far (what `maximumRetryAttempts` limits). */
  failures: number;
  invocations: number;
}

/** Per partition: one past the highest offset among the records. */
const commitsThrough = (records: readonly LambdaKafkaRecord[]): CommitOffset[] =>
  offsetSpans(records).map((s) => ({ topic: s.topic, partition: s.partition, offset: s.last + 1 }));

const lastResponseOf = (result: InvocationResult): LastResponse =>
  result.ok ? {} : { functionError: 'Unhandled' };

export class BatchProcessor {
  private readonly retry: RetryPolicy;

  constructor(
    private readonly settings: ProcessorSettings,
    private readonly ports: ProcessorPorts,
  ) {
    this.retry = new RetryPolicy(settings);
  }

  async process(batch: Batch): Promise<BatchResult> {
    const ranges = [...batch.ranges].map(([key, r]) => ({ key, first: r.first, last: r.last }));
    const finalCommits = [...batch.ranges.values()].map((r) => ({
      topic: r.topic,
      partition: r.partition,
      offset: r.last + 1,
    }));

    if (batch.records.length === 0) {
      this.ports.report({
        records: [],
        ranges,
        filtered: batch.filtered,
        attempt: 0,
        durationMs: 0,
        outcome: 'filtered',
      });
      await this.ports.commit(finalCommits);
      return 'done';
    }
    if (batch.oversize) {
      const delivered = await this.ports.fail({
        condition: 'MaximumPayloadSizeExceeded',
        records: batch.records,
        approximateInvokeCount: 0,
      });
      if (!delivered) return 'abandoned';
      this.ports.report({
        records: batch.records,
        ranges,
        filtered: batch.filtered,
        attempt: 0,
        durationMs: 0,
        outcome: 'oversize',
        detail: `event of ${batch.payloadBytes} bytes exceeds the 6 MB payload limit`,
        next: this.skippedTo(),
      });
      await this.ports.commit(finalCommits);
      return 'done';
    }

    const queue: WorkItem[] = [{ records: batch.records, failures: 0, invocations: 0 }];
    let filtered = batch.filtered;
    while (queue.length > 0) {
      if (this.ports.stopping()) return 'abandoned';
      const item = queue[0] as WorkItem;
      const span = commitsThrough(item.records);

      if (!(await this.dropExpired(item, filtered))) return 'abandoned';
      if (item.records.length === 0) {
        queue.shift();
        await this.ports.commit(span);
        continue;
      }

      const event = buildLambdaKafkaEvent(this.settings.meta, item.records);
      const result = await this.ports.invoke(event);
      item.invocations += 1;
      const attempt = item.invocations;
      const base = { records: item.records, ranges: [], filtered, attempt, durationMs: result.durationMs };
      filtered = 0;

      let outcome: Outcome;
      let detail: string | undefined;
      if (result.ok) {
        const verdict = this.settings.reportBatchItemFailures
          ? judgeBatchResponse(result.response, event)
          : ({ kind: 'success' } as const);
        if (verdict.kind === 'success') {
          this.ports.report({ ...base, outcome: 'ok' });
          queue.shift();
          // The last item is covered by the batch's final commit below: one commit request, not two.
          if (queue.length > 0) await this.ports.commit(span);
          continue;
        }
        if (verdict.kind === 'partial') {
          const failedFrom = verdict.retryFrom;
          const retried = item.records.filter(
            (r) => r.offset >= (failedFrom.get(recordsKey(r.topic, r.partition)) ?? Infinity),
          );
          const retriedSet = new Set(retried);
          const succeeded = item.records.filter((r) => !retriedSet.has(r));
          const partialCommits = [
            ...commitsThrough(succeeded).filter((c) => !failedFrom.has(recordsKey(c.topic, c.partition))),
            ...[...failedFrom].map(([key, offset]) => ({ ...parseKey(key, item.records), offset })),
          ];
          item.records = retried;
          item.failures += 1;
          const next = this.afterFailure(item, result);
          this.ports.report({
            ...base,
            outcome: 'partial',
            detail: `${retried.length} of ${base.records.length} records to retry from ${[...failedFrom].map(([k, o]) => `${k}@${o}`).join(',')}`,
            next: next.describe,
          });
          await this.ports.commit(partialCommits);
          if (!(await next.run())) return 'abandoned';
          continue;
        }
        outcome = 'invalid-response';
        detail = verdict.reason;
      } else {
        outcome = result.timedOut ? 'timeout' : 'error';
        detail = `${result.errorType}: ${result.errorMessage}`;
      }

      const half = this.retry.bisect(item.records.length);
      if (half !== undefined) {
        const halves: WorkItem[] = [
          { records: item.records.slice(0, half), failures: item.failures, invocations: item.invocations },
          { records: item.records.slice(half), failures: item.failures, invocations: item.invocations },
        ];
        queue.splice(0, 1, ...halves);
        this.ports.report({
          ...base,
          outcome,
          detail,
          next: `bisect into ${half} + ${item.records.length - half}`,
        });
        continue;
      }
      item.failures += 1;
      const next = this.afterFailure(item, result);
      this.ports.report({ ...base, outcome, detail, next: next.describe });
      if (!(await next.run())) return 'abandoned';
    }
    await this.ports.commit(finalCommits);
    return 'done';
  }

  /**
   * After a failed attempt: either retry after a backoff, or — once `maximumRetryAttempts` is
   * used up — hand the records to the destination, commit them and move on.
   */
  private afterFailure(
    item: WorkItem,
    result: InvocationResult,
  ): { describe: string; run(): Promise<boolean> } {
    const step = this.retry.afterFailure(item.failures);
    if (step.kind === 'dead-letter') {
      return {
        describe: `retries exhausted (${this.settings.maximumRetryAttempts}), ${this.skippedTo()}`,
        run: async () => {
          const span = commitsThrough(item.records);
          const delivered = await this.ports.fail({
            condition: 'RetriesExhausted',
            records: item.records,
            approximateInvokeCount: item.invocations,
            lastResponse: lastResponseOf(result),
          });
          if (!delivered) return false;
          item.records = [];
          await this.ports.commit(span);
          return true;
        },
      };
    }
    return { describe: `retry in ${step.delayMs} ms`, run: () => this.ports.sleep(step.delayMs) };
  }

  /** Records older than `maximumRecordAgeInSeconds` are never delivered: destination, then committed. */
  private async dropExpired(item: WorkItem, filtered: number): Promise<boolean> {
    const maxAge = this.settings.maximumRecordAgeSeconds;
    if (maxAge < 0) return true;
    const cutoff = this.ports.now() - maxAge * 1000;
    const expired = item.records.filter((r) => r.timestamp < cutoff);
    if (expired.length === 0) return true;
    const delivered = await this.ports.fail({
      condition: 'RecordAgeExceeded',
      records: expired,
      approximateInvokeCount: item.invocations,
    });
    if (!delivered) return false;
    item.records = item.records.filter((r) => r.timestamp >= cutoff);
    this.ports.report({
      records: expired,
      ranges: [],
      filtered,
      attempt: item.invocations,
      durationMs: 0,
      outcome: 'expired',
      detail: `older than ${maxAge} s`,
      next: this.skippedTo(),
    });
    return true;
  }

  private skippedTo(): string {
    return this.ports.destination ? `sent to ${this.ports.destination}` : 'skipped';
  }
}

function parseKey(key: string, records: readonly LambdaKafkaRecord[]): { topic: string; partition: number } {
  const record = records.find((r) => recordsKey(r.topic, r.partition) === key);
  if (!record) throw new Error(`No record for ${key}`);
  return { topic: record.topic, partition: record.partition };
}
