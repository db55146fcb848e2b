/**
 * Shared by the real-time suites and bench/realtime.ts: the root service under `serverless offline
 * start` with its WebSocket server on a port of its own, and a `ws` client that keeps every message.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { ensureCatalogueTopics } from '../../../lib/events/topics';
import { startHqSandbox } from '../../../lib/hq/sandbox';
import { disconnectProducer } from '../../../lib/kafka';
import { loadStages } from '../../../lib/pipeline/stages';
import { type StateStore, tableNames } from '../../../lib/state';
import { createDocumentClient } from '../../../lib/state/client';
import { DEFAULT_REGION } from '../../../lib/state/config';
import { LOCAL_TABLE_PREFIX } from '../../../lib/state/tables';
import { testEndpoint } from '../../helpers/dynamodb';
import { type HttpAnswer, request } from '../../helpers/http';
import { uniqueName } from '../../helpers/names';
import { freePort, type OfflineServer, startOffline } from '../../helpers/offline-server';
import { waitFor } from '../../helpers/wait';
import { brokers, SERVICE_DIR, type Stack } from '../pipelines/pipeline';

export interface RealtimeStack extends Stack {
  websocketPort: number;
  session(userId: string): Promise<HttpAnswer>;
  connect(userId: string): Promise<PlayerSocket>;
}

/** The service as `npm start` runs it, with this run's consumer groups and WebSocket port. */
export async function startRealtimeStack(name: string): Promise<RealtimeStack> {
  const websocketPort = await freePort();
  // Read by serverless.yml when the stack (re)starts; the functions reach moto and @connections with them.
  Object.assign(process.env, {
    WEBSOCKET_PORT: String(websocketPort),
    ESBUILD_WORK_FOLDER: `.serverless/esbuild-${name}`,
    DYNAMODB_ENDPOINT: testEndpoint(),
    AWS_REGION: process.env.AWS_REGION ?? DEFAULT_REGION,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
  });
  const stack = await startServiceStack(name);
  const session = (userId: string) =>
    request(`${stack.server.httpUrl}/api/kafka/players/${encodeURIComponent(userId)}/session`, {
      method: 'POST',
    });
  return Object.assign(stack, {
    websocketPort,
    session,
    async connect(userId: string) {
      const answer = await session(userId);
      if (answer.status !== 201) throw new Error(`session ${answer.status}: ${answer.text}`);
      return openSocket(String(answer.json.url));
    },
  });
}

/** How long a loaded machine may take to bundle and start the whole service. */
const READY_TIMEOUT_MS = 420_000;

/**
 * As the pipeline suites' `startStack` (the root service, consumer groups of this run's own starting
 * at the end of the topics, fast batch retries), with more time to start: the real-time suites
 * run beside other agents' servers on two cores.
 */
async function startServiceStack(name: string): Promise<Stack> {
  await ensureCatalogueTopics();
  const hq = await startHqSandbox({ port: 0 });
  const groupPrefix = uniqueName(name);
  const stageCount = loadStages().length;
  const launch = async (): Promise<OfflineServer> => {
    const server = await startOffline({
      cwd: SERVICE_DIR,
      httpPort: await freePort(),
      lambdaPort: await freePort(),
      env: {
        KAFKA_BROKERS: brokers(),
        HQ_API_URL: hq.url,
        STAGE_GROUP_PREFIX: groupPrefix,
        STAGE_STARTING_POSITION: 'LATEST',
      },
      args: [
        '--kafkaRetryInitialDelayMs',
        '300',
        '--kafkaRetryMaxDelayMs',
        '2000',
        '--kafkaSessionTimeoutMs',
        '6000',
      ],
      readyTimeoutMs: READY_TIMEOUT_MS,
    });
    await waitFor(
      () => {
        const joined = new Set(
          [...server.output().matchAll(/ready: (\w+) <- (?:kafka|msk) /g)].map((m) => m[1]),
        );
        return joined.size >= stageCount ? true : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 250, what: `all ${stageCount} stage consumers to join their groups` },
    );
    return server;
  };
  let server = await launch();
  return {
    get server() {
      return server;
    },
    hq,
    groupPrefix,
    post: (route, body) => request(`${server.httpUrl}/api/kafka${route}`, { method: 'POST', body }),
    async restart() {
      server = await launch();
    },
    async stop() {
      await server.stop();
      await hq.close();
      await disconnectProducer();
    },
  };
}

