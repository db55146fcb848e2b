/**
 * One log line per delivery attempt of a batch: function, topic-partitions with their offset
 * ranges, records, filtered-out records, attempt, duration, outcome (and what happens next), e.g.
 * `consumer orders-0[41..42] orders-3[7] records=3 filtered=1 attempt=1 duration=12ms outcome=ok`.
 */
import { recordsKey } from './lambda-event';
import type { BatchReport } from './processor';

function rangesOf(report: BatchReport): { key: string; first: number; last: number }[] {
  if (report.records.length === 0) return report.ranges;
  const ranges = new Map<string, { key: string; first: number; last: number }>();
  for (const r of report.records) {
    const key = recordsKey(r.topic, r.partition);
    const range = ranges.get(key);
    if (!range) ranges.set(key, { key, first: r.offset, last: r.offset });
    else {
      range.first = Math.min(range.first, r.offset);
      range.last = Math.max(range.last, r.offset);
    }
  }
  return [...ranges.values()];
}

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
