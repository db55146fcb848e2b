import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../../lib/errors';
import {
  createTopics,
  deleteTopics,
  disconnectOpsCluster,
  type LambdaKafkaRecord,
  type RunningConsumer,
  sendMessages,
  startConsumer,
  withAdmin,
} from '../../../lib/kafka';
import { deadLetterMessage, deadLetterOf } from '../../../lib/middleware/dead-letter';
import { collectMetrics } from '../../../lib/ops/metrics';
import { kcatConsume, kcatProduce } from '../../helpers/kcat';
import { uniqueName } from '../../helpers/names';
import { waitFor } from '../../helpers/wait';
import { kcatOffsets } from './kcat-offsets';

const created: string[] = [];
const running: RunningConsumer[] = [];

async function topicPair(prefix: string): Promise<{ topic: string; dlq: string }> {
  const topic = uniqueName(prefix);
  const dlq = `${topic}_dlq`;
  await createTopics([
    { topic, partitions: 3 },
    { topic: dlq, partitions: 2 },
  ]);
  created.push(topic, dlq);
  return { topic, dlq };
}

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop().catch(() => undefined)));
  if (created.length > 0) await deleteTopics(created);
  await disconnectOpsCluster();
});

const record = (topic: string, partition: number, offset: number, value: string): LambdaKafkaRecord => ({
  topic,
  partition,
  offset,
  timestamp: Date.now(),
  timestampType: 'CREATE_TIME',
  key: Buffer.from(`user-${offset}`).toString('base64'),
  value: Buffer.from(value).toString('base64'),
  headers: [],
});

