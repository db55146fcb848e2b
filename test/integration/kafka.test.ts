import { randomUUID } from 'node:crypto';
import { InvalidTopicError, ValidationError } from '../../lib/errors';
import { produceEvents } from '../../lib/events/publish';
import { ensureCatalogueTopics } from '../../lib/events/topics';
import {
  collectMessages,
  createTopics,
  deleteTopics,
  describeCluster,
  describeTopicConfig,
  listTopics,
  type ReceivedMessage,
  sendMessages,
  startConsumer,
  toMessage,
  topicEndOffsets,
} from '../../lib/kafka';
import { kcatConsume, kcatProduce } from '../helpers/kcat';
import { uniqueName } from '../helpers/names';
import { waitFor } from '../helpers/wait';

// The seed's integration tests (connectivity, topic management, producer/consumer, error
// handling), ported to the TypeScript library and run against a real broker.

const created: string[] = [];
async function freshTopic(prefix: string, partitions = 3): Promise<string> {
  const topic = uniqueName(prefix);
  await createTopics([{ topic, partitions }]);
  created.push(topic);
  return topic;
}

afterAll(async () => {
  if (created.length > 0) await deleteTopics(created);
});

const event = (userId: string, data: Record<string, unknown> = { action: 'LOGIN' }) => ({
  event_id: randomUUID(),
  event_type: 'user_action',
  user_id: userId,
  timestamp: Date.now() / 1000,
  data,
});

const eventOf = (m: ReceivedMessage) => JSON.parse(String(m.message.value)) as ReturnType<typeof event>;

describe('connectivity', () => {
  it('connects and reads the cluster information', async () => {
    const cluster = await describeCluster();
    expect(cluster.clusterId).toMatch(/^[\w-]{10,}$/);
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    expect(cluster.brokers[0]).toEqual(
      expect.objectContaining({ host: expect.any(String), port: expect.any(Number) }),
    );
  });
});

describe('topic management', () => {
  it('creates the seed topics idempotently and lists them with their partitions', async () => {
    const suffix = uniqueName('seed');
    const names = [
      'test_kafka_integration',
      'user_actions',
      'game_events',
      'notifications',
      'analytics',
      'real_time_feedback',
    ].map((n) => `${n}.${suffix}`);
    const first = await createTopics(names.map((topic) => ({ topic })));
    created.push(...names);
    expect(first).toEqual({ created: names, existing: [] });

    const again = await createTopics(names.map((topic) => ({ topic })));
    expect(again).toEqual({ created: [], existing: names });

    const listed = await listTopics();
    for (const name of names) expect(listed).toContainEqual({ name, partitions: 3 });
    expect(listed.some((t) => t.name.startsWith('__'))).toBe(false);
  });

  it('creates every catalogue topic and its dead-letter topic', async () => {
    await ensureCatalogueTopics();
    const listed = new Set((await listTopics()).map((t) => t.name));
    for (const topic of [
      'user_actions',
      'vip_events',
      'adult_content',
      'user_actions_dlq',
      'vip_events_dlq',
    ]) {
      expect(listed.has(topic)).toBe(true);
    }
  });

  it("reads a topic's configuration, including overrides given at creation", async () => {
    const topic = uniqueName('configured');
    await createTopics([{ topic, partitions: 1, configs: { 'retention.ms': '3600000' } }]);
    created.push(topic);
    const entries = await describeTopicConfig(topic);
    expect(entries).toContainEqual(
      expect.objectContaining({ name: 'retention.ms', value: '3600000', isDefault: false }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ name: 'cleanup.policy', value: 'delete' }));
  });

  it('reports a missing topic as not found', async () => {
    await expect(describeTopicConfig(uniqueName('missing'))).rejects.toMatchObject({ statusCode: 404 });
  });

  it('deletes topics', async () => {
    const topic = uniqueName('doomed');
    await createTopics([{ topic }]);
    await deleteTopics([topic]);
    await waitFor(async () => ((await listTopics()).some((t) => t.name === topic) ? undefined : true), {
      what: `${topic} to disappear`,
    });
  });
});

