import { randomUUID } from 'node:crypto';
import { InvalidTopicError, ValidationError } from '../errors';
import { DeadLetter } from '../events';
import {
  assertValidTopicName,
  createTopics,
  type FetchedRecord,
  type FetchRange,
  type IHeaders,
  listOffsets,
  readRanges,
  sendMessages,
  topicPartitions,
} from '../kafka';

/**
 * Redrive: put dead letters' original records back on their source topics, each exactly once.
 *
 * What was redriven is kept in a ledger, a compacted single-partition Kafka topic keyed by the dead
 * letter's coordinates (`<dlq>/<partition>/<offset>`), rather than in a header on the redriven
 * record found by scanning: the ledger is read whole in one Fetch however large the source topics
 * grow, it survives any container, and compaction keeps one entry per redriven dead letter. Each
 * dead letter goes through two ledger entries:
 *
 * 1. `claimed` (with the source partition's end offset at that moment), written before producing.
 *    All ledger entries share one partition, so the log orders concurrent redrives: the first claim
 *    of a dead letter wins and a later claimer skips it (`in_progress`).
 * 2. `done` (with where the record landed), written after the broker acknowledged the original.
 *
 * A redrive that died between the two leaves a claim without `done`. Once the claim is older than
 * CLAIM_EXPIRY_MS (no live redrive takes that long), the next redrive looks for the record in the
 * source partition after the claim's end offset, by the `redrive-of` header every redriven record
 * carries: found, it completes the ledger and skips it; not found, it redrives it. Without Kafka
 * transactions this is the one window left: a redrive slower than CLAIM_EXPIRY_MS between claiming
 * and producing could be doubled by a second one started after the expiry.
 */

export type RedriveSelection =
  | 'all'
  | { event_ids: string[] }
  /** Dead-letter offsets `from` to `to`, both included, of one partition of the dead-letter topic. */
  | { partition: number; from: number; to: number };

export interface RedriveRequest {
  dlqTopic: string;
  select: RedriveSelection;
  dryRun?: boolean;
  /** The ledger topic (default `ops_redrive_ledger`; tests use their own). */
  ledgerTopic?: string;
}

export interface RedriveItem {
  dead_letter_id: string | null;
  event_id: string | null;
  dlq_partition: number;
  dlq_offset: number;
  source_topic: string | null;
  source_partition: number | null;
  /** Where the redriven record landed (absent in a dry run and for skipped dead letters). */
  source_offset?: number;
}

export type SkipReason =
  /** A previous redrive already put it back. */
  | 'already_redriven'
  /** Another redrive has claimed it and is putting it back now. */
  | 'in_progress'
  /** The record in the dead-letter topic is not a dead letter a stage wrote: nothing to redrive. */
  | 'not_a_dead_letter';

export interface RedriveResult {
  dlq_topic: string;
  dry_run: boolean;
  /** Dead letters the selection matched. */
  selected: number;
  /** Put back on their source topic by this call; in a dry run, what would be. */
  redriven: RedriveItem[];
  skipped: (RedriveItem & { reason: SkipReason })[];
}

export const DEFAULT_LEDGER_TOPIC = 'ops_redrive_ledger';
export const REDRIVE_HEADER = 'redrive-of';
export const CLAIM_EXPIRY_MS = 60_000;

interface LedgerEntry {
  state: 'claimed' | 'done';
  claim_id: string;
  at: number;
  source_topic: string;
  source_partition: number;
  /** The source partition's end offset when claimed: a redriven record is at or after it. */
  source_end_at_claim: number;
  source_offset?: number;
}

interface Letter {
  record: FetchedRecord;
  letter: DeadLetter;
  ledgerKey: string;
}

const DLQ_SUFFIX = '_dlq';

const ledgerKeyOf = (record: FetchedRecord): string => `${record.topic}/${record.partition}/${record.offset}`;

/** A dead letter's text back to the original bytes (`utf8` text, or `base64` for other bytes). */
const decoded = (text: string, encoding: 'utf8' | 'base64'): Buffer => Buffer.from(text, encoding);

const originalValue = (letter: DeadLetter): Buffer | null =>
  letter.value === null ? null : decoded(letter.value, letter.value_encoding);

/**
 * The headers the record was written with, then the redrive's own. kafkajs writes a repeated name's
 * values together, at the name's first position (`a, dup, b, dup` goes back as `a, dup, dup, b`).
 */
function redriveHeaders(letter: DeadLetter, ledgerKey: string): IHeaders {
  const headers: IHeaders = {};
  for (const { name, value, value_encoding } of letter.headers ?? []) {
    const bytes = decoded(value, value_encoding);
    const seen = headers[name];
    headers[name] = seen === undefined ? bytes : [...(Array.isArray(seen) ? seen : [seen]), bytes];
  }
  headers[REDRIVE_HEADER] = ledgerKey;
  headers['dead-letter-id'] = letter.dead_letter_id;
  return headers;
}

