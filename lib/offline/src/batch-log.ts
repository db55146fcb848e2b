/**
 * One log line per delivery attempt of a batch: function, topic-partitions with their offset
 * ranges, records, filtered-out records, attempt, duration, outcome (and what happens next), e.g.
 * `consumer orders-0[41..42] orders-3[7] records=3 filtered=1 attempt=1 duration=12ms outcome=ok`.
 */
import { offsetSpans } from './offset-spans';
import type { BatchReport } from './processor';

const rangesOf = (report: BatchReport): { key: string; first: number; last: number }[] =>
  report.records.length === 0 ? report.ranges : offsetSpans(report.records);

export function formatBatchReport(functionKey: string, report: BatchReport): string {
  const ranges = rangesOf(report)
    .map((r) => (r.first === r.last ? `${r.key}[${r.first}]` : `${r.key}[${r.first}..${r.last}]`))
    .join(' ');
  const parts = [
    functionKey,
    ranges,
    `records=${report.records.length}`,
    `filtered=${report.filtered}`,
    `attempt=${report.attempt}`,
    `duration=${Math.round(report.durationMs)}ms`,
    `outcome=${report.outcome}`,
  ];
  if (report.detail) parts.push(`(${report.detail.replace(/\s+/g, ' ').slice(0, 300)})`);
  if (report.next) parts.push(`-> ${report.next}`);
  return parts.join(' ');
}
