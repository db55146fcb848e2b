/**
 * Turns the records an event source receives into Lambda batches, as AWS's Kafka event source
 * mapping does: a batch is cut when `batchSize` matching records wait, when the 6 MB payload
 * limit would be reached, or when the batching window (started by the oldest waiting record)
 * expires. A batch may hold several partitions, each in offset order, but a partition is in at
 * most one batch in flight. Filtered-out records are carried along so their offsets are
 * committed with the batch; a partition holding only filtered-out records is committed without
 * an invocation. Each partition's buffer and in-flight range live in its `Partition`; the batcher
 * decides what to take from which. Pure and clock-free: the runner passes `now`.
 */
import {
  buildLambdaKafkaEvent,
  type EventSourceMeta,
  type LambdaKafkaRecord,
  recordsKey,
} from './lambda-event';
import { type BufferedRecord, type BufferLimits, type Partition, Partitions } from './partition';

/** Lambda's synchronous invocation payload limit (6 MB), which bounds a Kafka batch. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** Filtered-out records kept per partition before it is paused, whatever the batch size. */
const MAX_BUFFERED_ENTRIES = 20_000;

/**
 * Full batches a partition may have waiting before it is paused: enough that the next fetch is back
 * before they are delivered (a resumed partition is only fetched again once the consumer's current
 * long-poll returns), few enough to bound memory and to stop fetching for a partition stuck in retries.
 */
export const PREFETCH_BATCHES = 4;

/**
 * Records a partition may have waiting before it is paused, whatever the batch size: a paused
 * partition is fetched again only after the consumer's current long-poll, so a buffer of a few small
 * batches ran dry every ~100 ms and the function waited on the fetch (the bench showed a third of
 * a batch-100 run in such gaps). 2 000 records are ~0.5 s of work at batch size 100.
 */
export const PREFETCH_MIN_RECORDS = 2000;

export interface BatcherSettings {
  batchSize: number;
  windowMs: number;
  meta: EventSourceMeta;
  matches(record: LambdaKafkaRecord): boolean;
  maxPayloadBytes?: number;
  /** Matching records waiting before a partition counts as full (default: see PREFETCH_MIN_RECORDS). */
  prefetchRecords?: number;
}

export interface PartitionRange {
  topic: string;
  partition: number;
  /** First and last offset covered, filtered-out records included. */
  first: number;
  last: number;
}

export interface Batch {
  id: number;
  /** The records to deliver, partition after partition, each in offset order. */
  records: LambdaKafkaRecord[];
  /** Per `"<topic>-<partition>"`: the offsets this batch covers; `last + 1` is committed when it is done. */
  ranges: Map<string, PartitionRange>;
  /** Covered records that did not match the filter. */
  filtered: number;
  /** Size of the JSON event for `records`. */
  payloadBytes: number;
  /** A single record larger than the payload limit: it cannot be delivered. */
  oversize: boolean;
}

