import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { loadEndpoints } from '../../../lib/api/endpoints';
import { ensureCatalogueTopics } from '../../../lib/events/topics';
import { topicEndOffsets } from '../../../lib/kafka/admin';
import { type Accepted, request } from '../../helpers/http';
import { type KcatRecord, kcatConsume } from '../../helpers/kcat';
import { uniqueName } from '../../helpers/names';
import { freePort, type OfflineServer, startOffline } from '../../helpers/offline-server';

// The HTTP API through a real `serverless offline start` and a real broker: every endpoint over
// HTTP, and what each accepted request produced read back from Kafka with kcat.

jest.setTimeout(180_000);

const ADMIN_KEY = 'e2e-admin-key-0123456789abcdef';
let server: OfflineServer;
let api: string;

beforeAll(async () => {
  await ensureCatalogueTopics();
  server = await startOffline({
    cwd: path.resolve(__dirname, '../../..'),
    httpPort: await freePort(),
    lambdaPort: await freePort(),
    env: { ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'info' },
  });
  api = `${server.httpUrl}/api/kafka`;
});

afterAll(async () => {
  await server?.stop();
  // Kept for diagnosis when a test fails: serverless-offline's own log of every invocation.
  writeFileSync(path.join(tmpdir(), 'e2e-http-offline.log'), server?.output() ?? '');
});

const readBack = async ({ topic, partition, offset }: Accepted): Promise<KcatRecord> => {
  const [record] = await kcatConsume(topic, ['-p', String(partition), '-o', offset, '-c', '1']);
  if (!record) throw new Error(`nothing at ${topic}/${partition}@${offset}`);
  return record;
};

const endOffset = (topic: string) => topicEndOffsets(topic);

