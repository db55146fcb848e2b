import fc from 'fast-check';
import {
  type Batch,
  Batcher,
  EventSizer,
  MAX_PAYLOAD_BYTES,
  PREFETCH_BATCHES,
  PREFETCH_MIN_RECORDS,
} from '../../../lib/offline/src/batcher';
import {
  buildLambdaKafkaEvent,
  type LambdaKafkaRecord,
  toLambdaKafkaRecord,
} from '../../../lib/offline/src/lambda-event';

const meta = { source: 'kafka' as const, bootstrapServers: 'broker:9092' };

const rec = (partition: number, offset: number, value = `v${offset}`): LambdaKafkaRecord =>
  toLambdaKafkaRecord({ topic: 't', partition, offset, timestamp: 1000 + offset, key: `k${offset}`, value });

const range = (p: number, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => rec(p, from + i));

const batcher = (settings: Partial<ConstructorParameters<typeof Batcher>[0]> = {}) =>
  new Batcher({ batchSize: 100, windowMs: 500, meta, matches: () => true, ...settings });

const offsets = (batch: Batch | undefined) => batch?.records.map((r) => `${r.partition}@${r.offset}`);
const ranges = (batch: Batch | undefined) =>
  Object.fromEntries([...(batch?.ranges ?? [])].map(([key, r]) => [key, [r.first, r.last]]));

describe('cutting batches', () => {
  it('waits for the window when fewer than batchSize records are there', () => {
    const b = batcher({ batchSize: 10, windowMs: 500 });
    b.add(range(0, 0, 2), 1000);
    expect(b.cut(1499)).toBeUndefined();
    expect(b.nextDeadline()).toBe(1500);
    expect(offsets(b.cut(1500))).toEqual(['0@0', '0@1', '0@2']);
  });

  it('starts the window at the first record, not the last', () => {
    const b = batcher({ batchSize: 10, windowMs: 500 });
    b.add([rec(0, 0)], 1000);
    b.add([rec(0, 1)], 1400);
    expect(offsets(b.cut(1500))).toEqual(['0@0', '0@1']);
  });

  it('cuts at batchSize at once, the rest waits for its own window', () => {
    const b = batcher({ batchSize: 5, windowMs: 10_000 });
    b.add(range(0, 0, 11), 1000);
    const first = b.cut(1000);
    expect(offsets(first)).toEqual(['0@0', '0@1', '0@2', '0@3', '0@4']);
    // Same partition is in flight: nothing else until it completes.
    expect(b.cut(1000)).toBeUndefined();
    b.complete(first!);
    expect(offsets(b.cut(1001))).toEqual(['0@5', '0@6', '0@7', '0@8', '0@9']);
  });

  it('with window 0 delivers whatever is there immediately', () => {
    const b = batcher({ batchSize: 100, windowMs: 0 });
    b.add([rec(0, 0)], 1000);
    expect(offsets(b.cut(1000))).toEqual(['0@0']);
  });

  it('may put several partitions in one batch, each in offset order', () => {
    const b = batcher({ batchSize: 100, windowMs: 0 });
    b.add([rec(1, 5), rec(1, 6)], 1000);
    b.add([rec(0, 3)], 1001);
    const batch = b.cut(1002);
    expect(offsets(batch)).toEqual(['1@5', '1@6', '0@3']);
    expect(Object.keys(buildLambdaKafkaEvent(meta, batch!.records).records)).toEqual(['t-1', 't-0']);
  });

  it('keeps one batch in flight per partition while other partitions flow', () => {
    const b = batcher({ batchSize: 100, windowMs: 0 });
    b.add([rec(0, 0)], 1000);
    const first = b.cut(1000)!;
    b.add([rec(0, 1), rec(1, 0)], 1001);
    const second = b.cut(1001);
    expect(offsets(second)).toEqual(['1@0']);
    expect(b.cut(1001)).toBeUndefined();
    b.complete(first);
    expect(offsets(b.cut(1002))).toEqual(['0@1']);
  });

  it('fills a batch partition by partition, oldest first, up to batchSize', () => {
    const b = batcher({ batchSize: 4, windowMs: 0 });
    b.add(range(1, 0, 2), 1000);
    b.add(range(0, 0, 2), 1001);
    const batch = b.cut(1001);
    expect(offsets(batch)).toEqual(['1@0', '1@1', '1@2', '0@0']);
    expect(ranges(batch)).toEqual({ 't-1': [0, 2], 't-0': [0, 0] });
  });
});