/** The local stage's player store, as the functions under `serverless offline` use it. */
export function localStore(): StateStore {
  return {
    client: createDocumentClient({ endpoint: testEndpoint(), region: DEFAULT_REGION }),
    tables: tableNames(LOCAL_TABLE_PREFIX),
    now: Date.now,
  };
}

export type Message = Record<string, unknown> & {
  action?: string;
  event_id?: string;
  event_type?: string;
  user_id?: string;
  data?: Record<string, unknown>;
};

export interface PlayerSocket {
  ws: WebSocket;
  /** Every message received, parsed, in arrival order, with its arrival time (ms). */
  messages: { at: number; message: Message }[];
  /** Notifications (not control messages) received so far. */
  notices(): Message[];
  send(message: unknown): void;
  /** Waits for the first message after index `from` that matches. */
  next(match: (m: Message) => boolean, timeoutMs?: number, from?: number): Promise<Message>;
  /** `sync`, then wait for `synced`; returns the notices that came with it. */
  sync(timeoutMs?: number): Promise<Message[]>;
  ack(eventIds: string[]): Promise<Message>;
  close(): Promise<void>;
}

/** Opens a socket; rejects with the refused status when the handshake is refused. */
export function openSocket(url: string): Promise<PlayerSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const messages: PlayerSocket['messages'] = [];
    ws.on('message', (data) => {
      messages.push({ at: Date.now(), message: JSON.parse(String(data)) as Message });
    });
    ws.once('unexpected-response', (_request, response) => {
      reject(new HandshakeRefused(response.statusCode ?? 0));
      ws.terminate();
    });
    ws.once('error', reject);
    ws.once('open', () => {
      const socket: PlayerSocket = {
        ws,
        messages,
        notices: () => messages.map((m) => m.message).filter((m) => m.action === undefined),
        send: (message) => ws.send(JSON.stringify(message)),
        next: (match, timeoutMs = 30_000, from = 0) =>
          waitFor(() => messages.slice(from).find((m) => match(m.message))?.message, {
            timeoutMs,
            intervalMs: 20,
            what: 'a message on the socket',
          }),
        async sync(timeoutMs = 30_000) {
          const from = messages.length;
          socket.send({ action: 'sync' });
          await socket.next((m) => m.action === 'synced', timeoutMs, from);
          return messages
            .slice(from)
            .map((m) => m.message)
            .filter((m) => m.action === undefined);
        },
        async ack(eventIds) {
          const from = messages.length;
          socket.send({ action: 'ack', event_ids: eventIds });
          return socket.next((m) => m.action === 'acked' || m.action === 'error', 30_000, from);
        },
        close: () =>
          new Promise((done) => {
            if (ws.readyState === WebSocket.CLOSED) return done();
            ws.once('close', () => done());
            ws.close();
          }),
      };
      resolve(socket);
    });
  });
}

export class HandshakeRefused extends Error {
  constructor(readonly status: number) {
    super(`WebSocket handshake refused: ${status}`);
  }
}

/** A notification for `userId` written through the API (the game server's `POST /messages/notification`). */
export async function notify(stack: Stack, userId: string, title: string): Promise<string> {
  const answer = await stack.post('/messages/notification', {
    user_id: userId,
    data: { type: 'TEST_NOTICE', title, body: `${title} (${randomUUID()})` },
  });
  if (answer.status !== 202) throw new Error(`notification ${answer.status}: ${answer.text}`);
  return String((answer.json.accepted as { event_id: string }[])[0]?.event_id);
}
