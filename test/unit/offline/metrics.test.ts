import { toLambdaKafkaRecord } from '../../../lib/offline/src/lambda-event';
import { formatMetrics, MappingMetrics } from '../../../lib/offline/src/metrics';
import type { BatchReport } from '../../../lib/offline/src/processor';

const records = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    toLambdaKafkaRecord({ topic: 't', partition: 0, offset: i, timestamp: 1, value: 'x', headers: [] }),
  );

const report = (over: Partial<BatchReport>): BatchReport => ({
  records: records(3),
  ranges: [],
  filtered: 0,
  attempt: 1,
  durationMs: 1,
  outcome: 'ok',
  ...over,
});

describe('metricsConfig: per-mapping metrics', () => {
  it('counts polled, filtered, invoked, failed and dropped events, errors, and the offset lag', () => {
    const m = new MappingMetrics(['EventCount', 'ErrorCount', 'KafkaMetrics']);
    m.fetched(0, 10, 10);
    m.fetched(1, 5, 8);
    m.committedAt(0, 4);
    m.batch(report({ filtered: 2 }));
    m.batch(report({ outcome: 'error', next: 'retry in 1000 ms' }));
    m.batch(report({ outcome: 'error', attempt: 2, next: 'retries exhausted (1), sent to kafka://dlq' }));
    m.batch(report({ outcome: 'expired', records: records(1) }));
    expect(m.snapshot()).toEqual({
      PolledEventCount: 15,
      FilteredOutEventCount: 2,
      InvokedEventCount: 9,
      FailedInvokeEventCount: 6,
      DroppedEventCount: 4,
      ErrorCount: 2,
      OffsetLag: 6 + 8,
    });
    m.revoked(1);
    expect(m.snapshot().OffsetLag).toBe(6);
  });

  it('reports only the groups turned on', () => {
    const m = new MappingMetrics(['ErrorCount']);
    m.batch(report({ outcome: 'timeout' }));
    expect(m.snapshot()).toEqual({ ErrorCount: 1 });
    expect(formatMetrics('fn#0', m.snapshot())).toBe('metrics fn#0 ErrorCount=1');
  });
});
