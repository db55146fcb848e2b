/**
 * Per topic-partition, the lowest and highest offset among some records. Runs for every batch
 * delivered (its commit and its log line), so the `"<topic>-<partition>"` key is only built when the
 * partition changes: a batch's records come partition after partition.
 */
import { type LambdaKafkaRecord, recordsKey } from './lambda-event';

export interface OffsetSpan {
  key: string;
  topic: string;
  partition: number;
  first: number;
  last: number;
}

export function offsetSpans(records: readonly LambdaKafkaRecord[]): OffsetSpan[] {
  const spans = new Map<string, OffsetSpan>();
  let current: OffsetSpan | undefined;
  for (const r of records) {
    if (!current || current.partition !== r.partition || current.topic !== r.topic) {
      const key = recordsKey(r.topic, r.partition);
      current = spans.get(key);
      if (!current) {
        current = { key, topic: r.topic, partition: r.partition, first: r.offset, last: r.offset };
        spans.set(key, current);
        continue;
      }
    }
    if (r.offset < current.first) current.first = r.offset;
    if (r.offset > current.last) current.last = r.offset;
  }
  return [...spans.values()];
}
