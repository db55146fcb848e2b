/**
 * One partition's state without a broker: buffer, in-flight range, pause/resume, commits, and the
 * decisions after a failed attempt.
 */
import { toLambdaKafkaRecord } from '../../../lib/offline/src/lambda-event';
import {
  type BufferedRecord,
  type BufferLimits,
  Partition,
  Partitions,
  RetryPolicy,
} from '../../../lib/offline/src/partition';

const TOPIC = 'bets';

const entry = (partition: number, offset: number, matched = true): BufferedRecord => ({
  record: toLambdaKafkaRecord({
    topic: TOPIC,
    partition,
    offset,
    timestamp: 1000,
    value: JSON.stringify({ n: offset }),
    headers: [],
  }),
  bytes: 100,
  matched,
  arrivedAt: 1000,
});

const fill = (state: Partition, from: number, count: number): number =>
  Array.from({ length: count }, (_, i) => state.accept(entry(state.partition, from + i))).filter(Boolean)
    .length;

const offsetsOf = (entries: readonly BufferedRecord[]): number[] => entries.map((e) => e.record.offset);

const limits: BufferLimits = { records: 4, bytes: 1_000_000, entries: 100 };

describe('Partition buffer and in-flight range', () => {
  it('takes the head of the buffer as the one range in flight, and refuses a second one', () => {
    const p = new Partition(TOPIC, 0);
    expect(fill(p, 0, 5)).toBe(5);
    expect(offsetsOf(p.take(3))).toEqual([0, 1, 2]);
    expect(p.inFlight).toEqual({ first: 0, last: 2 });
    expect(offsetsOf(p.waiting)).toEqual([3, 4]);
    expect(() => p.take(1)).toThrow('already has a batch in flight');
    p.finish();
    expect(p.busy).toBe(false);
    expect(offsetsOf(p.take(5))).toEqual([3, 4]);
  });

  it('drops re-fetched offsets it holds or has delivered, and accepts them again after a rewind', () => {
    const p = new Partition(TOPIC, 0);
    fill(p, 0, 4);
    p.take(2);
    expect(fill(p, 0, 6)).toBe(2);
    expect(offsetsOf(p.waiting)).toEqual([2, 3, 4, 5]);
    p.rewind(0);
    expect(p.waiting).toHaveLength(0);
    expect(fill(p, 0, 3)).toBe(3);
  });
});

describe('Partition backpressure', () => {
  it('pauses once when the buffer is full and resumes once when it is drained below the limit', () => {
    const p = new Partition(TOPIC, 0);
    fill(p, 0, 3);
    expect(p.flow(limits)).toBeUndefined();
    fill(p, 3, 2);
    expect(p.flow(limits)).toBe('pause');
    expect(p.paused).toBe(true);
    expect(p.flow(limits)).toBeUndefined();
    p.take(1);
    // Four matching records still wait: the limit, so it stays paused.
    expect(p.flow(limits)).toBeUndefined();
    p.finish();
    p.take(2);
    expect(p.flow(limits)).toBe('resume');
    expect(p.paused).toBe(false);
    expect(p.flow(limits)).toBeUndefined();
  });

  it('counts only matching records against the record limit, but every record against the entry limit', () => {
    const p = new Partition(TOPIC, 0);
    for (let offset = 0; offset < 10; offset += 1) p.accept(entry(0, offset, false));
    expect(p.isFull(limits)).toBe(false);
    expect(p.isFull({ ...limits, entries: 10 })).toBe(true);
    expect(p.isFull({ ...limits, bytes: 100 })).toBe(false);
    p.accept(entry(0, 10));
    expect(p.isFull({ ...limits, bytes: 100 })).toBe(true);
  });
});

describe('Partition commits', () => {
  it('queues commits only forward, coalesces them, and writes them in order', () => {
    const p = new Partition(TOPIC, 0);
    expect(p.succeeded(3)).toBe(true);
    expect(p.succeeded(5)).toBe(true);
    expect(p.succeeded(4)).toBe(false);
    expect(p.takeCommit()).toBe(5);
    expect(p.takeCommit()).toBeUndefined();
    // While 5 is on the wire, nothing at or below it is queued again.
    expect(p.succeeded(5)).toBe(false);
    expect(p.succeeded(8)).toBe(true);
    p.committedAt(5);
    expect(p.committed).toBe(5);
    expect(p.pendingCommit).toBe(8);
    expect(p.takeCommit()).toBe(8);
    p.committedAt(8);
    expect(p.committed).toBe(8);
  });

  it('gives one coalesced commit per partition for a commit request', () => {
    const all = new Partitions();
    all.of(TOPIC, 0);
    all.of(TOPIC, 1);
    all.succeeded(TOPIC, 0, 2);
    all.succeeded(TOPIC, 1, 7);
    all.succeeded(TOPIC, 0, 4);
    expect(all.hasPendingCommits).toBe(true);
    expect(all.takeCommits()).toEqual([
      { topic: TOPIC, partition: 0, offset: 4 },
      { topic: TOPIC, partition: 1, offset: 7 },
    ]);
    expect(all.hasPendingCommits).toBe(false);
    expect(all.takeCommits()).toEqual([]);
    // A partition we never held is not committed.
    expect(all.succeeded(TOPIC, 9, 1)).toBe(false);
  });
});