describe('producer and consumer', () => {
  it('round-trips JSON with key, headers and value intact, at the reported partition and offset', async () => {
    const topic = await freshTopic('roundtrip');
    const sent = [
      event('user_12345', { action: 'SLOT_SPIN', bet_amount: 50 }),
      event('user_777'),
      event('user_12345'),
    ];
    const placed = await sendMessages(topic, sent.map(toMessage));

    const { messages, timedOut } = await collectMessages({
      groupId: uniqueName('roundtrip-group'),
      topics: [topic],
      count: sent.length,
      timeoutMs: 20_000,
    });
    expect(timedOut).toBe(false);
    for (const [i, original] of sent.entries()) {
      const got = messages.find((m) => eventOf(m).event_id === original.event_id);
      expect(got).toBeDefined();
      expect(eventOf(got!)).toEqual(original);
      expect(got!.message.key?.toString()).toBe(original.user_id);
      expect(got!.message.headers?.['event-id']?.toString()).toBe(original.event_id);
      expect(got!.message.headers?.['content-type']?.toString()).toBe('application/json');
      expect({ partition: got!.partition, offset: got!.message.offset }).toEqual(placed[i]);
    }
    // One user's events share a partition, so they stay in order.
    expect(placed[0]!.partition).toBe(placed[2]!.partition);
    expect(BigInt(placed[2]!.offset)).toBeGreaterThan(BigInt(placed[0]!.offset));
  });

  it('validates catalogue events before producing and reports where each landed', async () => {
    await ensureCatalogueTopics();
    const good = event('user_catalogue');
    const deliveries = await produceEvents('user_actions', [good]);
    expect(deliveries).toEqual([
      {
        event_id: good.event_id,
        topic: 'user_actions',
        partition: expect.any(Number),
        offset: expect.any(String),
      },
    ]);

    const records = await kcatConsume('user_actions', [
      '-p',
      String(deliveries[0]!.partition),
      '-o',
      deliveries[0]!.offset,
      '-c',
      '1',
    ]);
    expect(JSON.parse(records[0]!.payload!)).toEqual(good);

    await expect(produceEvents('user_actions', [{ ...event('x'), user_id: '' }])).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('splits the partitions between members of one group: every message consumed exactly once', async () => {
    const topic = await freshTopic('shared');
    const groupId = uniqueName('shared-group');
    const seen: { member: number; id: string }[] = [];
    const joined = new Set<number>();
    const members = await Promise.all(
      [0, 1].map(async (member) => {
        const onAssignment = (assignment: Record<string, number[]>) => {
          if ((assignment[topic] ?? []).length > 0) joined.add(member);
          else joined.delete(member);
        };
        return startConsumer(
          { groupId, topics: [topic], sessionTimeoutMs: 6000, onAssignment },
          async (m) => {
            seen.push({ member, id: eventOf(m).event_id });
          },
        );
      }),
    );
    try {
      // Produce only once both members hold partitions, so no rebalance moves work mid-test.
      await waitFor(() => (joined.size === 2 ? true : undefined), {
        timeoutMs: 30_000,
        what: 'both members to join',
      });
      const sent = Array.from({ length: 30 }, (_, i) => event(`user_${i}`));
      await sendMessages(topic, sent.map(toMessage));
      await waitFor(() => (seen.length >= sent.length ? true : undefined), {
        timeoutMs: 20_000,
        what: 'all messages',
      });

      const ids = seen.map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(ids)).toEqual(new Set(sent.map((e) => e.event_id)));
      expect(new Set(seen.map((s) => s.member))).toEqual(new Set([0, 1]));
    } finally {
      await Promise.all(members.map((m) => m.stop()));
    }
  });

  it('gives every group every message', async () => {
    const topic = await freshTopic('fanout');
    const sent = Array.from({ length: 12 }, (_, i) => event(`user_${i}`));
    await sendMessages(topic, sent.map(toMessage));
    const [a, b] = await Promise.all(
      ['a', 'b'].map((g) =>
        collectMessages({
          groupId: uniqueName(`fanout-${g}`),
          topics: [topic],
          count: sent.length,
          timeoutMs: 20_000,
        }),
      ),
    );
    for (const got of [a!, b!]) {
      expect(got.timedOut).toBe(false);
      expect(new Set(got.messages.map((m) => eventOf(m).event_id))).toEqual(
        new Set(sent.map((e) => e.event_id)),
      );
    }
  });

  it('commits only processed messages: a failing handler gets the message again', async () => {
    const topic = await freshTopic('redeliver', 1);
    const groupId = uniqueName('redeliver-group');
    const sent = [event('u1'), event('u1'), event('u1')];
    await sendMessages(topic, sent.map(toMessage));
    const attempts = new Map<string, number>();
    const running = await startConsumer({ groupId, topics: [topic] }, async (m) => {
      const id = eventOf(m).event_id;
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      if (id === sent[1]!.event_id && attempts.get(id) === 1) throw new Error('transient failure');
    });
    try {
      await waitFor(() => (attempts.get(sent[2]!.event_id) ? true : undefined), {
        timeoutMs: 30_000,
        what: 'the last message',
      });
    } finally {
      await running.stop();
    }
    expect(attempts.get(sent[0]!.event_id)).toBe(1);
    expect(attempts.get(sent[1]!.event_id)).toBe(2);
    expect(attempts.get(sent[2]!.event_id)).toBe(1);
  });
});

describe('compression', () => {
  // The broker enforces max.message.bytes on the batch as stored, i.e. after compression: a
  // batch far larger than the limit is accepted only if it really travels gzip-compressed.
  it('sends gzip-compressed batches: 900 kB of JSON fits a topic that stores at most 64 kB', async () => {
    const topic = uniqueName('gzip');
    await createTopics([{ topic, partitions: 1, configs: { 'max.message.bytes': '65536' } }]);
    created.push(topic);
    const big = { ...event('user_gzip'), data: { action: 'LOGIN', padding: 'spin '.repeat(180_000) } };
    const [placed] = await sendMessages(topic, [toMessage(big)]);
    expect(placed).toEqual({ partition: 0, offset: '0' });

    const [record] = await kcatConsume(topic, ['-c', '1']);
    expect(record?.key).toBe('user_gzip');
    expect(JSON.parse(record!.payload!)).toEqual(big);

    // The same bytes uncompressed (kcat's default) are refused by that topic.
    await expect(
      kcatProduce(topic, [`user_gzip\t${JSON.stringify(big)}`], { extra: ['-X', 'compression.codec=none'] }),
    ).rejects.toThrow();
    expect(await topicEndOffsets(topic)).toEqual({ 0: '1' });
  });
});

describe('error handling', () => {
  it('rejects an invalid topic name before any request reaches the broker', async () => {
    await expect(sendMessages('not a topic!', [toMessage(event('u'))])).rejects.toBeInstanceOf(
      InvalidTopicError,
    );
    await expect(createTopics([{ topic: '__consumer_offsets' }])).rejects.toThrow(
      /reserved for Kafka internal topics/,
    );
  });

  it('times out cleanly when a consumer has nothing to read', async () => {
    const topic = await freshTopic('quiet', 1);
    const started = Date.now();
    const result = await collectMessages({
      groupId: uniqueName('quiet-group'),
      topics: [topic],
      count: 1,
      timeoutMs: 1500,
    });
    expect(result).toEqual({ messages: [], timedOut: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });
});