function item(entry: Letter | FetchedRecord, sourceOffset?: number): RedriveItem {
  const record = 'record' in entry ? entry.record : entry;
  const letter = 'letter' in entry ? entry.letter : undefined;
  return {
    dead_letter_id: letter?.dead_letter_id ?? null,
    event_id: letter?.event_id ?? null,
    dlq_partition: record.partition,
    dlq_offset: Number(record.offset),
    source_topic: letter?.topic ?? null,
    source_partition: letter?.partition ?? null,
    ...(sourceOffset !== undefined && { source_offset: sourceOffset }),
  };
}

function parseLetter(record: FetchedRecord): DeadLetter | undefined {
  try {
    const parsed = DeadLetter.safeParse(JSON.parse(record.value?.toString('utf8') ?? 'null'));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function wholePartitions(topic: string, partitions: number[]): Promise<FetchRange[]> {
  const [starts, ends] = await listOffsets({ [topic]: partitions }, ['earliest', 'latest']);
  return partitions.map((partition) => ({
    topic,
    partition,
    from: starts?.find((o) => o.partition === partition)?.offset ?? '0',
    to: ends?.find((o) => o.partition === partition)?.offset ?? '0',
  }));
}

async function selectedRanges(
  dlqTopic: string,
  partitions: number[],
  select: RedriveSelection,
): Promise<FetchRange[]> {
  const whole = await wholePartitions(dlqTopic, partitions);
  if (select === 'all' || 'event_ids' in select) return whole;
  const { partition, from, to } = select;
  const range = whole.find((r) => r.partition === partition);
  if (!range) {
    throw new ValidationError(`${dlqTopic} has no partition ${partition}`, [
      { path: 'partition', message: `must be one of ${partitions.join(', ')}` },
    ]);
  }
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from) {
    throw new ValidationError('from and to must be offsets with from ≤ to', [
      { path: 'from', message: 'must be a non-negative integer not above to' },
    ]);
  }
  return [
    {
      ...range,
      from: String(Math.max(Number(range.from), from)),
      to: String(Math.min(Number(range.to), to + 1)),
    },
  ];
}

async function readLedger(ledgerTopic: string): Promise<{ entries: FetchedRecord[]; end: string }> {
  await createTopics([
    {
      topic: ledgerTopic,
      partitions: 1,
      configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '3600000' },
    },
  ]);
  const [range] = await wholePartitions(ledgerTopic, [0]);
  if (!range) return { entries: [], end: '0' };
  return { entries: await readRanges([range]), end: range.to };
}

const parseEntry = (record: FetchedRecord): LedgerEntry | undefined => {
  try {
    return JSON.parse(record.value?.toString('utf8') ?? '') as LedgerEntry;
  } catch {
    return undefined;
  }
};

const entryMessage = (key: string, entry: LedgerEntry) => ({ key, value: JSON.stringify(entry) });

/** Whether a record carrying `redrive-of: <ledgerKey>` is in the source partition after the claim. */
async function foundInSource(key: string, entry: LedgerEntry): Promise<number | undefined> {
  const [end] = await listOffsets({ [entry.source_topic]: [entry.source_partition] }, ['latest']);
  const records = await readRanges([
    {
      topic: entry.source_topic,
      partition: entry.source_partition,
      from: String(entry.source_end_at_claim),
      to: end?.[0]?.offset ?? String(entry.source_end_at_claim),
    },
  ]);
  const match = records.find((r) => {
    const header = r.headers[REDRIVE_HEADER];
    const value = Array.isArray(header) ? header[0] : header;
    return value !== undefined && value.toString() === key;
  });
  return match ? Number(match.offset) : undefined;
}

// One redrive at a time in a container; across containers the ledger's first claim decides.
let queue: Promise<unknown> = Promise.resolve();

export function redrive(request: RedriveRequest): Promise<RedriveResult> {
  const turn = queue.then(() => redriveAlone(request));
  queue = turn.catch(() => undefined);
  return turn;
}

