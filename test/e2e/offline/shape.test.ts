/**
 * Conformance, against a real broker and a real `serverless offline start`: the event AWS sends
 * (records produced with kcat, an independent client), batching by size and by window, order
 * within a partition while partitions run in parallel, filters, `enabled: false`.
 */
import {
  type LambdaKafkaRecord,
  lambdaKafkaEventSchema,
  recordsKey,
  sendMessages,
  toLambdaKafkaRecord,
} from '../../../lib/kafka';
import { kcatConsume, kcatProduce } from '../../helpers/kcat';
import {
  coordinates,
  deliveredRecords,
  readInvocations,
  succeeded,
  waitForSucceededRecords,
} from '../../helpers/lambda-events';
import type { OfflineServer } from '../../helpers/offline-server';
import { waitFor } from '../../helpers/wait';
import {
  AWS_BOOTSTRAP,
  brokers,
  committedOffsets,
  defaultGroup,
  MSK_ARN,
  readyLine,
  startFixture,
  Topics,
  tempOutDir,
} from './fixture';

const topics = new Topics();
const out = tempOutDir();
let server: OfflineServer;
let shapeTopic: string;
let sizedTopic: string;
let orderedTopic: string;
let filteredTopic: string;

beforeAll(async () => {
  shapeTopic = await topics.create('offline-shape', 3);
  sizedTopic = await topics.create('offline-sized', 1);
  orderedTopic = await topics.create('offline-ordered', 3);
  filteredTopic = await topics.create('offline-filtered', 1);
  server = await startFixture({
    OUT_DIR: out.dir,
    ENABLE_SHAPE: 'true',
    TOPIC_SHAPE: shapeTopic,
    TOPIC_SIZED: sizedTopic,
    TOPIC_ORDERED: orderedTopic,
    TOPIC_FILTERED: filteredTopic,
  });
  for (const [fn, topic] of [
    ['shape', shapeTopic],
    ['shapeMsk', shapeTopic],
    ['sized', sizedTopic],
    ['ordered', orderedTopic],
    ['filtered', filteredTopic],
  ] as const) {
    await server.waitForOutput(readyLine(fn, topic));
  }
});

afterAll(async () => {
  await server?.stop();
  await topics.deleteAll();
  out.remove();
});