describe('messages', () => {
  const endpoints: [string, string, Record<string, unknown>][] = [
    ['user-action', 'user_actions', { action: 'LOGIN', device: 'ios' }],
    ['game-event', 'game_events', { game_id: 'neon-slots', result: 'win' }],
    ['notification', 'notifications', { type: 'REWARD', title: 'Bonus', body: '100 coins' }],
    ['analytics', 'analytics', { metric: 'session_length', seconds: 120 }],
    ['real-time-feedback', 'real_time_feedback', { feedback_type: 'BIG_WIN', intensity: 0.8 }],
  ];

  it.each(endpoints)('POST /messages/%s produces to %s what it accepted', async (slug, topic, data) => {
    const user = uniqueName('user');
    const res = await request(`${api}/messages/${slug}`, { method: 'POST', body: { user_id: user, data } });
    expect(res.status).toBe(202);
    const [accepted] = res.json.accepted as Accepted[];
    expect(accepted).toMatchObject({ topic, event_id: expect.any(String) });

    const record = await readBack(accepted!);
    expect(record.key).toBe(user);
    const value = JSON.parse(record.payload!);
    expect(value).toMatchObject({ event_id: accepted!.event_id, user_id: user, data });
    expect(value.timestamp).toBeGreaterThan(1.7e9);
    expect(value.timestamp).toBeLessThan(1e11);
    expect(record.headers).toContainEqual(['event-id', accepted!.event_id]);
  });

  it('sends a batch in one call and reports every event', async () => {
    const user = uniqueName('batch');
    const events = Array.from({ length: 50 }, (_, i) => ({
      user_id: `${user}-${i % 7}`,
      data: { action: 'TAP', i },
    }));
    const res = await request(`${api}/messages/user-action`, { method: 'POST', body: { events } });
    expect(res.status).toBe(202);
    const accepted = res.json.accepted as Accepted[];
    expect(accepted).toHaveLength(50);
    for (const [i, a] of accepted.entries()) {
      if (i % 10 !== 0) continue;
      const record = await readBack(a);
      expect(JSON.parse(record.payload!)).toMatchObject({ event_id: a.event_id, data: { i } });
    }
  });

  it('refuses an invalid body with a 400 naming the field, and produces nothing', async () => {
    const before = await endOffset('game_events');
    const res = await request(`${api}/messages/game-event`, {
      method: 'POST',
      body: { user_id: 'u', event_type: 'GACHA_OPENED', data: { gacha_id: 'g', cost: -5, items: [] } },
    });
    expect(res.status).toBe(400);
    expect(res.json.error?.issues?.map((i) => i.path).sort()).toEqual(['data.cost', 'data.items']);
    expect(await endOffset('game_events')).toEqual(before);
  });

  it('answers 400 for malformed JSON and 413 for an oversized body or batch, producing nothing', async () => {
    const before = await endOffset('game_events');
    const malformed = await request(`${api}/messages/game-event`, {
      method: 'POST',
      body: '{"user_id": "u", data: }',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error?.code).toBe('malformed_json');

    const huge = await request(`${api}/messages/game-event`, {
      method: 'POST',
      body: { user_id: 'u', data: { blob: 'x'.repeat(2 * 1024 * 1024) } },
    });
    expect(huge.status).toBe(413);
    expect(huge.json).toBeTruthy();

    const events = Array.from({ length: 1001 }, () => ({ user_id: 'u', data: {} }));
    const tooMany = await request(`${api}/messages/game-event`, { method: 'POST', body: { events } });
    expect(tooMany.status).toBe(413);
    expect(tooMany.json.error?.message).toContain('1000');
    expect(await endOffset('game_events')).toEqual(before);
  });
});

describe('game scenarios', () => {
  it.each([
    [
      'slot-spin',
      'user_actions',
      'SLOT_SPIN',
      { bet_amount: 50, payout: 500, symbols: ['7', '7', '7'], game_id: 'neon' },
    ],
    [
      'gacha-open',
      'game_events',
      'GACHA_OPENED',
      { gacha_id: 'g1', cost: 300, items: [{ item_id: 'sword', rarity: 'epic' }] },
    ],
    ['cyber-token-earn', 'cyber_tokens', 'TOKEN_EARNED', { amount: 25, reason: 'daily login' }],
  ])('POST /game/%s starts its pipeline on %s', async (slug, topic, type, body) => {
    const user = uniqueName('player');
    const res = await request(`${api}/game/${slug}`, { method: 'POST', body: { user_id: user, ...body } });
    expect(res.status).toBe(202);
    const [accepted] = res.json.accepted as Accepted[];
    expect(accepted!.topic).toBe(topic);
    expect(res.json.correlation_id).toBe(accepted!.event_id);
    const value = JSON.parse((await readBack(accepted!)).payload!);
    expect(value).toMatchObject({ event_type: type, user_id: user, correlation_id: accepted!.event_id });
  });
});

describe('topics', () => {
  it('creates topics only with the API key, idempotently', async () => {
    const name = uniqueName('api-topic');
    const body = { topics: [{ name, partitions: 2, configs: { 'retention.ms': '600000' } }] };
    const noKey = await request(`${api}/topics/create`, { method: 'POST', body, anonymous: true });
    expect(noKey.status).toBe(403);
    // The game server's key is a key of this API, but not the operator's.
    const gameKey = await request(`${api}/topics/create`, { method: 'POST', body });
    expect(gameKey.status).toBe(403);
    expect(gameKey.json.error?.code).toBe('forbidden');
    const wrongKey = await request(`${api}/topics/create`, {
      method: 'POST',
      body,
      headers: { 'x-api-key': 'nope' },
    });
    expect(wrongKey.status).toBe(403);

    const created = await request(`${api}/topics/create`, {
      method: 'POST',
      body,
      headers: { 'x-api-key': ADMIN_KEY },
    });
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ created: [name], existing: [] });
    const again = await request(`${api}/topics/create`, {
      method: 'POST',
      body,
      headers: { 'x-api-key': ADMIN_KEY },
    });
    expect(again.json).toEqual({ created: [], existing: [name] });

    const list = await request(`${api}/topics/list`, { headers: { 'x-api-key': ADMIN_KEY } });
    const topics = list.json.topics as { name: string; partitions: number; catalogue: boolean }[];
    expect(topics).toContainEqual({ name, partitions: 2, catalogue: false, dead_letter: false });
    expect(topics).toContainEqual({
      name: 'user_actions',
      partitions: 3,
      catalogue: true,
      dead_letter: false,
    });

    const config = await request(`${api}/topics/${name}/config`, { headers: { 'x-api-key': ADMIN_KEY } });
    expect(config.status).toBe(200);
    expect(config.json.configs).toContainEqual(
      expect.objectContaining({ name: 'retention.ms', value: '600000' }),
    );
  });

  it('refuses internal and invalid topic names, and reports unknown topics', async () => {
    const internal = await request(`${api}/topics/create`, {
      method: 'POST',
      body: { topics: ['__consumer_offsets'] },
      headers: { 'x-api-key': ADMIN_KEY },
    });
    expect(internal.status).toBe(400);
    expect(internal.json.error?.issues?.[0]?.message).toContain('reserved');
    const asOperator = { headers: { 'x-api-key': ADMIN_KEY } };
    expect((await request(`${api}/topics/__consumer_offsets/config`, asOperator)).status).toBe(400);
    expect((await request(`${api}/topics/${uniqueName('absent')}/config`, asOperator)).status).toBe(404);
  });
});