async function redriveAlone({
  dlqTopic,
  select,
  dryRun = false,
  ledgerTopic = DEFAULT_LEDGER_TOPIC,
}: RedriveRequest): Promise<RedriveResult> {
  assertValidTopicName(dlqTopic);
  if (!dlqTopic.endsWith(DLQ_SUFFIX) || dlqTopic === DLQ_SUFFIX) {
    throw new InvalidTopicError(
      dlqTopic,
      `is not a dead-letter topic (only <topic>${DLQ_SUFFIX} can be redriven)`,
    );
  }
  const partitions = (await topicPartitions([dlqTopic]))[dlqTopic] ?? [];
  const records = await readRanges(await selectedRanges(dlqTopic, partitions, select));

  const wanted = typeof select === 'object' && 'event_ids' in select ? new Set(select.event_ids) : undefined;
  const letters: Letter[] = [];
  const skipped: RedriveResult['skipped'] = [];
  for (const record of records) {
    const letter = parseLetter(record);
    if (wanted && !(letter && (wanted.has(letter.event_id ?? '') || wanted.has(letter.dead_letter_id))))
      continue;
    if (letter) letters.push({ record, letter, ledgerKey: ledgerKeyOf(record) });
    else skipped.push({ ...item(record), reason: 'not_a_dead_letter' });
  }
  // Unknown source topics fail the whole call (404) before anything is produced.
  const sourceTopics = [...new Set(letters.map((l) => l.letter.topic))];
  if (sourceTopics.length > 0) await topicPartitions(sourceTopics);

  const { entries, end: ledgerEnd } = await readLedger(ledgerTopic);
  const latest = new Map<string, LedgerEntry>();
  for (const record of entries) {
    const entry = parseEntry(record);
    if (entry && record.key) latest.set(record.key.toString(), entry);
  }

  const candidates: Letter[] = [];
  const completions: { key: string; entry: LedgerEntry }[] = [];
  for (const letter of letters) {
    const entry = latest.get(letter.ledgerKey);
    if (entry?.state === 'done') {
      skipped.push({ ...item(letter, entry.source_offset), reason: 'already_redriven' });
    } else if (entry?.state === 'claimed' && Date.now() - entry.at < CLAIM_EXPIRY_MS) {
      skipped.push({ ...item(letter), reason: 'in_progress' });
    } else if (entry?.state === 'claimed') {
      const offset = await foundInSource(letter.ledgerKey, entry);
      if (offset === undefined) candidates.push(letter);
      else {
        completions.push({
          key: letter.ledgerKey,
          entry: { ...entry, state: 'done', source_offset: offset },
        });
        skipped.push({ ...item(letter, offset), reason: 'already_redriven' });
      }
    } else {
      candidates.push(letter);
    }
  }

  if (dryRun) {
    return {
      dlq_topic: dlqTopic,
      dry_run: true,
      selected: letters.length,
      redriven: candidates.map((l) => item(l)),
      skipped,
    };
  }
  if (completions.length > 0) {
    await sendMessages(
      ledgerTopic,
      completions.map(({ key, entry }) => entryMessage(key, entry)),
    );
  }
  if (candidates.length === 0) {
    return { dlq_topic: dlqTopic, dry_run: false, selected: letters.length, redriven: [], skipped };
  }

  // Claim, then keep only the dead letters whose first claim since the ledger was read is ours.
  const claimId = randomUUID();
  const sourceEnds = await listOffsets(
    Object.fromEntries(
      sourceTopics.map((t) => [
        t,
        [...new Set(candidates.filter((c) => c.letter.topic === t).map((c) => c.letter.partition))],
      ]),
    ),
    ['latest'],
  );
  const endOf = (topic: string, partition: number): number =>
    Number(sourceEnds[0]?.find((o) => o.topic === topic && o.partition === partition)?.offset ?? 0);
  const claims = new Map(
    candidates.map((c) => [
      c.ledgerKey,
      {
        state: 'claimed',
        claim_id: claimId,
        at: Date.now(),
        source_topic: c.letter.topic,
        source_partition: c.letter.partition,
        source_end_at_claim: endOf(c.letter.topic, c.letter.partition),
      } satisfies LedgerEntry,
    ]),
  );
  await sendMessages(
    ledgerTopic,
    [...claims].map(([key, entry]) => entryMessage(key, entry)),
  );
  const [afterClaim] = await listOffsets({ [ledgerTopic]: [0] }, ['latest']);
  const firstClaims = new Map<string, string>();
  for (const record of await readRanges([
    { topic: ledgerTopic, partition: 0, from: ledgerEnd, to: afterClaim?.[0]?.offset ?? ledgerEnd },
  ])) {
    const entry = parseEntry(record);
    const key = record.key?.toString();
    if (entry?.state === 'claimed' && key && !firstClaims.has(key)) firstClaims.set(key, entry.claim_id);
  }
  const ours = candidates.filter((c) => firstClaims.get(c.ledgerKey) === claimId);
  for (const c of candidates) {
    if (firstClaims.get(c.ledgerKey) !== claimId) skipped.push({ ...item(c), reason: 'in_progress' });
  }

  const redriven: RedriveItem[] = [];
  for (const topic of sourceTopics) {
    const batch = ours.filter((c) => c.letter.topic === topic);
    if (batch.length === 0) continue;
    // The original key and value bytes, to the partition the record came from.
    const placed = await sendMessages(
      topic,
      batch.map((c) => ({
        partition: c.letter.partition,
        key: c.record.key,
        value: originalValue(c.letter),
        headers: redriveHeaders(c.letter, c.ledgerKey),
      })),
    );
    const done = batch.map((c, i) => {
      const offset = Number(placed[i]!.offset);
      redriven.push(item(c, offset));
      const claim = claims.get(c.ledgerKey)!;
      return entryMessage(c.ledgerKey, { ...claim, state: 'done', at: Date.now(), source_offset: offset });
    });
    // Per topic, so a failure on the next topic leaves these recorded (the rest expire and are found).
    await sendMessages(ledgerTopic, done);
  }
  return { dlq_topic: dlqTopic, dry_run: false, selected: letters.length, redriven, skipped };
}
