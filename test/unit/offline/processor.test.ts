import {
  flattenRecords,
  type LambdaKafkaEvent,
  type LambdaKafkaRecord,
  toLambdaKafkaRecord,
} from '../../../lib/kafka';
import type { Batch } from '../../../lib/offline/src/batcher';
import type { FailedRecords } from '../../../lib/offline/src/failure-record';
import type { InvocationResult } from '../../../lib/offline/src/invoker';
import {
  BatchProcessor,
  type BatchReport,
  backoffDelay,
  type CommitOffset,
  type ProcessorSettings,
} from '../../../lib/offline/src/processor';

const NOW = 1_800_000_000_000;
const meta = { source: 'kafka' as const, bootstrapServers: 'b:9092' };

const rec = (partition: number, offset: number, timestamp = NOW): LambdaKafkaRecord =>
  toLambdaKafkaRecord({ topic: 't', partition, offset, timestamp, value: `v${offset}` });

function batchOf(records: LambdaKafkaRecord[], extra: Partial<Batch> = {}): Batch {
  const ranges = new Map<string, { topic: string; partition: number; first: number; last: number }>();
  for (const r of records) {
    const key = `t-${r.partition}`;
    const current = ranges.get(key);
    ranges.set(key, {
      topic: 't',
      partition: r.partition,
      first: current?.first ?? r.offset,
      last: r.offset,
    });
  }
  return { id: 1, records, ranges, filtered: 0, payloadBytes: 100, oversize: false, ...extra };
}

type Responder = (event: LambdaKafkaEvent, call: number) => InvocationResult;

const ok = (response?: unknown): InvocationResult => ({ ok: true, response, durationMs: 5 });
const boom = (): InvocationResult => ({
  ok: false,
  errorType: 'Error',
  errorMessage: 'boom',
  timedOut: false,
  durationMs: 5,
});
const timeout = (): InvocationResult => ({
  ok: false,
  errorType: 'Sandbox.Timedout',
  errorMessage: '[504] - Lambda timeout.',
  timedOut: true,
  durationMs: 1000,
});

function harness(
  settings: Partial<ProcessorSettings>,
  respond: Responder,
  opts: { stopAfterSleeps?: number } = {},
) {
  const invocations: string[][] = [];
  const commits: CommitOffset[][] = [];
  const failed: FailedRecords[] = [];
  const sleeps: number[] = [];
  const reports: BatchReport[] = [];
  let stopping = false;
  const processor = new BatchProcessor(
    {
      meta,
      maximumRetryAttempts: -1,
      maximumRecordAgeSeconds: -1,
      bisect: false,
      reportBatchItemFailures: false,
      retryInitialDelayMs: 100,
      retryMaxDelayMs: 1000,
      ...settings,
    },
    {
      invoke: async (event) => {
        invocations.push(flattenRecords(event).map((r) => `${r.partition}@${r.offset}`));
        return respond(event, invocations.length);
      },
      commit: async (offsets) => {
        commits.push(offsets);
      },
      fail: async (f) => {
        failed.push(f);
        return true;
      },
      sleep: async (ms) => {
        sleeps.push(ms);
        if (opts.stopAfterSleeps !== undefined && sleeps.length >= opts.stopAfterSleeps) stopping = true;
        return !stopping;
      },
      now: () => NOW,
      stopping: () => stopping,
      report: (r) => reports.push(r),
      destination: 'kafka://dlq',
    },
  );
  const committed = () =>
    Object.fromEntries(commits.flat().map((c) => [`${c.topic}-${c.partition}`, c.offset]));
  return { processor, invocations, commits, failed, sleeps, reports, committed };
}

