import { formatBatchReport } from '../../../lib/offline/src/batch-log';
import { toLambdaKafkaRecord } from '../../../lib/offline/src/lambda-event';

const rec = (partition: number, offset: number) =>
  toLambdaKafkaRecord({ topic: 'bets', partition, offset, timestamp: 0 });

describe('the batch log line', () => {
  it('names function, topic-partitions with offset ranges, counts, duration and outcome', () => {
    const line = formatBatchReport('consumer', {
      records: [rec(0, 41), rec(0, 42), rec(3, 7)],
      ranges: [],
      filtered: 1,
      attempt: 2,
      durationMs: 12.4,
      outcome: 'error',
      detail: 'Error: boom\n  at x',
      next: 'retry in 200 ms',
    });
    expect(line).toBe(
      'consumer bets-0[41..42] bets-3[7] records=3 filtered=1 attempt=2 duration=12ms outcome=error (Error: boom at x) -> retry in 200 ms',
    );
  });

  it('shows the covered range of a filtered-only batch', () => {
    const line = formatBatchReport('consumer', {
      records: [],
      ranges: [{ key: 'bets-1', first: 3, last: 5 }],
      filtered: 3,
      attempt: 0,
      durationMs: 0,
      outcome: 'filtered',
    });
    expect(line).toBe('consumer bets-1[3..5] records=0 filtered=3 attempt=0 duration=0ms outcome=filtered');
  });
});