describe('collectMetrics against the broker', () => {
  it('reports end and start offsets and the last minute’s records exactly as kcat -Q reads them', async () => {
    const { topic, dlq } = await topicPair('ops-offsets');
    const old = String(Date.now() - 5 * 60_000);
    // Four records written "five minutes ago" (their create time), six now: only six are in the window.
    await sendMessages(
      topic,
      [0, 1, 2, 2].map((partition, i) => ({ partition, key: `k${i}`, value: `old-${i}`, timestamp: old })),
    );
    await kcatProduce(topic, ['a\t1', 'b\t2', 'c\t3'], { partition: 0 });
    await kcatProduce(topic, ['d\t4', 'e\t5'], { partition: 2 });
    await kcatProduce(topic, ['f\t6'], { partition: 1 });

    const now = Date.now();
    const doc = await collectMetrics({
      topics: [topic],
      deadLetterTopics: [dlq],
      stages: [],
      now: () => now,
    });

    const [ends, starts, windowStarts] = await Promise.all([
      kcatOffsets(topic, [0, 1, 2], -1),
      kcatOffsets(topic, [0, 1, 2], -2),
      kcatOffsets(topic, [0, 1, 2], now - 60_000),
    ]);
    const figures = doc.topics[0]!;
    expect(figures.topic).toBe(topic);
    expect(figures.partitions).toEqual(
      [0, 1, 2].map((p) => ({ partition: p, start_offset: starts[p], end_offset: ends[p] })),
    );
    expect(figures.partitions.map((p) => p.end_offset)).toEqual([4, 2, 4]);
    const kcatInWindow = [0, 1, 2].reduce(
      (sum, p) => sum + (windowStarts[p]! < 0 ? 0 : ends[p]! - windowStarts[p]!),
      0,
    );
    expect(figures.records_in_window).toBe(kcatInWindow);
    expect(figures.records_in_window).toBe(6);
    expect(figures.rate_per_second).toBe(0.1);
    expect(doc.dead_letters).toEqual([{ topic: dlq, count: 0, latest: [] }]);
  });

  it('reports a stage group’s state, members, committed offsets and lag as the group coordinator holds them', async () => {
    const { topic, dlq } = await topicPair('ops-lag');
    const group = uniqueName('ops-lag-group');
    const stages = [{ stage: 'test-stage', group, topic }];
    await kcatProduce(topic, ['a\t1', 'b\t2', 'c\t3', 'd\t4'], { partition: 0 });
    await kcatProduce(topic, ['e\t5', 'f\t6'], { partition: 1 });

    let handled = 0;
    const consumer = await startConsumer(
      { groupId: group, topics: [topic], fromBeginning: true },
      async () => {
        handled += 1;
      },
    );
    running.push(consumer);
    // Caught up once kafkajs' admin API (another path to the coordinator) shows the commits.
    const adminCommitted = async () => {
      const view = await withAdmin((admin) => admin.fetchOffsets({ groupId: group, topics: [topic] }));
      return Object.fromEntries(view[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
    };
    await waitFor(
      async () => {
        const committed = await adminCommitted();
        return handled === 6 && committed[0] === 4 && committed[1] === 2 ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'the consumer to process and commit all six records' },
    );
    const caughtUp = await waitFor(
      async () => {
        const stage = (await collectMetrics({ topics: [topic], deadLetterTopics: [dlq], stages })).stages[0]!;
        return stage.state === 'Stable' ? stage : undefined;
      },
      { what: 'the group to be stable' },
    );
    expect(caughtUp.members).toBe(1);
    expect(caughtUp.member_ids).toHaveLength(1);
    expect(caughtUp.partitions).toEqual([
      { partition: 0, committed_offset: 4, end_offset: 4, lag: 0 },
      { partition: 1, committed_offset: 2, end_offset: 2, lag: 0 },
      // Nothing was ever consumed there, so nothing committed: Kafka's tools show "-" too.
      { partition: 2, committed_offset: null, end_offset: 0, lag: null },
    ]);

    await consumer.stop();
    await kcatProduce(topic, ['g\t7', 'h\t8', 'i\t9'], { partition: 0 });
    await kcatProduce(topic, ['j\t10'], { partition: 2 });
    const stopped = await waitFor(
      async () => {
        const stage = (await collectMetrics({ topics: [topic], deadLetterTopics: [dlq], stages })).stages[0]!;
        return stage.state === 'Empty' ? stage : undefined;
      },
      { what: 'the group to be empty after its consumer left' },
    );
    expect(stopped.members).toBe(0);
    expect(stopped.partitions).toEqual([
      { partition: 0, committed_offset: 4, end_offset: 7, lag: 3 },
      { partition: 1, committed_offset: 2, end_offset: 2, lag: 0 },
      { partition: 2, committed_offset: null, end_offset: 1, lag: null },
    ]);
    expect(stopped.total_lag).toBe(3);

    // The same committed offsets through kafkajs' admin API, and the same end offsets through kcat.
    expect(await adminCommitted()).toEqual({ 0: 4, 1: 2, 2: -1 });
    expect(await kcatOffsets(topic, [0, 1, 2], -1)).toEqual({ 0: 7, 1: 2, 2: 1 });
  });

  it('counts dead letters as kcat does and shows the latest ones, newest first, with their origin', async () => {
    const { topic, dlq } = await topicPair('ops-dlq');
    const letters = Array.from({ length: 12 }, (_, i) =>
      deadLetterOf(
        'test-stage',
        record(topic, i % 3, 100 + i, JSON.stringify({ event_id: randomUUID(), n: i })),
        { reason: i % 2 === 0 ? 'invalid_event' : 'rejected', error: `bad record ${i}` },
        1 + (i % 2),
        new Date(Date.now() + i),
      ),
    );
    // One at a time so each has its own, increasing create time.
    for (const letter of letters) {
      const { message } = deadLetterMessage(record(topic, letter.partition, letter.offset, 'x'), letter);
      await sendMessages(dlq, [{ ...message, timestamp: String(Date.parse(letter.failed_at)) }]);
    }
    const viaKcat = await kcatConsume(dlq);
    const doc = await collectMetrics({
      topics: [topic],
      deadLetterTopics: [dlq],
      stages: [],
      latestDeadLetters: 10,
    });
    const figures = doc.dead_letters[0]!;
    expect(figures.count).toBe(viaKcat.length);
    expect(figures.count).toBe(12);
    const newestTen = letters.slice(2).reverse();
    expect(figures.latest.map((l) => l.dead_letter_id)).toEqual(newestTen.map((l) => l.dead_letter_id));
    const newest = figures.latest[0]!;
    const source = letters[11]!;
    const where = viaKcat.find(
      (r) => JSON.parse(r.payload ?? '{}').dead_letter_id === source.dead_letter_id,
    )!;
    expect(newest).toEqual({
      dead_letter_id: source.dead_letter_id,
      event_id: source.event_id,
      reason: 'rejected',
      error: 'bad record 11',
      stage: 'test-stage',
      attempt: 2,
      original: { topic, partition: 2, offset: 111 },
      failed_at: source.failed_at,
      dlq_partition: where.partition,
      dlq_offset: where.offset,
    });
  });

  it('reads the latest dead letters of every partition of several dead-letter topics in one document', async () => {
    const pairs = await Promise.all([
      topicPair('ops-many-a'),
      topicPair('ops-many-b'),
      topicPair('ops-many-c'),
    ]);
    for (const { topic, dlq } of pairs) {
      // Three dead letters in each of the two partitions, sent together (one compressed batch each).
      const messages = Array.from({ length: 6 }, (_, i) => {
        const original = record(topic, 0, i, `not json ${i}`);
        const letter = deadLetterOf('test-stage', original, { reason: 'undecodable', error: 'x' }, 1);
        return { ...deadLetterMessage(original, letter).message, partition: i % 2 };
      });
      await sendMessages(dlq, messages);
    }
    const doc = await collectMetrics({
      topics: pairs.map((p) => p.topic),
      deadLetterTopics: pairs.map((p) => p.dlq),
      stages: [],
      latestDeadLetters: 10,
    });
    for (const { topic, dlq } of pairs) {
      const figures = doc.dead_letters.find((d) => d.topic === dlq)!;
      expect(figures.count).toBe((await kcatConsume(dlq)).length);
      expect(figures.latest.map((l) => `${l.dlq_partition}@${l.dlq_offset}`).sort()).toEqual([
        '0@0',
        '0@1',
        '0@2',
        '1@0',
        '1@1',
        '1@2',
      ]);
      expect(new Set(figures.latest.map((l) => l.original?.topic))).toEqual(new Set([topic]));
    }
  });

  it('names the topics that do not exist (404)', async () => {
    const missing = uniqueName('ops-missing');
    await expect(collectMetrics({ topics: [missing], stages: [] })).rejects.toThrow(NotFoundError);
    await expect(collectMetrics({ topics: [missing], stages: [] })).rejects.toThrow(missing);
  });
});
