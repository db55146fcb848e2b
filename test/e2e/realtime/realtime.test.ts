/**
 * Real-time delivery over real `serverless offline start`: sessions, the WebSocket routes, the push
 * stage, the inbox catch-up, and the player page in headless Chromium. Each test has users of its own.
 */

import { LOCAL_SESSION_SECRET } from '../../../lib/realtime/config';
import { issueToken } from '../../../lib/realtime/session-token';
import { listPendingNotices } from '../../../lib/state';
import { launchBrowser, screenshot } from '../../helpers/browser';
import { uniqueName } from '../../helpers/names';
import { waitFor } from '../../helpers/wait';
import { eventsOf } from '../pipelines/pipeline';
import {
  HandshakeRefused,
  localStore,
  type Message,
  notify,
  openSocket,
  type PlayerSocket,
  type RealtimeStack,
  startRealtimeStack,
} from './realtime';

jest.setTimeout(240_000);

let stack: RealtimeStack;
const sockets: PlayerSocket[] = [];
const store = localStore();

const connect = async (userId: string) => {
  const socket = await stack.connect(userId);
  sockets.push(socket);
  return socket;
};

beforeAll(async () => {
  stack = await startRealtimeStack('e2e-realtime');
}, 900_000);

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await stack?.stop();
  store.client.destroy();
});

const refusal = (url: string) =>
  openSocket(url).then(
    async (socket) => {
      await socket.close();
      return 'opened';
    },
    (error: unknown) => (error instanceof HandshakeRefused ? error.status : String(error)),
  );

it('refuses the handshake for a missing, forged or expired token; a fresh session opens', async () => {
  const base = `ws://localhost:${stack.websocketPort}`;
  const expired = issueToken('player-x', Date.now() / 1000 - 1, LOCAL_SESSION_SECRET);
  const forged = issueToken('player-x', Date.now() / 1000 + 300, 'somebody-elses-secret-value');
  expect({
    missing: await refusal(base),
    garbage: await refusal(`${base}?token=not-a-token`),
    forged: await refusal(`${base}?token=${forged}`),
    expired: await refusal(`${base}?token=${expired}`),
  }).toEqual({ missing: 401, garbage: 401, forged: 401, expired: 401 });

  const session = await stack.session(uniqueName('player'));
  expect(session.status).toBe(201);
  expect(session.json).toEqual({
    token: expect.any(String),
    url: expect.stringMatching(new RegExp(`^ws://localhost:${stack.websocketPort}/\\?token=`)),
    expires_at: expect.any(String),
  });
  expect(await refusal(String(session.json.url))).toBe('opened');
  // Only the game server's key makes sessions.
  const anonymous = await fetch(`${stack.server.httpUrl}/api/kafka/players/p1/session`, { method: 'POST' });
  expect(anonymous.status).toBe(403);
});

it('answers ping with pong and anything else with an error message, never closing the socket', async () => {
  const socket = await connect(uniqueName('player'));
  socket.send({ action: 'ping' });
  expect(await socket.next((m) => m.action === 'pong')).toEqual({ action: 'pong', at: expect.any(Number) });
  const from = socket.messages.length;
  socket.ws.send('this is not JSON');
  socket.send({ action: 'dance' });
  socket.send({ action: 'ack', event_ids: 'not-a-list' });
  await waitFor(() => (socket.messages.slice(from).length >= 3 ? true : undefined), {
    what: 'three answers',
  });
  const errors = socket.messages.slice(from).map((m) => m.message);
  expect(errors).toHaveLength(3);
  for (const error of errors) expect(error).toEqual({ action: 'error', message: expect.any(String) });
  socket.send({ action: 'ping' });
  await socket.next((m) => m.action === 'pong', 30_000, from + 3);
  expect(socket.ws.readyState).toBe(socket.ws.OPEN);
});