describe('the event, for records produced with kcat', () => {
  let kcat: Awaited<ReturnType<typeof kcatConsume>>;

  beforeAll(async () => {
    // Partition 0: keys, a JSON and a text value, non-ASCII headers and a repeated name between
    // others (kafkajs groups repeated names; AWS, and the emulator, keep the written order).
    await kcatProduce(shapeTopic, ['user-1\t{"amount":42}', 'user-2\tplain text'], {
      partition: 0,
      headers: ['note=ë€', 'a=1', 'dup=x', 'b=2', 'dup=y'],
    });
    // Partition 1: a record without key (no delimiter) and a tombstone (empty value, -Z).
    await kcatProduce(shapeTopic, ['no key at all', 'user-3\t'], { partition: 1, nullValueOnEmpty: true });
    // Partition 2: a record whose key and value are multi-byte UTF-8.
    await kcatProduce(shapeTopic, ['clé-ü\tvaleur-✓'], { partition: 2 });
    kcat = await kcatConsume(shapeTopic);
    expect(kcat).toHaveLength(5);
  });

  const expectedFromKcat = (): LambdaKafkaRecord[] =>
    kcat.map((k) =>
      toLambdaKafkaRecord({
        topic: k.topic,
        partition: k.partition,
        offset: k.offset,
        timestamp: k.ts,
        timestampType: k.tstype === 'logappend' ? 'LOG_APPEND_TIME' : 'CREATE_TIME',
        key: k.key,
        value: k.payload,
        headers: k.headers,
      }),
    );

  const byCoordinate = (records: LambdaKafkaRecord[]) =>
    [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset);

  it('self-managed (`kafka` event): exactly what kcat reports, in AWS shape', async () => {
    const delivered = await waitForSucceededRecords(out.dir, 'shape', 5);
    expect(byCoordinate(delivered)).toEqual(byCoordinate(expectedFromKcat()));

    for (const { event } of succeeded(readInvocations(out.dir, 'shape'))) {
      expect(lambdaKafkaEventSchema.parse(event)).toBeTruthy();
      expect(event.eventSource).toBe('SelfManagedKafka');
      expect('eventSourceArn' in event).toBe(false);
      // What AWS sends: the event's configured bootstrap servers (see README).
      expect(event.bootstrapServers).toBe(AWS_BOOTSTRAP);
      for (const [key, records] of Object.entries(event.records)) {
        expect(records.every((r) => recordsKey(r.topic, r.partition) === key)).toBe(true);
        expect(records.map((r) => r.offset)).toEqual([...records.map((r) => r.offset)].sort((a, b) => a - b));
      }
    }
  });

  it('spells out the tricky fields literally', async () => {
    const delivered = byCoordinate(await waitForSucceededRecords(out.dir, 'shape', 5));
    const [json, text, keyless, tombstone, utf8] = delivered;
    expect(json).toMatchObject({
      topic: shapeTopic,
      partition: 0,
      offset: 0,
      timestampType: 'CREATE_TIME',
      key: Buffer.from('user-1').toString('base64'),
      value: Buffer.from('{"amount":42}').toString('base64'),
      headers: [
        { note: [-61, -85, -30, -126, -84] },
        { a: [49] },
        { dup: [120] },
        { b: [50] },
        { dup: [121] },
      ],
    });
    expect(typeof json?.timestamp).toBe('number');
    expect(json?.timestamp).toBe(kcat.find((k) => k.partition === 0 && k.offset === 0)?.ts);
    expect(text?.value).toBe(Buffer.from('plain text').toString('base64'));
    expect(keyless).not.toHaveProperty('key');
    expect(keyless?.value).toBe(Buffer.from('no key at all').toString('base64'));
    expect(tombstone).toMatchObject({
      partition: 1,
      offset: 1,
      key: Buffer.from('user-3').toString('base64'),
      headers: [],
    });
    expect(tombstone).not.toHaveProperty('value');
    expect(Buffer.from(utf8?.key ?? '', 'base64').toString()).toBe('clé-ü');
    expect(Buffer.from(utf8?.value ?? '', 'base64').toString()).toBe('valeur-✓');
  });

  it('MSK (`msk` event): the same records, eventSource aws:kafka with the cluster ARN', async () => {
    const delivered = await waitForSucceededRecords(out.dir, 'shapeMsk', 5);
    expect(byCoordinate(delivered)).toEqual(byCoordinate(expectedFromKcat()));
    for (const { event } of succeeded(readInvocations(out.dir, 'shapeMsk'))) {
      expect(event).toMatchObject({
        eventSource: 'aws:kafka',
        eventSourceArn: MSK_ARN,
        bootstrapServers: brokers(),
      });
      expect(lambdaKafkaEventSchema.parse(event)).toBeTruthy();
    }
  });

  it('logs one line per batch with function, topic-partitions, offsets, records, duration, outcome', async () => {
    await waitForSucceededRecords(out.dir, 'shape', 5);
    // The function records its invocation before the emulator logs the batch: wait for the line.
    const okLines = () => server.output().match(/\[kafka-offline\] shape .*outcome=ok.*/g) ?? [];
    const lines = await waitFor(
      () => {
        const found = okLines();
        return found.length === succeeded(readInvocations(out.dir, 'shape')).length ? found : undefined;
      },
      { what: 'one outcome=ok line per succeeded shape batch' },
    );
    expect(lines.join('\n')).toMatch(
      new RegExp(
        `shape (${shapeTopic}-\\d(\\[\\d+(\\.\\.\\d+)?\\]) ?)+ records=\\d+ filtered=0 attempt=1 duration=\\d+ms outcome=ok`,
      ),
    );
  });

  it('does not consume for an event with enabled: false', async () => {
    await waitForSucceededRecords(out.dir, 'shape', 5);
    expect(server.output()).toMatch(/enabled: false, not consumed: .*disabled#0/);
    expect(readInvocations(out.dir, 'disabled')).toEqual([]);
  });
});

describe('batching', () => {
  it('cuts a batch at batchSize at once, and the rest when the window (from its first record) expires', async () => {
    // batchSize 5, maximumBatchingWindow 3 s, one partition: 12 records in one produce call.
    const messages = Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ i }) }));
    const producedAt = Date.now();
    await sendMessages(sizedTopic, messages);
    await waitForSucceededRecords(out.dir, 'sized', 12, 20_000);
    const invocations = readInvocations(out.dir, 'sized');
    expect(invocations.map((i) => deliveredRecords([i]).length)).toEqual([5, 5, 2]);
    expect(coordinates(deliveredRecords(invocations))).toEqual(
      Array.from({ length: 12 }, (_, i) => `0@${i}`),
    );
    const [first, second, third] = invocations as [
      (typeof invocations)[0],
      (typeof invocations)[0],
      (typeof invocations)[0],
    ];
    // The full batches do not wait for the window...
    expect(first.startedAt - producedAt).toBeLessThan(2500);
    expect(second.startedAt - first.startedAt).toBeLessThan(2000);
    // ...the remainder does: 3 s after its records arrived (which cannot be before they were produced).
    expect(third.startedAt - producedAt).toBeGreaterThanOrEqual(2990);
    expect(third.startedAt - producedAt).toBeLessThan(10_000);
  });
});