type Entry = BufferedRecord;

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Characters of an integer written in JSON. */
const digitsOf = (n: number): number => {
  let digits = n < 0 ? 2 : 1;
  for (let rest = Math.abs(n); rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
  return digits;
};

const RECORD_FIELDS = new Set([
  'topic',
  'partition',
  'offset',
  'timestamp',
  'timestampType',
  'key',
  'value',
  'headers',
]);

/**
 * A record as toLambdaKafkaRecord builds it (header values are byte arrays, so integers), which
 * recordBytes can measure without serialising.
 */
const isPlainRecord = (record: LambdaKafkaRecord): boolean => {
  for (const field in record) if (!RECORD_FIELDS.has(field)) return false;
  return (
    Number.isSafeInteger(record.partition) &&
    Number.isSafeInteger(record.offset) &&
    Number.isSafeInteger(record.timestamp) &&
    Array.isArray(record.headers) &&
    record.headers.every(
      (h) => Object.keys(h).length === 1 && Object.values(h).every((v) => v.every(Number.isInteger)),
    )
  );
};

/** Exact byte size of the event built from records added one by one, partition by partition. */
export class EventSizer {
  readonly base: number;
  private readonly keyOverhead = new Map<string, number>();

  constructor(meta: EventSourceMeta) {
    this.base = jsonBytes(buildLambdaKafkaEvent(meta, []));
  }

  /** `"<key>":[` + `]`. */
  partitionOverhead(key: string): number {
    let bytes = this.keyOverhead.get(key);
    if (bytes === undefined) {
      bytes = jsonBytes(key) + 3;
      this.keyOverhead.set(key, bytes);
    }
    return bytes;
  }

  private readonly nameSizes = new Map<string, number>();

  /** `jsonBytes` of a topic or header name: a handful of names repeat on every record. */
  private nameBytes(name: string): number {
    let bytes = this.nameSizes.get(name);
    if (bytes === undefined) {
      bytes = jsonBytes(name);
      // Bounded: header names are the producers' choice.
      if (this.nameSizes.size < 1000) this.nameSizes.set(name, bytes);
    }
    return bytes;
  }

  /**
   * `jsonBytes(record)` without serialising: this runs for every record fetched. Records of another
   * shape (extra fields, non-integer numbers) are measured by serialising them.
   */
  recordBytes(record: LambdaKafkaRecord): number {
    if (!isPlainRecord(record)) return jsonBytes(record);
    let bytes = 10 + this.nameBytes(record.topic); // {"topic":…
    bytes += 13 + digitsOf(record.partition); // ,"partition":…
    bytes += 10 + digitsOf(record.offset); // ,"offset":…
    bytes += 13 + digitsOf(record.timestamp); // ,"timestamp":…
    bytes += 19 + record.timestampType.length; // ,"timestampType":"…"
    if (record.key !== undefined) bytes += 9 + record.key.length; // ,"key":"…" (base64: ASCII)
    if (record.value !== undefined) bytes += 11 + record.value.length; // ,"value":"…"
    bytes += 13; // ,"headers":[ … ]}
    record.headers.forEach((header, index) => {
      for (const name in header) {
        const values = header[name]!;
        bytes += (index > 0 ? 1 : 0) + 2 + this.nameBytes(name) + 1 + 2; // ,{"name":[…]}
        for (let i = 0; i < values.length; i += 1) bytes += (i > 0 ? 1 : 0) + digitsOf(values[i]!);
      }
    });
    return bytes;
  }

  /** Size of an event holding `groups` (record sizes per partition key). */
  total(groups: Map<string, number[]>): number {
    let bytes = this.base;
    let index = 0;
    for (const [key, sizes] of groups) {
      if (sizes.length === 0) continue;
      bytes +=
        (index > 0 ? 1 : 0) +
        this.partitionOverhead(key) +
        sizes.reduce((a, b) => a + b, 0) +
        sizes.length -
        1;
      index += 1;
    }
    return bytes;
  }
}

/**
 * The size `EventSizer.total` would give, kept up to date as records are appended partition after
 * partition: O(1) per record instead of re-summing the whole batch.
 */
class RunningSize {
  private bytes: number;
  private groups = 0;
  private group: string | undefined;

  constructor(private readonly sizer: EventSizer) {
    this.bytes = sizer.base;
  }

  get total(): number {
    return this.bytes;
  }

  /** The total if a record of `recordBytes` were appended to partition `key`. */
  with(key: string, recordBytes: number): number {
    if (key === this.group) return this.bytes + 1 + recordBytes;
    return this.bytes + (this.groups > 0 ? 1 : 0) + this.sizer.partitionOverhead(key) + recordBytes;
  }

  add(key: string, recordBytes: number): void {
    this.bytes = this.with(key, recordBytes);
    if (key !== this.group) {
      this.group = key;
      this.groups += 1;
    }
  }
}

export class Batcher {
  private readonly sizer: EventSizer;
  private readonly maxPayloadBytes: number;
  /** When a partition is paused: prefetchRecords matching records, 4 × 6 MB, or 20 000 entries. */
  readonly limits: BufferLimits;
  private nextId = 1;

  constructor(
    private readonly settings: BatcherSettings,
    readonly partitions: Partitions = new Partitions(),
  ) {
    this.sizer = new EventSizer(settings.meta);
    this.maxPayloadBytes = settings.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
    this.limits = {
      records:
        settings.prefetchRecords ?? Math.max(settings.batchSize * PREFETCH_BATCHES, PREFETCH_MIN_RECORDS),
      bytes: this.maxPayloadBytes * PREFETCH_BATCHES,
      entries: MAX_BUFFERED_ENTRIES,
    };
  }

  /** Buffer fetched records (already-seen offsets are ignored); returns how many were new. */
  add(records: readonly LambdaKafkaRecord[], now: number): number {
    let added = 0;
    let state: Partition | undefined;
    for (const record of records) {
      if (state?.topic !== record.topic || state.partition !== record.partition)
        state = this.partitions.of(record.topic, record.partition);
      // Checked before sizing and filtering: a re-fetch after a rebalance repeats many records.
      if (!state.isNew(record.offset)) continue;
      const accepted = state.accept({
        record,
        bytes: this.sizer.recordBytes(record),
        matched: this.settings.matches(record),
        arrivedAt: now,
      });
      if (accepted) added += 1;
    }
    return added;
  }

  /** The next batch to process, if one is due at `now`. Call until it returns undefined. */
  cut(now: number): Batch | undefined {
    return this.cutFilteredOnly() ?? this.cutDue(now);
  }

  /** When the next batch falls due by its window (undefined: nothing is waiting). */
  nextDeadline(): number | undefined {
    let deadline: number | undefined;
    for (const state of this.idlePartitionsWithMatches()) {
      const due = (this.firstMatch(state)?.arrivedAt ?? 0) + this.settings.windowMs;
      deadline = deadline === undefined ? due : Math.min(deadline, due);
    }
    return deadline;
  }

  /** The batch is finished (committed or abandoned): its partitions may be batched again. */
  complete(batch: Batch): void {
    for (const key of batch.ranges.keys()) this.partitions.finish(key);
  }

  /**
   * A rebalance: forget what waits for partitions no longer assigned to us. Offsets an in-flight
   * batch covers stay known so a re-fetch does not deliver them twice.
   */
  revoke(keep: (key: string) => boolean): void {
    this.partitions.rebalance(keep);
  }

  /** Forget what waits for the partition and accept it again from `offset` (after a seek back). */
  rewind(key: string, offset: number): void {
    this.partitions.get(key)?.rewind(offset);
  }

  /** Whether the partition has enough waiting (prefetchRecords, or 4 × 6 MB) that fetching more would only fill memory. */
  isFull(topic: string, partition: number): boolean {
    return this.partitions.get(recordsKey(topic, partition))?.isFull(this.limits) ?? false;
  }

  /** Records waiting (not in a batch yet). */
  get waiting(): number {
    return this.partitions.waiting;
  }

  private firstMatch(state: Partition): Entry | undefined {
    return state.waiting.find((e) => e.matched);
  }

  private *idlePartitionsWithMatches(): Generator<Partition> {
    for (const state of this.partitions.values()) {
      if (!state.busy && state.waiting.some((e) => e.matched)) yield state;
    }
  }

  private newBatch(): Batch {
    const id = this.nextId;
    this.nextId += 1;
    return { id, records: [], ranges: new Map(), filtered: 0, payloadBytes: 0, oversize: false };
  }

  /** `taken` is the head of the partition's buffer: it becomes the partition's range in flight. */
  private cover(batch: Batch, state: Partition, taken: readonly Entry[]): void {
    if (taken.length === 0) return;
    state.take(taken.length);
    const range = state.inFlight;
    if (!range) return;
    batch.ranges.set(state.key, { topic: state.topic, partition: state.partition, ...range });
  }

  /** Idle partitions that hold only filtered-out records: commit them, no invocation. */
  private cutFilteredOnly(): Batch | undefined {
    let batch: Batch | undefined;
    for (const state of this.partitions.values()) {
      if (state.busy || state.waiting.length === 0 || state.waiting.some((e) => e.matched)) continue;
      batch ??= this.newBatch();
      batch.filtered += state.waiting.length;
      this.cover(batch, state, state.waiting);
    }
    if (batch) batch.payloadBytes = this.sizer.total(new Map());
    return batch;
  }

  private isDue(now: number, candidates: Partition[]): boolean {
    let matched = 0;
    const size = new RunningSize(this.sizer);
    let oldest = Number.POSITIVE_INFINITY;
    for (const state of candidates) {
      oldest = Math.min(oldest, this.firstMatch(state)?.arrivedAt ?? oldest);
      if (now >= oldest + this.settings.windowMs) return true;
      for (const entry of state.waiting) {
        if (!entry.matched) continue;
        matched += 1;
        size.add(state.key, entry.bytes);
        // Stop at the first reason: the buffer may hold thousands of records.
        if (matched >= this.settings.batchSize || size.total >= this.maxPayloadBytes) return true;
      }
    }
    return false;
  }

  private cutDue(now: number): Batch | undefined {
    const candidates = [...this.idlePartitionsWithMatches()].sort(
      (a, b) =>
        (this.firstMatch(a)?.arrivedAt ?? 0) - (this.firstMatch(b)?.arrivedAt ?? 0) ||
        a.partition - b.partition,
    );
    if (candidates.length === 0 || !this.isDue(now, candidates)) return undefined;

    const batch = this.newBatch();
    let size = new RunningSize(this.sizer);
    let full = false;
    for (const state of candidates) {
      if (full) break;
      const taken: Entry[] = [];
      let pendingFiltered: Entry[] = [];
      let tookMatch = false;
      for (const entry of state.waiting) {
        if (!entry.matched) {
          pendingFiltered.push(entry);
          continue;
        }
        if (batch.records.length >= this.settings.batchSize) {
          full = true;
          break;
        }
        if (size.with(state.key, entry.bytes) > this.maxPayloadBytes) {
          full = true;
          if (batch.records.length === 0) {
            // Alone it is still too large: it is reported as oversize and never delivered.
            batch.oversize = true;
            batch.records.push(entry.record);
            size = new RunningSize(this.sizer);
            size.add(state.key, entry.bytes);
            taken.push(...pendingFiltered, entry);
            pendingFiltered = [];
            tookMatch = true;
          }
          break;
        }
        size.add(state.key, entry.bytes);
        taken.push(...pendingFiltered, entry);
        pendingFiltered = [];
        batch.records.push(entry.record);
        tookMatch = true;
      }
      if (!tookMatch) continue;
      // Filtered-out records right after the last delivered one are covered too (they are below
      // the next undelivered record, so committing past them loses nothing).
      taken.push(...pendingFiltered);
      batch.filtered += taken.filter((e) => !e.matched).length;
      this.cover(batch, state, taken);
    }
    batch.payloadBytes = size.total;
    return batch;
  }
}
