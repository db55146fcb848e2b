/**
 * Push crashes: the real push stage (test/faults/fixtures/realtime-chaos-service) fails on a share of
 * its batches, before or after sending, and the whole process is killed (SIGKILL) mid-run and
 * started again; the players' clients reconnect and sync, acknowledging what they show. Every notice
 * must reach its player (live or on reconnect), and repeats may differ only by nothing: the same
 * `event_id` and the same record.
 */
jest.setTimeout(1_200_000);

import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ensureCatalogueTopics } from '../../lib/events/topics';
import { issueToken } from '../../lib/realtime/session-token';
import { deleteGroups, writeRaw } from '../e2e/pipelines/pipeline';
import { type Message, openSocket, type PlayerSocket } from '../e2e/realtime/realtime';
import { testEndpoint } from '../helpers/dynamodb';
import { uniqueName } from '../helpers/names';
import { freePort, type OfflineServer, startOffline } from '../helpers/offline-server';
import { waitFor } from '../helpers/wait';
import { recordScenario } from './helpers/report';

const FIXTURE = path.join(__dirname, 'fixtures/realtime-chaos-service');
const SECRET = 'realtime-chaos-session-secret';
const NOTICES = 150;
const USERS = 10;
const groupPrefix = uniqueName('faults-realtime');
const users = Array.from({ length: USERS }, (_, i) => `${groupPrefix}-u${i}`);
let websocketPort: number;
let server: OfflineServer | undefined;

const launch = async (): Promise<OfflineServer> =>
  startOffline({
    cwd: FIXTURE,
    httpPort: await freePort(),
    lambdaPort: await freePort(),
    env: {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? 'localhost:9092',
      STAGE_GROUP_PREFIX: groupPrefix,
      CHAOS_RATE: '0.3',
      CHAOS_DELAY_MS: '100',
      SESSION_TOKEN_SECRET: SECRET,
      WEBSOCKET_PORT: String(websocketPort),
      DYNAMODB_ENDPOINT: testEndpoint(),
      AWS_REGION: 'ap-northeast-2',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
    args: ['--kafkaBrokers', process.env.KAFKA_BROKERS ?? 'localhost:9092'],
    readyTimeoutMs: 420_000,
  });

/** A player's client as the README describes it: sync on open, acknowledge what it shows. */
class Client {
  socket: PlayerSocket | undefined;
  /** Every notice received, over every connection, in order. */
  readonly received: Message[] = [];

  constructor(readonly userId: string) {}

  async connect(): Promise<void> {
    const token = issueToken(this.userId, Date.now() / 1000 + 600, SECRET);
    const socket = await openSocket(`ws://localhost:${websocketPort}?token=${token}`);
    this.socket = socket;
    socket.ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Message;
      if (message.action !== undefined || message.event_id === undefined) return;
      this.received.push(message);
      if (socket.ws.readyState === socket.ws.OPEN)
        socket.send({ action: 'ack', event_ids: [message.event_id] });
    });
    // A cold $default on a loaded machine takes seconds; a restarted server's first ones more.
    await socket.sync(180_000);
  }

  async close(): Promise<void> {
    await this.socket?.close();
  }
}

beforeAll(async () => {
  await ensureCatalogueTopics();
  websocketPort = await freePort();
});

afterAll(async () => {
  await server?.stop();
  await deleteGroups(groupPrefix);
});

it('every notice reaches its player despite failing push batches and a SIGKILL; repeats only by event_id', async () => {
  server = await launch();
  const clients = users.map((u) => new Client(u));
  // One after another: concurrent first calls would each start a function worker of their own.
  for (const client of clients) await client.connect();

  const notices = Array.from({ length: NOTICES }, (_, i) => {
    const id = randomUUID();
    return {
      event_id: id,
      event_type: 'NOTIFICATION',
      user_id: users[i % USERS] as string,
      timestamp: Date.now() / 1000 + i / 1000,
      correlation_id: id,
      data: { type: 'TEST_NOTICE', title: `notice ${i}`, body: `the ${i}th notice` },
    };
  });
  const sent = new Map<string, string>(notices.map((n) => [n.event_id, JSON.stringify(n)]));
  await writeRaw(
    'notifications',
    notices.map((n) => ({ key: n.user_id, value: JSON.stringify(n) })),
  );
  const distinctReceived = () => new Set(clients.flatMap((c) => c.received.map((m) => m.event_id)));

  await waitFor(() => (distinctReceived().size >= NOTICES * 0.2 ? true : undefined), {
    timeoutMs: 180_000,
    intervalMs: 250,
    what: 'a fifth of the notices to reach their players before the crash',
  });
  const crashOutput = server.output();
  await server.kill();
  const throughAtCrash = distinctReceived().size;
  const restartedAt = Date.now();
  server = await launch();
  for (const client of clients) await client.connect();

  await waitFor(() => (distinctReceived().size >= NOTICES ? true : undefined), {
    timeoutMs: 240_000,
    intervalMs: 500,
    what: `all ${NOTICES} notices to reach their players`,
  });
  const recoveryMs = Date.now() - restartedAt;
  await Promise.all(clients.map((c) => c.close()));

  const received = clients.flatMap((c) => c.received.map((m) => ({ owner: c.userId, message: m })));
  const lost = [...sent.keys()].filter((id) => !distinctReceived().has(id));
  // A repeat is the same record again: the same id and every field the same, and for its own player.
  const altered = received.filter(
    ({ owner, message }) =>
      message.user_id !== owner || JSON.stringify(message) !== sent.get(String(message.event_id)),
  );
  const chaosFailures = `${crashOutput}${server.output()}`.match(/chaos: /g)?.length ?? 0;

  recordScenario({
    scenario: 'push crashes (30% failing batches + SIGKILL, clients reconnect)',
    sent: NOTICES,
    acknowledged: NOTICES,
    stored: distinctReceived().size,
    lost: lost.length,
    duplicated: altered.length,
    copies: received.length - distinctReceived().size,
    recoveryMs,
    notes: `${chaosFailures} chaos failures logged; ${throughAtCrash}/${NOTICES} delivered at the SIGKILL; recovery = restart until all delivered`,
  });

  expect(lost).toEqual([]);
  expect(altered).toEqual([]);
  expect(chaosFailures).toBeGreaterThan(0);
});