describe('order and concurrency', () => {
  it('keeps offset order within a partition, one batch in flight per partition, partitions in parallel', async () => {
    // batchSize 4, window 0, 3 partitions; each record makes the function sleep, so batches overlap.
    const perPartition = 8;
    const messages = Array.from({ length: perPartition * 3 }, (_, i) => ({
      partition: i % 3,
      value: JSON.stringify({ seq: Math.floor(i / 3), sleepMs: 150 }),
    }));
    await sendMessages(orderedTopic, messages);
    const delivered = await waitForSucceededRecords(out.dir, 'ordered', perPartition * 3, 30_000);
    const invocations = readInvocations(out.dir, 'ordered');

    // Every record exactly once, and per partition in offset order across invocations.
    expect(delivered).toHaveLength(perPartition * 3);
    for (const partition of [0, 1, 2]) {
      const offsets = delivered.filter((r) => r.partition === partition).map((r) => r.offset);
      expect(offsets).toEqual(Array.from({ length: perPartition }, (_, i) => i));
    }
    // Never two invocations holding the same partition at the same time...
    const spans = invocations.map((i) => ({
      start: i.startedAt,
      end: i.endedAt ?? Number.POSITIVE_INFINITY,
      partitions: new Set(deliveredRecords([i]).map((r) => r.partition)),
    }));
    const overlapping = (a: (typeof spans)[0], b: (typeof spans)[0]) => a.start < b.end && b.start < a.end;
    let parallel = 0;
    for (const [i, a] of spans.entries()) {
      for (const b of spans.slice(i + 1)) {
        if (!overlapping(a, b)) continue;
        parallel += 1;
        expect([...a.partitions].some((p) => b.partitions.has(p))).toBe(false);
      }
    }
    // ...while different partitions did run at the same time.
    expect(parallel).toBeGreaterThan(0);
  });
});

describe('filterPatterns', () => {
  it('delivers only matching records (patterns OR-ed) and commits the others without invoking', async () => {
    const group = defaultGroup('filtered', filteredTopic);
    await sendMessages(filteredTopic, [
      { value: JSON.stringify({ type: 'deposit', amount: 150 }) }, // 0: first pattern
      { value: JSON.stringify({ type: 'deposit', amount: 50 }) }, // 1: amount too small
      { value: JSON.stringify({ type: 'bet', user: { tier: 'vip-gold' } }) }, // 2: second pattern
      { value: JSON.stringify({ type: 'bet', user: { tier: 'basic' } }) }, // 3: neither
      { value: 'not json' }, // 4: text vs object patterns: value condition not applied (README)
    ]);
    const delivered = await waitForSucceededRecords(out.dir, 'filtered', 3);
    expect(coordinates(delivered)).toEqual(['0@0', '0@2', '0@4']);
    await waitFor(async () => ((await committedOffsets(group, filteredTopic))[0] === 5 ? true : undefined), {
      what: 'offset 5 committed',
    });

    // A batch that is entirely filtered out: committed, no invocation.
    const invocationsBefore = readInvocations(out.dir, 'filtered').length;
    await sendMessages(
      filteredTopic,
      [1, 2, 3].map(() => ({ value: JSON.stringify({ type: 'withdrawal' }) })),
    );
    await waitFor(async () => ((await committedOffsets(group, filteredTopic))[0] === 8 ? true : undefined), {
      what: 'offset 8 committed',
    });
    expect(readInvocations(out.dir, 'filtered')).toHaveLength(invocationsBefore);
    await server.waitForOutput(
      new RegExp(
        `filtered ${filteredTopic}-0\\[5\\.\\.7\\] records=0 filtered=3 attempt=0 duration=0ms outcome=filtered`,
      ),
    );
  });
});
