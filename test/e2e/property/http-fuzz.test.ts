/**
 * Property-based tests of every HTTP endpoint through a real `serverless offline start` and a real
 * broker: thousands of generated bodies, content types, API keys and paths. Whatever comes in, the
 * answer is never a 5xx, a refusal is always a JSON error naming the problem, and Kafka receives
 * exactly the events that were answered 202, nothing for a refused request (checked with the
 * topics' end offsets, so this suite assumes no one else produces to the catalogue topics meanwhile,
 * as in `npm test`).
 */
jest.setTimeout(600_000);

import path from 'node:path';
import fc from 'fast-check';
import { catalogueTopics } from '../../../lib/events/catalogue';
import { ensureCatalogueTopics } from '../../../lib/events/topics';
import { disconnectProducer, getAdmin, topicEndOffsets } from '../../../lib/kafka';
import { type HttpAnswer, request } from '../../helpers/http';
import { freePort, type OfflineServer, startOffline } from '../../helpers/offline-server';

const ADMIN_KEY = 'property-admin-key-0123456789abcdef';
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
let server: OfflineServer;
let api: string;
const offsetsBefore: Record<string, Record<number, string>> = {};
const acceptedPerTopic: Record<string, number> = {};
const answered: Record<number, number> = {};
let emulatorAnswers = 0;

const total = (offsets: Record<number, string>) => Object.values(offsets).reduce((n, o) => n + Number(o), 0);

beforeAll(async () => {
  await ensureCatalogueTopics();
  for (const topic of catalogueTopics) offsetsBefore[topic] = await topicEndOffsets(topic);
  server = await startOffline({
    cwd: path.resolve(__dirname, '../../..'),
    httpPort: await freePort(),
    lambdaPort: await freePort(),
    args: ['--kafkaEnabled', 'false'],
    env: { ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'warn' },
  });
  api = `${server.httpUrl}/api/kafka`;
});

afterAll(async () => {
  await server?.stop();
  await disconnectProducer();
  await (await getAdmin().catch(() => undefined))?.disconnect();
});

/** The answer is not a 5xx; a refusal is JSON naming the problem; a 202 is counted per topic. */
function checkAnswer(answer: HttpAnswer, what: string): void {
  answered[answer.status] = (answered[answer.status] ?? 0) + 1;
  if (answer.status >= 500) throw new Error(`${what} → ${answer.status} ${answer.text.slice(0, 500)}`);
  if (answer.status === 202) {
    for (const { topic } of answer.json.accepted as { topic: string }[])
      acceptedPerTopic[topic] = (acceptedPerTopic[topic] ?? 0) + 1;
    return;
  }
  if (answer.status === 200) return;
  // The API Gateway emulator answers some requests itself before any function runs: a missing or
  // wrong API key ({"message": "Forbidden"}), a content-type it cannot parse ({"statusCode": 400,
  // "error": "Bad Request", "message": "Invalid content-type header"}). JSON naming the problem too.
  // And a path matching no route: {"error": "Serverless-offline: route not found.", ...}.
  const emulatorText = typeof answer.json.error === 'string' ? answer.json.error : answer.json.message;
  if (typeof answer.json.error !== 'object' && typeof emulatorText === 'string' && emulatorText !== '') {
    emulatorAnswers += 1;
    return;
  }
  const error = answer.json.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || error.message === '') {
    throw new Error(`${what} → ${answer.status} without a JSON error: ${answer.text.slice(0, 500)}`);
  }
  if (error.code === 'validation_failed' && !(Array.isArray(error.issues) && error.issues.length > 0)) {
    throw new Error(`${what} → validation_failed without issues: ${answer.text.slice(0, 500)}`);
  }
}

const contentTypes = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  fc.constantFrom(
    undefined,
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/vnd.api+json',
    'multipart/form-data; boundary=x',
  ),
  fc.string({ maxLength: 40 }),
);