describe('Partitions on a rebalance', () => {
  it('revoked mid-batch: drops what waits and the queued commit, commits nothing for the batch, forgets it when done', () => {
    const all = new Partitions();
    const p0 = all.of(TOPIC, 0);
    const p1 = all.of(TOPIC, 1);
    fill(p0, 0, 4);
    fill(p1, 0, 2);
    p0.take(2);
    all.succeeded(TOPIC, 0, 1);
    all.rebalance((key) => key === `${TOPIC}-1`);
    expect(p0.assigned).toBe(false);
    expect(p0.waiting).toHaveLength(0);
    expect(p0.pendingCommit).toBeUndefined();
    // The in-flight batch of the revoked partition succeeds: its commit is dropped.
    expect(all.succeeded(TOPIC, 0, 2)).toBe(false);
    expect(all.takeCommits()).toEqual([]);
    all.finish(`${TOPIC}-0`);
    expect(all.get(`${TOPIC}-0`)).toBeUndefined();
    // The partition we kept is untouched.
    expect(offsetsOf(p1.waiting)).toEqual([0, 1]);
    expect(all.waiting).toBe(2);
  });

  it('forgets an idle revoked partition at once, and unpauses it', () => {
    const all = new Partitions();
    const p = all.of(TOPIC, 0);
    fill(p, 0, 5);
    expect(p.flow(limits)).toBe('pause');
    all.rebalance(() => false);
    expect(p.paused).toBe(false);
    expect(all.get(`${TOPIC}-0`)).toBeUndefined();
  });

  it('handed back before its batch ends: the re-fetch does not redeliver the batch, whose commit then counts', () => {
    const all = new Partitions();
    const p = all.of(TOPIC, 0);
    fill(p, 0, 4);
    p.take(2);
    all.rebalance(() => false);
    all.rebalance(() => true);
    expect(p.assigned).toBe(true);
    // The consumer re-fetches from the committed offset (0): 0 and 1 are in flight, 2 and 3 are new.
    expect(fill(p, 0, 4)).toBe(2);
    expect(all.succeeded(TOPIC, 0, 2)).toBe(true);
    all.finish(`${TOPIC}-0`);
    expect(all.get(`${TOPIC}-0`)).toBe(p);
    expect(all.takeCommits()).toEqual([{ topic: TOPIC, partition: 0, offset: 2 }]);
    expect(offsetsOf(p.take(2))).toEqual([2, 3]);
  });
});

describe('RetryPolicy', () => {
  const settings = { maximumRetryAttempts: 2, bisect: false, retryInitialDelayMs: 100, retryMaxDelayMs: 250 };

  it('retries with a doubling, capped backoff until maximumRetryAttempts is used up, then dead-letters', () => {
    const policy = new RetryPolicy(settings);
    expect(policy.afterFailure(1)).toEqual({ kind: 'retry', delayMs: 100 });
    expect(policy.afterFailure(2)).toEqual({ kind: 'retry', delayMs: 200 });
    expect(policy.afterFailure(3)).toEqual({ kind: 'dead-letter' });
  });

  it('dead-letters after the first failure with maximumRetryAttempts 0, and never with -1', () => {
    expect(new RetryPolicy({ ...settings, maximumRetryAttempts: 0 }).afterFailure(1)).toEqual({
      kind: 'dead-letter',
    });
    const forever = new RetryPolicy({ ...settings, maximumRetryAttempts: -1 });
    expect(forever.afterFailure(10_000)).toEqual({ kind: 'retry', delayMs: 250 });
  });

  it('bisects a failed invocation of several records only when asked, the first half the larger', () => {
    expect(new RetryPolicy(settings).bisect(5)).toBeUndefined();
    const bisecting = new RetryPolicy({ ...settings, bisect: true });
    expect(bisecting.bisect(5)).toBe(3);
    expect(bisecting.bisect(2)).toBe(1);
    expect(bisecting.bisect(1)).toBeUndefined();
  });
});
