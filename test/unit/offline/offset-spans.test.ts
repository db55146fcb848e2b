import type { LambdaKafkaRecord } from '../../../lib/offline/src/lambda-event';
import { offsetSpans } from '../../../lib/offline/src/offset-spans';

const record = (topic: string, partition: number, offset: number): LambdaKafkaRecord => ({
  topic,
  partition,
  offset,
  timestamp: 0,
  timestampType: 'CREATE_TIME',
  headers: [],
});

describe('offsetSpans: lowest and highest offset per topic-partition', () => {
  it('spans each partition of a batch delivered partition after partition', () => {
    const records = [record('a-b', 0, 5), record('a-b', 0, 6), record('a-b', 2, 40), record('a-b', 2, 41)];
    expect(offsetSpans(records)).toEqual([
      { key: 'a-b-0', topic: 'a-b', partition: 0, first: 5, last: 6 },
      { key: 'a-b-2', topic: 'a-b', partition: 2, first: 40, last: 41 },
    ]);
  });

  it('merges a partition that comes back after another, and records out of offset order', () => {
    const records = [
      record('t', 1, 9),
      record('t', 0, 3),
      record('t', 1, 7),
      record('t', 1, 12),
      record('u', 1, 2),
    ];
    expect(offsetSpans(records)).toEqual([
      { key: 't-1', topic: 't', partition: 1, first: 7, last: 12 },
      { key: 't-0', topic: 't', partition: 0, first: 3, last: 3 },
      { key: 'u-1', topic: 'u', partition: 1, first: 2, last: 2 },
    ]);
  });

  it('is empty for no records', () => {
    expect(offsetSpans([])).toEqual([]);
  });
});
