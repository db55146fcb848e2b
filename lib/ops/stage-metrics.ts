import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Per-stage CloudWatch metrics as embedded-metric-format (EMF) log lines: CloudWatch turns each
 * line a function prints into metric data points, with no API call and no extra latency.
 *
 * Namespace `CasinoClub/EventBackbone`, dimensions `service` (`event-backbone`) and `stage` (the
 * stage's name), metrics:
 * - `RecordsProcessed` (Count): records the stage's rule handled (its outputs produced);
 * - `RecordsDeadLettered` (Count): records sent to the dead-letter topic;
 * - `RuleDuration` (Milliseconds): each record's rule run, up to 100 values per line (EMF's limit).
 *
 * Locally the same lines are printed to standard output, in the `npm start` output with the stage
 * function's logs. `POWERTOOLS_METRICS_DISABLED=true` (Powertools' own switch, read by Powertools)
 * silences them, locally or in AWS.
 */
export const METRICS_NAMESPACE = 'CasinoClub/EventBackbone';
export const METRICS_SERVICE = 'event-backbone';
export const STAGE_METRIC = {
  processed: 'RecordsProcessed',
  deadLettered: 'RecordsDeadLettered',
  ruleDuration: 'RuleDuration',
} as const;

export interface StageMetrics {
  /** One record handled by the rule, and how long the rule took. */
  processed(ruleDurationMs: number): void;
  /** One record sent to the dead-letter topic. */
  deadLettered(): void;
  /** Print what was counted since the last publish as EMF line(s); nothing when nothing was counted. */
  publish(): void;
}

/** The metrics of one stage; call `publish()` once per batch (a Lambda invocation). */
export function stageMetrics(stage: string): StageMetrics {
  const metrics = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: METRICS_SERVICE,
    defaultDimensions: { stage },
  });
  let processed = 0;
  let deadLettered = 0;
  let durations: number[] = [];

  return {
    processed(ruleDurationMs) {
      processed += 1;
      durations.push(Math.max(0, ruleDurationMs));
    },
    deadLettered() {
      deadLettered += 1;
    },
    publish() {
      if (processed === 0 && deadLettered === 0) return;
      // Counts are published even when zero, so CloudWatch sees a 0 rather than a gap.
      metrics.addMetric(STAGE_METRIC.processed, MetricUnit.Count, processed);
      metrics.addMetric(STAGE_METRIC.deadLettered, MetricUnit.Count, deadLettered);
      // Powertools prints a line by itself whenever one metric reaches 100 values (EMF's limit).
      for (const value of durations)
        metrics.addMetric(STAGE_METRIC.ruleDuration, MetricUnit.Milliseconds, value);
      durations = [];
      processed = 0;
      deadLettered = 0;
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}
