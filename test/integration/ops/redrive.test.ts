import { randomUUID } from 'node:crypto';
import { InvalidTopicError, NotFoundError, ValidationError } from '../../../lib/errors';
import type { DeadLetter } from '../../../lib/events';
import {
  createTopics,
  deleteTopics,
  disconnectOpsCluster,
  type FetchedRecord,
  fromKafkaMessage,
  listTopics,
  readRanges,
  sendMessages,
  toLambdaKafkaRecord,
  topicEndOffsets,
} from '../../../lib/kafka';
import { deadLetterMessage, deadLetterOf } from '../../../lib/middleware/dead-letter';
import { CLAIM_EXPIRY_MS, REDRIVE_HEADER, redrive } from '../../../lib/ops/redrive';
import { kcatConsume, kcatProduce } from '../../helpers/kcat';
import { uniqueName } from '../../helpers/names';

const created: string[] = [];

afterAll(async () => {
  // A refused redrive never creates its ledger.
  const present = new Set((await listTopics()).map((t) => t.name));
  const existing = created.filter((t) => present.has(t));
  if (existing.length > 0) await deleteTopics(existing);
  await disconnectOpsCluster();
});

interface Fixture {
  source: string;
  dlq: string;
  ledgerTopic: string;
}

async function fixture(): Promise<Fixture> {
  const source = uniqueName('ops-redrive');
  const dlq = `${source}_dlq`;
  const ledgerTopic = uniqueName('ops-ledger');
  await createTopics([
    { topic: source, partitions: 3 },
    { topic: dlq, partitions: 2 },
  ]);
  created.push(source, dlq, ledgerTopic);
  return { source, dlq, ledgerTopic };
}

async function recordAt(topic: string, partition: number, offset: string): Promise<FetchedRecord> {
  const [record] = await readRanges([{ topic, partition, from: offset, to: String(BigInt(offset) + 1n) }]);
  if (!record) throw new Error(`no record at ${topic}-${partition}@${offset}`);
  return record;
}

/** Dead-letter the record at these coordinates exactly as a stage does (lib/middleware/dead-letter). */
async function deadLetter(
  dlq: string,
  original: FetchedRecord,
  reason: DeadLetter['reason'],
): Promise<DeadLetter> {
  const record = toLambdaKafkaRecord(fromKafkaMessage(original.topic, original.partition, original as never));
  const letter = deadLetterOf('test-stage', record, { reason, error: `poison: ${reason}` }, 1);
  const { message } = deadLetterMessage(record, letter);
  await sendMessages(dlq, [message]);
  return letter;
}

const ends = async (topic: string): Promise<Record<number, string>> => topicEndOffsets(topic);

