/**
 * One assigned partition's state, owned in one place: the records fetched and waiting, the range in
 * flight (at most one batch per partition, as AWS), whether the consumer is paused on it, and its
 * commit position (the offset queued for the next commit request and the last one written). The
 * batcher cuts batches from these objects, the runner applies their pause/resume and commit decisions
 * to the consumer port, and the processor asks `RetryPolicy` what follows a failed attempt. Pure and
 * clock-free, so rebalances, revocation mid-batch, backpressure and commit ordering are unit-tested
 * here (test/unit/offline/partition.test.ts).
 */
import { type LambdaKafkaRecord, recordsKey } from './lambda-event';

/** A fetched record waiting for a batch. */
export interface BufferedRecord {
  record: LambdaKafkaRecord;
  /** Its size inside the JSON event. */
  bytes: number;
  /** Whether it matches the mapping's filter (non-matching ones are only committed). */
  matched: boolean;
  arrivedAt: number;
}

/** When a partition's buffer counts as full (the consumer is then paused on it). */
export interface BufferLimits {
  /** Matching records waiting. */
  records: number;
  /** Bytes of matching records waiting. */
  bytes: number;
  /** Records waiting, filtered-out ones included. */
  entries: number;
}

export interface OffsetRange {
  first: number;
  last: number;
}

/** What the consumer should do about a partition after its buffer changed. */
export type FlowChange = 'pause' | 'resume' | undefined;

export class Partition {
  readonly key: string;
  private buffer: BufferedRecord[] = [];
  /** The matched records waiting and their bytes, kept as records come and go: `isFull` runs per fetch. */
  private matchedWaiting = 0;
  private matchedWaitingBytes = 0;
  /** Highest offset accepted: anything at or below it is a re-fetch and is dropped. */
  private lastAccepted = -1;
  private inFlightRange: OffsetRange | undefined;
  private isPaused = false;
  private isAssigned = true;
  private queuedCommit: number | undefined;
  /** Highest offset handed to a commit request (queued offsets must go beyond it). */
  private sentCommit: number | undefined;
  private writtenCommit: number | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    this.key = recordsKey(topic, partition);
  }

  /** Records waiting for a batch, in offset order. */
  get waiting(): readonly BufferedRecord[] {
    return this.buffer;
  }

  /** The offsets of the batch in flight, if one is. */
  get inFlight(): OffsetRange | undefined {
    return this.inFlightRange;
  }

  get busy(): boolean {
    return this.inFlightRange !== undefined;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /** False from a revocation until the partition is handed back (or fetched again). */
  get assigned(): boolean {
    return this.isAssigned;
  }

  /** The next offset to commit, queued and not yet handed to a request. */
  get pendingCommit(): number | undefined {
    return this.queuedCommit;
  }

  /** The last offset a commit request wrote. */
  get committed(): number | undefined {
    return this.writtenCommit;
  }

  /** Whether a fetched record at `offset` would be accepted (not held or delivered already). */
  isNew(offset: number): boolean {
    return offset > this.lastAccepted;
  }

  /**
   * Take a fetched record; false for an offset already held or delivered (a re-fetch after a
   * rebalance or a seek). Records are only fetched for partitions the consumer holds, so a fetch
   * also means the partition is ours.
   */
  accept(entry: BufferedRecord): boolean {
    if (entry.record.offset <= this.lastAccepted) return false;
    this.isAssigned = true;
    this.buffer.push(entry);
    this.count(entry, 1);
    this.lastAccepted = entry.record.offset;
    return true;
  }

  /** Move the first `count` waiting records into the batch in flight. */
  take(count: number): BufferedRecord[] {
    if (this.inFlightRange) throw new Error(`${this.key} already has a batch in flight`);
    const taken = this.buffer.splice(0, count);
    const first = taken[0];
    const last = taken[taken.length - 1];
    if (!first || !last) return [];
    for (const entry of taken) this.count(entry, -1);
    this.inFlightRange = { first: first.record.offset, last: last.record.offset };
    return taken;
  }

  /** The batch in flight is finished (committed or abandoned): the partition may be batched again. */
  finish(): void {
    this.inFlightRange = undefined;
  }

  /**
   * The partition was taken away by a rebalance. What waits is dropped (the next owner fetches it
   * from the committed offset), nothing more is committed for it, and the consumer no longer pauses
   * it. The in-flight range stays known, so if the partition is handed back before the batch ends, the
   * re-fetch does not deliver those records twice.
   */
  revoke(): void {
    this.forgetWaiting();
    this.lastAccepted = this.inFlightRange?.last ?? -1;
    this.isAssigned = false;
    this.isPaused = false;
    this.queuedCommit = undefined;
  }

  /** Handed back by a rebalance. */
  assign(): void {
    this.isAssigned = true;
  }

  /** Forget what waits and accept records again from `offset` (the consumer seeks back there). */
  rewind(offset: number): void {
    this.forgetWaiting();
    this.lastAccepted = offset - 1;
  }

  /** Whether enough waits that fetching more would only fill memory. */
  isFull(limits: BufferLimits): boolean {
    return (
      this.buffer.length >= limits.entries ||
      this.matchedWaiting >= limits.records ||
      this.matchedWaitingBytes >= limits.bytes
    );
  }

  private count(entry: BufferedRecord, sign: 1 | -1): void {
    if (!entry.matched) return;
    this.matchedWaiting += sign;
    this.matchedWaitingBytes += sign * entry.bytes;
  }

  private forgetWaiting(): void {
    this.buffer = [];
    this.matchedWaiting = 0;
    this.matchedWaitingBytes = 0;
  }

  /** Pause when the buffer is full, resume once it is not: the change to apply to the consumer. */
  flow(limits: BufferLimits): FlowChange {
    const full = this.isFull(limits);
    if (full && !this.isPaused) {
      this.isPaused = true;
      return 'pause';
    }
    if (!full && this.isPaused) {
      this.isPaused = false;
      return 'resume';
    }
    return undefined;
  }

  /**
   * Records below `nextOffset` are done: queue that commit. Commits only move forward and coalesce
   * (one request carries the highest queued offset); a revoked partition commits nothing, since its
   * next owner may already have moved past it. False when nothing was queued.
   */
  succeeded(nextOffset: number): boolean {
    if (!this.isAssigned) return false;
    const ahead = this.queuedCommit ?? this.sentCommit ?? Number.NEGATIVE_INFINITY;
    if (nextOffset <= ahead) return false;
    this.queuedCommit = nextOffset;
    return true;
  }

  /** The offset for the next commit request, if one is queued; it is then no longer pending. */
  takeCommit(): number | undefined {
    const offset = this.queuedCommit;
    if (offset === undefined) return undefined;
    this.queuedCommit = undefined;
    this.sentCommit = offset;
    return offset;
  }

  /** A commit request wrote `offset`. */
  committedAt(offset: number): void {
    if (this.writtenCommit === undefined || offset > this.writtenCommit) this.writtenCommit = offset;
  }
}

