/**
 * `metricsConfig` (AWS `MetricsConfig.Metrics`: EventCount, ErrorCount, KafkaMetrics): what a
 * mapping with metrics turned on would report to CloudWatch, kept per emulated mapping from the
 * batch reports and the consumer's fetches, and printed once a minute and at shutdown (AWS
 * publishes per minute). Names follow AWS's event source mapping metrics
 * (docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics).
 */
import type { BatchReport } from './processor';

export const METRIC_GROUPS = ['EventCount', 'ErrorCount', 'KafkaMetrics'] as const;
export type MetricGroup = (typeof METRIC_GROUPS)[number];

export interface MappingMetricsSnapshot {
  /** EventCount */
  PolledEventCount?: number;
  FilteredOutEventCount?: number;
  InvokedEventCount?: number;
  FailedInvokeEventCount?: number;
  DroppedEventCount?: number;
  /** ErrorCount: failed invocations (error, timeout, invalid or partial response). */
  ErrorCount?: number;
  /** KafkaMetrics: records behind the end of the log, summed over the assigned partitions. */
  OffsetLag?: number;
}

const FAILED_OUTCOMES = new Set<BatchReport['outcome']>(['error', 'timeout', 'invalid-response', 'partial']);

export class MappingMetrics {
  private polled = 0;
  private filteredOut = 0;
  private invoked = 0;
  private failedInvoke = 0;
  private dropped = 0;
  private errors = 0;
  private readonly highWatermark = new Map<number, number>();
  private readonly committed = new Map<number, number>();

  constructor(readonly groups: readonly MetricGroup[]) {}

  fetched(partition: number, records: number, highWatermark: number): void {
    this.polled += records;
    this.highWatermark.set(partition, highWatermark);
  }

  committedAt(partition: number, offset: number): void {
    this.committed.set(partition, Math.max(offset, this.committed.get(partition) ?? 0));
  }

  partitions(): number[] {
    return [...this.highWatermark.keys()];
  }

  /** A partition left this consumer (rebalance): its lag is another member's now. */
  revoked(partition: number): void {
    this.highWatermark.delete(partition);
    this.committed.delete(partition);
  }

  batch(report: BatchReport): void {
    if (report.attempt === 1) this.filteredOut += report.filtered;
    const delivered = report.records.length;
    if (report.outcome === 'expired' || report.outcome === 'oversize') {
      this.dropped += delivered;
      return;
    }
    if (report.outcome === 'filtered') return;
    this.invoked += delivered;
    if (FAILED_OUTCOMES.has(report.outcome)) {
      this.failedInvoke += delivered;
      this.errors += 1;
    }
    if (report.next && /retries exhausted|sent to|skipped/.test(report.next)) this.dropped += delivered;
  }

  offsetLag(): number {
    let lag = 0;
    for (const [partition, end] of this.highWatermark)
      lag += Math.max(0, end - (this.committed.get(partition) ?? 0));
    return lag;
  }

  snapshot(): MappingMetricsSnapshot {
    const out: MappingMetricsSnapshot = {};
    if (this.groups.includes('EventCount')) {
      out.PolledEventCount = this.polled;
      out.FilteredOutEventCount = this.filteredOut;
      out.InvokedEventCount = this.invoked;
      out.FailedInvokeEventCount = this.failedInvoke;
      out.DroppedEventCount = this.dropped;
    }
    if (this.groups.includes('ErrorCount')) out.ErrorCount = this.errors;
    if (this.groups.includes('KafkaMetrics')) out.OffsetLag = this.offsetLag();
    return out;
  }
}

export const formatMetrics = (id: string, snapshot: MappingMetricsSnapshot): string =>
  `metrics ${id} ${Object.entries(snapshot)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ')}`;