describe('the 6 MB payload limit', () => {
  it('computes the exact size of the JSON event', () => {
    const sizer = new EventSizer(meta);
    const records = [rec(0, 0), rec(0, 1, 'ë€'), rec(3, 7)];
    const groups = new Map([
      ['t-0', [sizer.recordBytes(records[0]!), sizer.recordBytes(records[1]!)]],
      ['t-3', [sizer.recordBytes(records[2]!)]],
    ]);
    expect(sizer.total(groups)).toBe(Buffer.byteLength(JSON.stringify(buildLambdaKafkaEvent(meta, records))));
    expect(sizer.total(new Map())).toBe(Buffer.byteLength(JSON.stringify(buildLambdaKafkaEvent(meta, []))));
  });

  it('cuts before the limit and reports the event size', () => {
    const big = 'x'.repeat(1000);
    const b = batcher({ batchSize: 100, windowMs: 10_000, maxPayloadBytes: 3500 });
    b.add(
      range(0, 0, 4).map((r) => ({ ...r, value: big })),
      1000,
    );
    const batch = b.cut(1000)!;
    expect(batch.records).toHaveLength(3);
    expect(batch.payloadBytes).toBe(
      Buffer.byteLength(JSON.stringify(buildLambdaKafkaEvent(meta, batch.records))),
    );
    expect(batch.payloadBytes).toBeLessThanOrEqual(3500);
  });

  it('isolates a record that alone exceeds the limit as oversize', () => {
    const b = batcher({ batchSize: 100, windowMs: 0, maxPayloadBytes: 500 });
    b.add([rec(0, 0), { ...rec(0, 1), value: 'y'.repeat(600) }, rec(0, 2)], 1000);
    const first = b.cut(1000)!;
    expect(offsets(first)).toEqual(['0@0']);
    b.complete(first);
    const oversize = b.cut(1000)!;
    expect(oversize.oversize).toBe(true);
    expect(offsets(oversize)).toEqual(['0@1']);
    b.complete(oversize);
    expect(offsets(b.cut(1000))).toEqual(['0@2']);
  });

  it('is 6 MiB', () => {
    expect(MAX_PAYLOAD_BYTES).toBe(6 * 1024 * 1024);
  });
});

describe('filtered-out records', () => {
  const onlyEven = (r: LambdaKafkaRecord) => r.offset % 2 === 0;

  it('are not delivered, do not count toward batchSize, and are covered by the batch ranges', () => {
    const b = batcher({ batchSize: 2, windowMs: 10_000, matches: onlyEven });
    b.add(range(0, 0, 5), 1000);
    const batch = b.cut(1000);
    expect(offsets(batch)).toEqual(['0@0', '0@2']);
    // 1 and 3 lie below the next delivered record (4): committed with this batch.
    expect(ranges(batch)).toEqual({ 't-0': [0, 3] });
    expect(batch!.filtered).toBe(2);
  });

  it('a partition holding only filtered-out records is committed without an invocation', () => {
    const b = batcher({ batchSize: 10, windowMs: 10_000, matches: () => false });
    b.add(range(0, 0, 2), 1000);
    const batch = b.cut(1000)!;
    expect(batch.records).toEqual([]);
    expect(batch.filtered).toBe(3);
    expect(ranges(batch)).toEqual({ 't-0': [0, 2] });
  });

  it('trailing filtered-out records are committed with the last delivered one', () => {
    const b = batcher({ batchSize: 10, windowMs: 0, matches: (r) => r.offset === 0 });
    b.add(range(0, 0, 3), 1000);
    expect(ranges(b.cut(1000))).toEqual({ 't-0': [0, 3] });
  });
});