describe('redrive', () => {
  it('puts a poison record back on its source topic once, bytes and key unchanged; a second call is a no-op', async () => {
    const { source, dlq, ledgerTopic } = await fixture();
    // A text poison record (not JSON) with a key, and a binary one (not UTF-8) without a key.
    await kcatProduce(source, ['user-7\t{"event_type":"user_action", oops'], {
      partition: 1,
      headers: ['trace-id=t-7', 'dup=first', 'dup=second'],
    });
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]);
    await sendMessages(source, [{ partition: 2, key: null, value: binary }]);
    const textOriginal = await recordAt(source, 1, '0');
    const binaryOriginal = await recordAt(source, 2, '0');
    const textLetter = await deadLetter(dlq, textOriginal, 'undecodable');
    const binaryLetter = await deadLetter(dlq, binaryOriginal, 'undecodable');
    expect(binaryLetter.value_encoding).toBe('base64');
    // Something in the dead-letter topic that no stage wrote.
    await kcatProduce(dlq, ['k\tnot a dead letter'], { partition: 0 });

    const before = await ends(source);
    const dry = await redrive({ dlqTopic: dlq, select: 'all', dryRun: true, ledgerTopic });
    expect(dry.dry_run).toBe(true);
    expect(dry.selected).toBe(2);
    expect(dry.redriven.map((r) => r.dead_letter_id).sort()).toEqual(
      [textLetter.dead_letter_id, binaryLetter.dead_letter_id].sort(),
    );
    expect(dry.skipped).toEqual([expect.objectContaining({ reason: 'not_a_dead_letter', dlq_partition: 0 })]);
    expect(await ends(source)).toEqual(before);

    const first = await redrive({ dlqTopic: dlq, select: 'all', ledgerTopic });
    expect(first.dry_run).toBe(false);
    expect(first.redriven).toHaveLength(2);
    expect(first.redriven).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          dead_letter_id: textLetter.dead_letter_id,
          source_topic: source,
          source_partition: 1,
          source_offset: 1,
        }),
        expect.objectContaining({
          dead_letter_id: binaryLetter.dead_letter_id,
          source_partition: 2,
          source_offset: 1,
        }),
      ]),
    );

    // kcat sees each original twice in the source topic: as first written, and redriven once.
    const viaKcat = await kcatConsume(source);
    expect(viaKcat).toHaveLength(4);
    const redrivenText = viaKcat.find((r) => r.partition === 1 && r.offset === 1)!;
    expect(redrivenText.key).toBe('user-7');
    expect(redrivenText.payload).toBe('{"event_type":"user_action", oops');
    // The headers it was written with come back first, in order, then the redrive's own.
    expect(redrivenText.headers).toEqual([
      ['trace-id', 't-7'],
      ['dup', 'first'],
      ['dup', 'second'],
      [REDRIVE_HEADER, expect.stringMatching(new RegExp(`^${dlq}/\\d/\\d+$`))],
      ['dead-letter-id', textLetter.dead_letter_id],
    ]);
    const redrivenBinary = await recordAt(source, 2, '1');
    expect(redrivenBinary.value?.equals(binary)).toBe(true);
    expect(redrivenBinary.key).toBeNull();
    const redrivenTextBytes = await recordAt(source, 1, '1');
    expect(redrivenTextBytes.key?.equals(textOriginal.key!)).toBe(true);
    expect(redrivenTextBytes.value?.equals(textOriginal.value!)).toBe(true);

    const second = await redrive({ dlqTopic: dlq, select: 'all', ledgerTopic });
    expect(second.redriven).toEqual([]);
    expect(second.skipped.filter((s) => s.reason === 'already_redriven').map((s) => s.source_offset)).toEqual(
      [1, 1],
    );
    expect(await kcatConsume(source)).toHaveLength(4);
  });

  it('selects by event id and by an offset range of one partition', async () => {
    const { source, dlq, ledgerTopic } = await fixture();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await kcatProduce(
      source,
      ids.map((id) => `user-1\t{"event_id":"${id}","bad":true}`),
      { partition: 0 },
    );
    const letters: DeadLetter[] = [];
    for (const offset of ['0', '1', '2']) {
      letters.push(await deadLetter(dlq, await recordAt(source, 0, offset), 'invalid_event'));
    }
    // Keyed by user-1, all three dead letters share one dead-letter partition.
    const dlqPartition = Object.entries(await ends(dlq)).find(([, end]) => end === '3')![0];

    const byId = await redrive({ dlqTopic: dlq, select: { event_ids: [ids[1]!] }, ledgerTopic });
    expect(byId.selected).toBe(1);
    expect(byId.redriven.map((r) => r.event_id)).toEqual([ids[1]]);

    const byRange = await redrive({
      dlqTopic: dlq,
      select: { partition: Number(dlqPartition), from: 1, to: 2 },
      ledgerTopic,
    });
    expect(byRange.selected).toBe(2);
    expect(byRange.redriven.map((r) => r.event_id)).toEqual([ids[2]]);
    expect(byRange.skipped).toEqual([
      expect.objectContaining({ event_id: ids[1], reason: 'already_redriven' }),
    ]);

    const viaKcat = await kcatConsume(source);
    const payloadIds = viaKcat.map((r) => (JSON.parse(r.payload ?? '{}') as { event_id: string }).event_id);
    expect(payloadIds.sort()).toEqual([ids[0], ids[1], ids[1], ids[2], ids[2]].sort());
  });

  it('finishes a redrive that died after producing, and redoes one that died before', async () => {
    const { source, dlq, ledgerTopic } = await fixture();
    await kcatProduce(source, ['u\tfirst-poison', 'u\tsecond-poison'], { partition: 0 });
    await deadLetter(dlq, await recordAt(source, 0, '0'), 'undecodable');
    await deadLetter(dlq, await recordAt(source, 0, '1'), 'undecodable');
    const dlqPartition = Number(Object.entries(await ends(dlq)).find(([, end]) => end === '2')![0]);
    await createTopics([{ topic: ledgerTopic, partitions: 1, configs: { 'cleanup.policy': 'compact' } }]);
    // A crashed redrive: both claimed long ago, only the first one produced.
    const claim = (offset: number) => ({
      key: `${dlq}/${dlqPartition}/${offset}`,
      value: JSON.stringify({
        state: 'claimed',
        claim_id: randomUUID(),
        at: Date.now() - CLAIM_EXPIRY_MS - 1000,
        source_topic: source,
        source_partition: 0,
        source_end_at_claim: 2,
      }),
    });
    await sendMessages(ledgerTopic, [claim(0), claim(1)]);
    await sendMessages(source, [
      {
        partition: 0,
        key: 'u',
        value: 'first-poison',
        headers: { [REDRIVE_HEADER]: `${dlq}/${dlqPartition}/0` },
      },
    ]);

    const result = await redrive({ dlqTopic: dlq, select: 'all', ledgerTopic });
    expect(result.skipped).toEqual([
      expect.objectContaining({ dlq_offset: 0, reason: 'already_redriven', source_offset: 2 }),
    ]);
    expect(result.redriven).toEqual([expect.objectContaining({ dlq_offset: 1, source_offset: 3 })]);
    expect((await kcatConsume(source)).map((r) => r.payload)).toEqual([
      'first-poison',
      'second-poison',
      'first-poison',
      'second-poison',
    ]);
    const again = await redrive({ dlqTopic: dlq, select: 'all', ledgerTopic });
    expect(again.redriven).toEqual([]);
    expect(again.skipped.map((s) => s.reason)).toEqual(['already_redriven', 'already_redriven']);
  });

  it('leaves a dead letter another redrive has just claimed to that redrive', async () => {
    const { source, dlq, ledgerTopic } = await fixture();
    await kcatProduce(source, ['u\tclaimed-poison', 'u\tfree-poison'], { partition: 0 });
    await deadLetter(dlq, await recordAt(source, 0, '0'), 'undecodable');
    await deadLetter(dlq, await recordAt(source, 0, '1'), 'undecodable');
    const dlqPartition = Number(Object.entries(await ends(dlq)).find(([, end]) => end === '2')![0]);
    await createTopics([{ topic: ledgerTopic, partitions: 1, configs: { 'cleanup.policy': 'compact' } }]);
    // Another container claimed the first dead letter a moment ago and has not finished yet.
    await sendMessages(ledgerTopic, [
      {
        key: `${dlq}/${dlqPartition}/0`,
        value: JSON.stringify({
          state: 'claimed',
          claim_id: randomUUID(),
          at: Date.now(),
          source_topic: source,
          source_partition: 0,
          source_end_at_claim: 2,
        }),
      },
    ]);
    const result = await redrive({ dlqTopic: dlq, select: 'all', ledgerTopic });
    expect(result.skipped).toEqual([expect.objectContaining({ dlq_offset: 0, reason: 'in_progress' })]);
    expect(result.redriven).toEqual([expect.objectContaining({ dlq_offset: 1, source_offset: 2 })]);
    expect((await kcatConsume(source)).map((r) => r.payload)).toEqual([
      'claimed-poison',
      'free-poison',
      'free-poison',
    ]);
  });

  it('refuses a topic that is not a dead-letter topic (400), an unknown one (404) and a bad range (400), producing nothing', async () => {
    const { source, dlq, ledgerTopic } = await fixture();
    await kcatProduce(source, ['u\tpoison'], { partition: 0 });
    await deadLetter(dlq, await recordAt(source, 0, '0'), 'undecodable');
    const before = await ends(source);

    const notDlq = redrive({ dlqTopic: source, select: 'all', ledgerTopic });
    await expect(notDlq).rejects.toThrow(InvalidTopicError);
    await expect(notDlq).rejects.toMatchObject({ statusCode: 400 });
    const unknown = redrive({ dlqTopic: `${uniqueName('ops-none')}_dlq`, select: 'all', ledgerTopic });
    await expect(unknown).rejects.toThrow(NotFoundError);
    await expect(unknown).rejects.toMatchObject({ statusCode: 404 });
    const badPartition = redrive({ dlqTopic: dlq, select: { partition: 9, from: 0, to: 1 }, ledgerTopic });
    await expect(badPartition).rejects.toThrow(ValidationError);
    await expect(
      redrive({ dlqTopic: dlq, select: { partition: 0, from: 5, to: 1 }, ledgerTopic }),
    ).rejects.toThrow(ValidationError);
    expect(await ends(source)).toEqual(before);
  });
});