export interface PartitionCommit {
  topic: string;
  partition: number;
  offset: number;
}

/** The partitions of one mapping, by `"<topic>-<partition>"`. */
export class Partitions {
  private readonly byKey = new Map<string, Partition>();

  get(key: string): Partition | undefined {
    return this.byKey.get(key);
  }

  /** The partition's state, created on its first fetched record. */
  of(topic: string, partition: number): Partition {
    const key = recordsKey(topic, partition);
    let state = this.byKey.get(key);
    if (!state) {
      state = new Partition(topic, partition);
      this.byKey.set(key, state);
    }
    return state;
  }

  values(): IterableIterator<Partition> {
    return this.byKey.values();
  }

  /**
   * A rebalance: the partitions `keep` accepts are (again) ours, the others are revoked. A revoked
   * partition with a batch in flight is kept until that batch finishes; the others are forgotten.
   */
  rebalance(keep: (key: string) => boolean): void {
    for (const [key, state] of this.byKey) {
      if (keep(key)) {
        state.assign();
        continue;
      }
      state.revoke();
      if (!state.busy) this.byKey.delete(key);
    }
  }

  /** The batch in flight on `key` is finished; a revoked partition is then forgotten. */
  finish(key: string): void {
    const state = this.byKey.get(key);
    if (!state) return;
    state.finish();
    if (!state.assigned) this.byKey.delete(key);
  }

  /** Queue a commit; false when it was dropped (revoked or not beyond what is already queued). */
  succeeded(topic: string, partition: number, nextOffset: number): boolean {
    return this.byKey.get(recordsKey(topic, partition))?.succeeded(nextOffset) ?? false;
  }

  /** Every queued commit, one per partition (the highest offset), for one commit request. */
  takeCommits(): PartitionCommit[] {
    const commits: PartitionCommit[] = [];
    for (const state of this.byKey.values()) {
      const offset = state.takeCommit();
      if (offset !== undefined) commits.push({ topic: state.topic, partition: state.partition, offset });
    }
    return commits;
  }

  get hasPendingCommits(): boolean {
    for (const state of this.byKey.values()) if (state.pendingCommit !== undefined) return true;
    return false;
  }

  /** Records waiting in every partition. */
  get waiting(): number {
    let count = 0;
    for (const state of this.byKey.values()) count += state.waiting.length;
    return count;
  }
}

/** The on-failure settings of a mapping, as `BatchProcessor` applies them. */
export interface RetrySettings {
  /** Retries after the first attempt; -1 = until success. */
  maximumRetryAttempts: number;
  bisect: boolean;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
}

export const backoffDelay = (failures: number, initialMs: number, maxMs: number): number =>
  Math.min(maxMs, initialMs * 2 ** Math.max(0, failures - 1));

/** What follows a failed attempt that is not split. */
export type FailureStep = { kind: 'retry'; delayMs: number } | { kind: 'dead-letter' };

/**
 * The decisions after a failed attempt: a failed invocation of several records is split in two when
 * bisecting (splitting does not use up retries; each half keeps its parent's failure count);
 * otherwise the records are retried after a backoff until `maximumRetryAttempts` is used up, then
 * handed to the on-failure destination and committed.
 */
export class RetryPolicy {
  constructor(private readonly settings: RetrySettings) {}

  /** The size of the first half when records of a failed invocation are bisected, else undefined. */
  bisect(records: number): number | undefined {
    return this.settings.bisect && records > 1 ? Math.ceil(records / 2) : undefined;
  }

  /** `failures`: failed attempts of these records so far, this one included. */
  afterFailure(failures: number): FailureStep {
    const { maximumRetryAttempts, retryInitialDelayMs, retryMaxDelayMs } = this.settings;
    if (maximumRetryAttempts >= 0 && failures > maximumRetryAttempts) return { kind: 'dead-letter' };
    return { kind: 'retry', delayMs: backoffDelay(failures, retryInitialDelayMs, retryMaxDelayMs) };
  }
}