/** A JSON object like `valid` with some fields replaced, removed or added. */
const mutated = (valid: Record<string, unknown>) =>
  fc
    .record({
      replace: fc.dictionary(fc.constantFrom(...Object.keys(valid)), fc.jsonValue(), { maxKeys: 3 }),
      drop: fc.subarray(Object.keys(valid), { maxLength: Math.min(2, Object.keys(valid).length) }),
      extra: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue(), { maxKeys: 2 }),
    })
    .map(({ replace, drop, extra }) => {
      const body: Record<string, unknown> = { ...valid, ...replace, ...extra };
      for (const key of drop) delete body[key];
      return JSON.stringify(body);
    });

/** Request bodies: near-valid objects, batches, arbitrary JSON, and text that is not JSON at all. */
const bodies = (valid: Record<string, unknown>) =>
  fc.oneof(
    { weight: 4, arbitrary: mutated(valid) },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.oneof(fc.constant(valid), fc.jsonValue()), { maxLength: 4 })
        .map((events) => JSON.stringify({ events })),
    },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', '{"events": []}', '\u0000', '{"a":1}{') },
  );

const post = (
  route: string,
  body: string,
  contentType: string | undefined,
  headers: Record<string, string> = {},
) =>
  request(`${api}${route}`, {
    method: 'POST',
    body,
    headers: { ...(contentType === undefined ? {} : { 'content-type': contentType }), ...headers },
  }).then(
    (answer) => answer,
    // A header value fetch itself refuses never reaches the server: not a finding.
    (error: Error) => ({ status: -1, text: error.message, json: {}, headers: new Headers() }) as HttpAnswer,
  );

const validBodies: [string, Record<string, unknown>][] = [
  ...['user-action', 'game-event', 'notification', 'analytics', 'real-time-feedback'].map(
    (slug): [string, Record<string, unknown>] => [
      `/messages/${slug}`,
      {
        user_id: 'prop-user',
        data:
          slug === 'user-action'
            ? { action: 'SLOT_SPIN', bet_amount: 5, payout: 0, symbols: ['A'] }
            : slug === 'notification'
              ? { type: 'REWARD', title: 't', body: 'b' }
              : slug === 'real-time-feedback'
                ? { feedback_type: 'WIN', intensity: 0.5 }
                : { metric: 'm' },
      },
    ],
  ),
  ['/game/slot-spin', { user_id: 'prop-user', bet_amount: 5, payout: 10, symbols: ['7', '7'] }],
  [
    '/game/gacha-open',
    { user_id: 'prop-user', gacha_id: 'g', cost: 10, items: [{ item_id: 'i', rarity: 'rare' }] },
  ],
  ['/game/cyber-token-earn', { user_id: 'prop-user', amount: 5, reason: 'r' }],
];

describe.each(validBodies)('POST %s', (route, valid) => {
  it(`never a 5xx, always a JSON error naming the problem (${RUNS} generated requests)`, async () => {
    await fc.assert(
      fc.asyncProperty(bodies(valid), contentTypes, async (body, contentType) => {
        const answer = await post(route, body, contentType);
        if (answer.status === -1) return;
        checkAnswer(answer, `POST ${route} (${contentType}) ${body.slice(0, 300)}`);
      }),
      { numRuns: RUNS },
    );
  });
});

// Names Kafka would refuse, or that reach for its internal topics: never created, never a 5xx.
const badTopicNames = fc.oneof(
  fc.constantFrom(
    '__consumer_offsets',
    '__transaction_state',
    '__cluster_metadata',
    '__share_group_state',
    '__anything',
    '.',
    '..',
    '',
    'a'.repeat(250),
    'has space',
    'slash/name',
    'ümlaut',
    'emoji😀',
    'semi;colon',
  ),
  fc.string({ minLength: 1, maxLength: 30 }).map((s) => `${s}!`),
  fc.string({ maxLength: 20 }).map((s) => `__${s.replace(/[^a-zA-Z0-9._-]/g, '')}`),
  fc.integer({ min: 250, max: 400 }).map((n) => 'x'.repeat(n)),
);