describe('service endpoints', () => {
  it('GET /health reports the cluster', async () => {
    const res = await request(`${api}/health`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      status: 'ok',
      kafka: { reachable: true, cluster_id: expect.any(String) },
    });
  });

  it('GET /config shows the configuration and never the admin key', async () => {
    const res = await request(`${api}/config`, { headers: { 'x-api-key': ADMIN_KEY } });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(ADMIN_KEY);
    expect(res.json).toMatchObject({ kafka: { brokers: expect.any(Array) } });
  });

  it('GET /openapi.json is valid OpenAPI 3.1 listing every endpoint, and /docs renders it', async () => {
    const res = await request(`${api}/openapi.json`);
    expect(res.status).toBe(200);
    const validation = await new Validator().validate(res.json);
    expect(validation.valid).toBe(true);
    expect(Object.keys(res.json.paths as object)).toHaveLength(
      new Set(loadEndpoints().map((endpoint) => endpoint.path)).size,
    );
    const docs = await request(`${api}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(docs.text).toContain('/api/kafka/game/slot-spin');
  });
});

describe('producer caching', () => {
  const connects = () =>
    [
      ...server
        .output()
        .matchAll(
          /"message":"kafka producer connecting"[^\n]*"function":"casino-events-local-sendNotification"/g,
        ),
    ].map((m) => m[0]);

  it('opens one producer connection per worker, not per request', async () => {
    const body = { user_id: 'cache-probe', data: { type: 'INFO', title: 't', body: 'b' } };
    const before = connects().length;
    for (let i = 0; i < 30; i += 1) {
      expect((await request(`${api}/messages/notification`, { method: 'POST', body })).status).toBe(202);
    }
    // Sequential requests reuse a warm worker: at most the one that started cold connects.
    expect(connects().length - before).toBeLessThanOrEqual(1);

    // Concurrent requests may start more workers (as Lambda starts instances); each connects once.
    for (let round = 0; round < 10; round += 1) {
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => request(`${api}/messages/notification`, { method: 'POST', body })),
      );
      for (const res of answers) expect(res.status).toBe(202);
    }
    const instances = connects().map((line) => /"instance":"(\w+)"/.exec(line)?.[1]);
    expect(new Set(instances).size).toBe(instances.length);
    expect(instances.length).toBeLessThanOrEqual(5);
  });
});