describe('default error handling (no retry controls)', () => {
  it('commits after a successful invocation, one past the last offset of each partition', async () => {
    const h = harness({}, () => ok());
    expect(await h.processor.process(batchOf([rec(0, 4), rec(0, 5), rec(1, 9)]))).toBe('done');
    expect(h.invocations).toEqual([['0@4', '0@5', '1@9']]);
    expect(h.committed()).toEqual({ 't-0': 6, 't-1': 10 });
    expect(h.reports.map((r) => r.outcome)).toEqual(['ok']);
  });

  it('retries the whole batch with exponential backoff until it succeeds, committing only then', async () => {
    const h = harness({}, (_e, call) => (call <= 4 ? boom() : ok()));
    expect(await h.processor.process(batchOf([rec(0, 0), rec(0, 1)]))).toBe('done');
    expect(h.invocations).toEqual(Array(5).fill(['0@0', '0@1']));
    expect(h.sleeps).toEqual([100, 200, 400, 800]);
    // One commit, after the success: none while it failed, and not the same offsets twice.
    expect(h.commits).toEqual([[{ topic: 't', partition: 0, offset: 2 }]]);
    expect(h.reports.map((r) => r.next)).toEqual([
      'retry in 100 ms',
      'retry in 200 ms',
      'retry in 400 ms',
      'retry in 800 ms',
      undefined,
    ]);
  });

  it('treats a timeout as a failure', async () => {
    const h = harness({}, (_e, call) => (call === 1 ? timeout() : ok()));
    await h.processor.process(batchOf([rec(0, 0)]));
    expect(h.reports[0]).toMatchObject({
      outcome: 'timeout',
      detail: expect.stringContaining('Lambda timeout'),
    });
    expect(h.invocations).toHaveLength(2);
  });

  it('abandons the batch without committing when stopped while retrying', async () => {
    const h = harness({}, () => boom(), { stopAfterSleeps: 2 });
    expect(await h.processor.process(batchOf([rec(0, 0)]))).toBe('abandoned');
    expect(h.commits).toEqual([]);
    expect(h.failed).toEqual([]);
  });

  it('ignores the response unless ReportBatchItemFailures is enabled', async () => {
    const h = harness({}, () =>
      ok({ batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 0 } }] }),
    );
    await h.processor.process(batchOf([rec(0, 0)]));
    expect(h.invocations).toHaveLength(1);
    expect(h.committed()).toEqual({ 't-0': 1 });
  });

  it('caps the backoff', () => {
    expect(backoffDelay(1, 1000, 30_000)).toBe(1000);
    expect(backoffDelay(5, 1000, 30_000)).toBe(16_000);
    expect(backoffDelay(20, 1000, 30_000)).toBe(30_000);
  });
});

describe('maximumRetryAttempts', () => {
  it('retries N times, then sends the records to the destination and commits past them', async () => {
    const h = harness({ maximumRetryAttempts: 2 }, () => boom());
    expect(await h.processor.process(batchOf([rec(0, 0), rec(0, 1)]))).toBe('done');
    expect(h.invocations).toHaveLength(3);
    expect(h.failed).toEqual([
      expect.objectContaining({
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
        lastResponse: { functionError: 'Unhandled' },
      }),
    ]);
    expect(h.failed[0]!.records.map((r) => r.offset)).toEqual([0, 1]);
    expect(h.committed()).toEqual({ 't-0': 2 });
    expect(h.reports.at(-1)?.next).toBe('retries exhausted (2), sent to kafka://dlq');
  });

  it('0 means no retry at all', async () => {
    const h = harness({ maximumRetryAttempts: 0 }, () => boom());
    await h.processor.process(batchOf([rec(0, 0)]));
    expect(h.invocations).toHaveLength(1);
    expect(h.failed).toHaveLength(1);
  });
});

describe('bisectBatchOnFunctionError', () => {
  const poisonAt =
    (offset: number): Responder =>
    (event) =>
      flattenRecords(event).some((r) => r.offset === offset) ? boom() : ok();

  it('splits a failing batch until the poison record is alone; the others are delivered in order', async () => {
    const h = harness({ bisect: true, maximumRetryAttempts: 1 }, poisonAt(2));
    expect(await h.processor.process(batchOf([0, 1, 2, 3, 4].map((o) => rec(0, o))))).toBe('done');
    expect(h.invocations).toEqual([
      ['0@0', '0@1', '0@2', '0@3', '0@4'],
      ['0@0', '0@1', '0@2'],
      ['0@0', '0@1'],
      ['0@2'],
      ['0@2'],
      ['0@3', '0@4'],
    ]);
    // Splitting does not use up the retry: the lone poison record still gets its retry.
    expect(h.failed.map((f) => f.records.map((r) => r.offset))).toEqual([[2]]);
    expect(h.committed()).toEqual({ 't-0': 5 });
    const committedOffsets = h.commits.flat().map((c) => c.offset);
    expect(committedOffsets).toEqual([...committedOffsets].sort((a, b) => a - b));
  });

  it('without a retry limit keeps retrying the poison record alone and commits what precedes it', async () => {
    const h = harness({ bisect: true }, poisonAt(1), { stopAfterSleeps: 3 });
    expect(await h.processor.process(batchOf([0, 1, 2].map((o) => rec(0, o))))).toBe('abandoned');
    expect(h.committed()).toEqual({ 't-0': 1 });
    expect(h.invocations.slice(-3)).toEqual([['0@1'], ['0@1'], ['0@1']]);
  });
});