describe('POST /topics/create', () => {
  it('refuses bad and internal topic names with the key, and everything without it', async () => {
    const before = (await request(`${api}/topics/list`, { headers: { 'x-api-key': ADMIN_KEY } })).json
      .topics as {
      name: string;
    }[];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          badTopicNames.map((name) => JSON.stringify({ topics: [name] })),
          badTopicNames.map((name) => JSON.stringify({ topics: [{ name, partitions: 1 }] })),
          mutated({ topics: ['__consumer_offsets'] }),
        ),
        fc.oneof(
          { weight: 3, arbitrary: fc.constant(ADMIN_KEY) },
          fc.constant(undefined),
          fc.string({ maxLength: 40 }),
        ),
        contentTypes,
        async (body, key, contentType) => {
          const answer = await post(
            '/topics/create',
            body,
            contentType,
            key === undefined ? {} : { 'x-api-key': key },
          );
          if (answer.status === -1) return;
          checkAnswer(answer, `POST /topics/create key=${key} ${body.slice(0, 300)}`);
          // Without the key: 403, or an earlier refusal by the emulator (an unparseable content-type).
          if (key !== ADMIN_KEY && answer.status !== 403 && answer.status !== 400)
            throw new Error(`no/wrong key ${JSON.stringify(key)} answered ${answer.status}`);
          if (answer.status === 200) throw new Error(`created ${body.slice(0, 300)}`);
        },
      ),
      { numRuns: RUNS * 2 },
    );
    const after = (await request(`${api}/topics/list`, { headers: { 'x-api-key': ADMIN_KEY } })).json
      .topics as {
      name: string;
    }[];
    const created = after.filter((t) => !before.some((b) => b.name === t.name)).map((t) => t.name);
    // Only topics others may have created meanwhile could appear; none of ours is a refused name.
    expect(created.filter((name) => name.startsWith('__') || !/^[a-zA-Z0-9._-]+$/.test(name))).toEqual([]);
  });
});

describe('GET /topics/{name}/config', () => {
  it('any path segment: never a 5xx, internal topics refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(badTopicNames, fc.string({ maxLength: 60 }), fc.constantFrom(...catalogueTopics)),
        async (name) => {
          const answer = await request(`${api}/topics/${encodeURIComponent(name)}/config`, {
            headers: { 'x-api-key': ADMIN_KEY },
          });
          checkAnswer(answer, `GET /topics/${name}/config`);
          if (name.startsWith('__') && answer.status !== 400) {
            throw new Error(`internal topic ${name} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
          }
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});

describe('GET endpoints with arbitrary query strings and headers', () => {
  it.each(['/health', '/config', '/topics/list', '/openapi.json'])(
    'GET %s never answers a 5xx',
    async (route) => {
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 20 }), {
            maxKeys: 3,
          }),
          fc.dictionary(fc.stringMatching(/^x-[a-z]{1,10}$/), fc.stringMatching(/^[ -~]{0,30}$/), {
            maxKeys: 3,
          }),
          async (query, headers) => {
            const qs = new URLSearchParams(query).toString();
            const answer = await request(`${api}${route}${qs ? `?${qs}` : ''}`, { headers }).catch(
              () => undefined,
            );
            if (answer) checkAnswer(answer, `GET ${route}?${qs}`);
          },
        ),
        { numRuns: Math.ceil(RUNS / 4) },
      );
    },
  );
});

describe('nothing is produced for a refused request', () => {
  it('each topic grew by exactly the events answered 202', async () => {
    const grown: Record<string, number> = {};
    for (const topic of catalogueTopics) {
      grown[topic] = total(await topicEndOffsets(topic)) - total(offsetsBefore[topic] ?? {});
    }
    const expected = Object.fromEntries(catalogueTopics.map((t) => [t, acceptedPerTopic[t] ?? 0]));
    process.stderr.write(
      `property suite answers by status: ${JSON.stringify(answered)}; answered by the emulator itself: ${emulatorAnswers}\n`,
    );
    expect(grown).toEqual(expected);
  });
});