describe('fetch bookkeeping', () => {
  it('drops records it already holds when they are fetched again (after a rebalance)', () => {
    const b = batcher({ windowMs: 0 });
    expect(b.add(range(0, 0, 3), 1000)).toBe(4);
    expect(b.add(range(0, 0, 5), 1001)).toBe(2);
    expect(offsets(b.cut(1001))).toEqual(['0@0', '0@1', '0@2', '0@3', '0@4', '0@5']);
  });

  it('forgets revoked partitions but remembers what is in flight', () => {
    const b = batcher({ windowMs: 0 });
    b.add(range(0, 0, 1), 1000);
    const inFlight = b.cut(1000)!;
    b.add([rec(0, 2), rec(1, 0)], 1001);
    b.revoke(() => false);
    expect(b.waiting).toBe(0);
    b.add(range(0, 0, 2), 1002);
    b.complete(inFlight);
    expect(offsets(b.cut(1002))).toEqual(['0@2']);
  });

  it('accepts records again after a rewind', () => {
    const b = batcher({ windowMs: 0 });
    b.add(range(0, 0, 2), 1000);
    const batch = b.cut(1000)!;
    b.rewind('t-0', 0);
    b.complete(batch);
    expect(b.add(range(0, 0, 2), 1001)).toBe(3);
  });

  it('reports a partition as full at PREFETCH_MIN_RECORDS waiting records, or PREFETCH_BATCHES batches when larger', () => {
    const small = batcher({ batchSize: 3, windowMs: 10_000 });
    small.add(range(0, 0, PREFETCH_MIN_RECORDS - 2), 1000);
    expect(small.isFull('t', 0)).toBe(false);
    small.add([rec(0, PREFETCH_MIN_RECORDS - 1)], 1000);
    expect(small.isFull('t', 0)).toBe(true);
    const large = batcher({ batchSize: 1000, windowMs: 10_000 });
    large.add(range(0, 0, 1000 * PREFETCH_BATCHES - 2), 1000);
    expect(large.isFull('t', 0)).toBe(false);
    large.add([rec(0, 1000 * PREFETCH_BATCHES - 1)], 1000);
    expect(large.isFull('t', 0)).toBe(true);
  });

  it('takes the prefetch bound from the settings', () => {
    const b = batcher({ batchSize: 3, windowMs: 10_000, prefetchRecords: 3 * PREFETCH_BATCHES });
    b.add(range(0, 0, 3 * PREFETCH_BATCHES - 2), 1000);
    expect(b.isFull('t', 0)).toBe(false);
    b.add([rec(0, 3 * PREFETCH_BATCHES - 1)], 1000);
    expect(b.isFull('t', 0)).toBe(true);
    expect(b.isFull('t', 9)).toBe(false);
  });
});

describe('EventSizer.recordBytes', () => {
  const sizer = new EventSizer(meta);
  const base64 = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64'));
  const record = fc.record(
    {
      topic: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
      partition: fc.nat({ max: 10_000 }),
      offset: fc.maxSafeNat(),
      timestamp: fc.maxSafeNat(),
      timestampType: fc.constantFrom('CREATE_TIME' as const, 'LOG_APPEND_TIME' as const),
      key: base64,
      value: base64,
      headers: fc.array(
        fc
          .tuple(
            fc.string({ unit: 'grapheme', maxLength: 20 }),
            fc.array(fc.integer({ min: -128, max: 127 })),
          )
          .map(([name, bytes]) => ({ [name]: bytes })),
        { maxLength: 5 },
      ),
    },
    { requiredKeys: ['topic', 'partition', 'offset', 'timestamp', 'timestampType', 'headers'] },
  );

  it('measures any record exactly as its JSON serialisation, without serialising it', () => {
    fc.assert(
      fc.property(record, (r) => {
        expect(sizer.recordBytes(r)).toBe(Buffer.byteLength(JSON.stringify(r), 'utf8'));
      }),
      { numRuns: 2000 },
    );
  });
});
