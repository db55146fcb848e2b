/**
 * Secrets and admin calls, through a real `serverless offline start`: the service is configured with
 * SASL credentials (which the local PLAINTEXT broker cannot accept) and an admin key, both random
 * for this run. Admin calls without the right key are refused; the password and the key appear
 * nowhere in `/config`, in any answer body, or in the service's logs; and a broker that refuses
 * the handshake yields a prompt 503 naming the problem, never a hang.
 */
jest.setTimeout(300_000);

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { type HttpAnswer, request } from '../../helpers/http';
import { freePort, type OfflineServer, startOffline } from '../../helpers/offline-server';

const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const ADMIN_KEY = `admin-${randomBytes(12).toString('hex')}`;
let server: OfflineServer;
let api: string;
const bodies: string[] = [];

const call = async (route: string, init: Parameters<typeof request>[1] = {}): Promise<HttpAnswer> => {
  const answer = await request(`${api}${route}`, init);
  bodies.push(answer.text, JSON.stringify([...answer.headers.entries()]));
  return answer;
};

beforeAll(async () => {
  server = await startOffline({
    cwd: path.resolve(__dirname, '../../..'),
    httpPort: await freePort(),
    lambdaPort: await freePort(),
    args: ['--kafkaEnabled', 'false'],
    env: {
      ADMIN_API_KEY: ADMIN_KEY,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'casino-app',
      KAFKA_SASL_PASSWORD: PASSWORD,
      KAFKA_PRODUCER_RETRIES: '1',
      LOG_LEVEL: 'debug',
    },
  });
  api = `${server.httpUrl}/api/kafka`;
});

afterAll(async () => {
  await server?.stop();
});

it('GET /config shows the mechanism and user, never the password or the admin key', async () => {
  const answer = await call('/config', { headers: { 'x-api-key': ADMIN_KEY } });
  expect(answer.status).toBe(200);
  expect(answer.json).toMatchObject({
    kafka: { sasl: { mechanism: 'scram-sha-512', username: 'casino-app' } },
  });
  expect(answer.text).not.toContain(PASSWORD);
  expect(answer.text).not.toContain(ADMIN_KEY);
});

it('admin endpoints refuse calls without the key or with a wrong one', async () => {
  const body = { topics: ['never-created-by-security-test'] };
  const attempts: Record<string, string>[] = [
    {},
    { 'x-api-key': 'wrong' },
    { 'x-api-key': `${ADMIN_KEY}x` },
    { 'x-api-key': '' },
  ];
  for (const headers of attempts) {
    const answer = await call('/topics/create', { method: 'POST', body, headers });
    expect(answer.status).toBe(403);
  }
});

it('credentials the broker cannot accept: a prompt 503 naming the problem, not a hang', async () => {
  for (const route of ['/health', '/messages/user-action', '/topics/list']) {
    const started = Date.now();
    const answer =
      route === '/messages/user-action'
        ? await call(route, { method: 'POST', body: { user_id: 'sec-user', data: { action: 'LOGIN' } } })
        : await call(route, route === '/topics/list' ? { headers: { 'x-api-key': ADMIN_KEY } } : {});
    const took = Date.now() - started;
    expect({ route, status: answer.status }).toEqual({ route, status: 503 });
    expect(took).toBeLessThan(30_000);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    const message = JSON.stringify(answer.json);
    expect(message).toMatch(/Kafka/);
  }
});

it('the password and the admin key appear in no answer and no log line', async () => {
  // Stopped first, so that every line the service printed (its shutdown too) is read.
  await server.stop();
  // serverless-offline itself prints the API key it accepts once at startup ("Key with token"), a
  // local development convenience of the emulator, not our functions' logging: that banner is excluded.
  const logs = server
    .output()
    .split('\n')
    .filter((line) => !/Key with token/i.test(line))
    .join('\n');
  expect(logs.length).toBeGreaterThan(0);
  expect(logs).not.toContain(PASSWORD);
  expect(logs).not.toContain(ADMIN_KEY);
  for (const body of bodies) {
    expect(body).not.toContain(PASSWORD);
    expect(body).not.toContain(ADMIN_KEY);
  }
});