it("delivers a slot spin's REWARD and FEEDBACK to both of the player's devices, exactly as on the topic", async () => {
  const userId = uniqueName('spinner');
  const [phone, tablet] = [await connect(userId), await connect(userId)];
  await Promise.all([phone.sync(), tablet.sync()]);
  const spin = await stack.post('/game/slot-spin', {
    user_id: userId,
    bet_amount: 50,
    payout: 500,
    symbols: ['7', '7', '7'],
    game_id: 'neon-slots',
  });
  expect(spin.status).toBe(202);
  const correlationId = String(spin.json.correlation_id);
  const typeOf = (m: Message) => String(m.data?.type);
  for (const device of [phone, tablet]) {
    await device.next((m) => typeOf(m) === 'REWARD', 120_000);
    await device.next((m) => typeOf(m) === 'FEEDBACK', 120_000);
  }
  const onTopic = await waitFor(
    async () => {
      const events = await eventsOf('notifications', correlationId);
      return events.length >= 2 ? events : undefined;
    },
    { timeoutMs: 30_000, what: 'the notifications on the topic' },
  );
  const asPublished = onTopic.map(({ partition: _p, offset: _o, ...event }) => event);
  for (const device of [phone, tablet]) {
    const received = device.notices().filter((m) => m.correlation_id === correlationId);
    // The same records: ids, types and every field (the README's notification contract, unchanged).
    expect(new Set(received.map((m) => m.event_id))).toEqual(new Set(onTopic.map((e) => e.event_id)));
    expect(received.map(typeOf).sort()).toEqual(['FEEDBACK', 'REWARD']);
    for (const notice of received) expect(asPublished).toContainEqual(notice);
  }
});

it('catches a reconnecting client up on what it missed, oldest first, never what it acknowledged', async () => {
  const userId = uniqueName('traveller');
  const first = await connect(userId);
  expect(await first.sync()).toEqual([]);
  await first.close();
  const pending = async (count: number) =>
    waitFor(
      async () => {
        const page = await listPendingNotices(userId, {}, store);
        return page.notices.length >= count ? page.notices : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: `${count} notice(s) in the inbox of ${userId}` },
    );

  const missed = [];
  for (const title of ['first', 'second', 'third']) missed.push(await notify(stack, userId, title));
  await pending(3);
  const second = await connect(userId);
  const caughtUp = await second.sync();
  expect(caughtUp.map((m) => m.event_id)).toEqual(missed);
  expect(await second.ack(missed.slice(0, 2))).toEqual({
    action: 'acked',
    event_ids: missed.slice(0, 2),
    unknown: [],
  });
  await second.close();

  const fourth = await notify(stack, userId, 'fourth');
  await waitFor(
    async () =>
      (await listPendingNotices(userId, {}, store)).notices.some((n) => n.event_id === fourth)
        ? true
        : undefined,
    { timeoutMs: 60_000, intervalMs: 250, what: 'the fourth notice in the inbox' },
  );
  const third = await connect(userId);
  expect((await third.sync()).map((m) => m.event_id)).toEqual([missed[2], fourth]);
});

it('serves the player page: clicking spin shows the REWARD and FEEDBACK notices', async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const userId = uniqueName('page-player');
    await page.goto(`${stack.server.httpUrl}/api/kafka/play`);
    await page.fill('#user', userId);
    await page.click('#connect');
    await page.waitForSelector('#status:has-text("connected (")', { timeout: 60_000 });
    await page.click('#spin');
    await page.waitForSelector('#notices li.REWARD', { timeout: 120_000 });
    await page.waitForSelector('#notices li.FEEDBACK', { timeout: 120_000 });
    await page.waitForSelector('#answer:has-text("202")');
    await screenshot(page, 'player-page');
    // Shown once each, and acknowledged: a new session catches up on nothing.
    expect(await page.locator('#notices li.REWARD').count()).toBe(1);
    expect(await page.locator('#notices li.FEEDBACK').count()).toBe(1);
    await waitFor(
      async () => ((await listPendingNotices(userId, {}, store)).notices.length === 0 ? true : undefined),
      { timeoutMs: 30_000, what: 'the page to acknowledge what it showed' },
    );
  } finally {
    await browser.close();
  }
});