describe('ReportBatchItemFailures', () => {
  const partial = (failures: { partition: string; offset: number }[]) =>
    ok({ batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) });

  it('commits up to the lowest failed offset per reported partition and retries from there', async () => {
    const h = harness({ reportBatchItemFailures: true }, (_e, call) =>
      call === 1
        ? partial([
            { partition: 't-0', offset: 2 },
            { partition: 't-0', offset: 3 },
          ])
        : ok(),
    );
    const batch = batchOf([rec(0, 0), rec(0, 1), rec(0, 2), rec(0, 3), rec(0, 4), rec(1, 7)]);
    expect(await h.processor.process(batch)).toBe('done');
    expect(h.invocations).toEqual([
      ['0@0', '0@1', '0@2', '0@3', '0@4', '1@7'],
      ['0@2', '0@3', '0@4'],
    ]);
    expect(h.commits[0]).toEqual(
      expect.arrayContaining([
        { topic: 't', partition: 1, offset: 8 },
        { topic: 't', partition: 0, offset: 2 },
      ]),
    );
    expect(h.committed()).toEqual({ 't-0': 5, 't-1': 8 });
    expect(h.reports[0]).toMatchObject({ outcome: 'partial', next: 'retry in 100 ms' });
  });

  it('an empty list or null means success', async () => {
    for (const response of [null, undefined, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      const h = harness({ reportBatchItemFailures: true }, () => ok(response));
      await h.processor.process(batchOf([rec(0, 0)]));
      expect(h.invocations).toHaveLength(1);
    }
  });

  it('an identifier not in the batch fails the whole batch', async () => {
    const h = harness({ reportBatchItemFailures: true }, (_e, call) =>
      call === 1 ? partial([{ partition: 't-0', offset: 99 }]) : ok(),
    );
    await h.processor.process(batchOf([rec(0, 0), rec(0, 1)]));
    expect(h.invocations).toEqual([
      ['0@0', '0@1'],
      ['0@0', '0@1'],
    ]);
    expect(h.reports[0]).toMatchObject({ outcome: 'invalid-response', detail: 't-0@99 is not in the batch' });
  });

  it('counts reported failures against maximumRetryAttempts and hands the rest to the destination', async () => {
    const h = harness({ reportBatchItemFailures: true, maximumRetryAttempts: 1 }, () =>
      partial([{ partition: 't-0', offset: 1 }]),
    );
    await h.processor.process(batchOf([rec(0, 0), rec(0, 1), rec(0, 2)]));
    expect(h.invocations).toEqual([
      ['0@0', '0@1', '0@2'],
      ['0@1', '0@2'],
    ]);
    expect(h.failed).toEqual([expect.objectContaining({ condition: 'RetriesExhausted', lastResponse: {} })]);
    expect(h.failed[0]!.records.map((r) => r.offset)).toEqual([1, 2]);
    expect(h.committed()).toEqual({ 't-0': 3 });
  });
});

describe('bisect with a partial response', () => {
  it('retries from the reported offset without splitting further', async () => {
    const h = harness({ reportBatchItemFailures: true, bisect: true }, (_e, call) =>
      call === 1 ? ok({ batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 1 } }] }) : ok(),
    );
    await h.processor.process(batchOf([rec(0, 0), rec(0, 1), rec(0, 2), rec(0, 3)]));
    expect(h.invocations).toEqual([
      ['0@0', '0@1', '0@2', '0@3'],
      ['0@1', '0@2', '0@3'],
    ]);
    expect(h.committed()).toEqual({ 't-0': 4 });
  });
});

describe('maximumRecordAgeInSeconds', () => {
  it('never delivers records older than the limit: destination, then committed', async () => {
    const h = harness({ maximumRecordAgeSeconds: 60 }, () => ok());
    const old = rec(0, 0, NOW - 61_000);
    const fresh = rec(0, 1, NOW - 59_000);
    await h.processor.process(batchOf([old, fresh]));
    expect(h.invocations).toEqual([['0@1']]);
    expect(h.failed).toEqual([
      expect.objectContaining({ condition: 'RecordAgeExceeded', approximateInvokeCount: 0 }),
    ]);
    expect(h.failed[0]!.records).toEqual([old]);
    expect(h.committed()).toEqual({ 't-0': 2 });
    expect(h.reports.map((r) => r.outcome)).toEqual(['expired', 'ok']);
  });

  it('a batch entirely expired is committed without an invocation', async () => {
    const h = harness({ maximumRecordAgeSeconds: 60 }, () => ok());
    await h.processor.process(batchOf([rec(0, 0, 0), rec(0, 1, 0)]));
    expect(h.invocations).toEqual([]);
    expect(h.committed()).toEqual({ 't-0': 2 });
  });
});

describe('batches that are not invoked', () => {
  it('a filtered-only batch is committed', async () => {
    const h = harness({}, () => ok());
    const batch: Batch = {
      ...batchOf([]),
      ranges: new Map([['t-0', { topic: 't', partition: 0, first: 3, last: 5 }]]),
      filtered: 3,
    };
    expect(await h.processor.process(batch)).toBe('done');
    expect(h.invocations).toEqual([]);
    expect(h.committed()).toEqual({ 't-0': 6 });
    expect(h.reports[0]).toMatchObject({ outcome: 'filtered', filtered: 3 });
  });

  it('an oversize record goes to the destination as MaximumPayloadSizeExceeded', async () => {
    const h = harness({}, () => ok());
    await h.processor.process(batchOf([rec(0, 0)], { oversize: true, payloadBytes: 7_000_000 }));
    expect(h.invocations).toEqual([]);
    expect(h.failed).toEqual([expect.objectContaining({ condition: 'MaximumPayloadSizeExceeded' })]);
    expect(h.committed()).toEqual({ 't-0': 1 });
  });
});
