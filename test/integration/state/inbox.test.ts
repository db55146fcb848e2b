/**
 * The inbox and connection primitives (for the WebSocket delivery) against the local DynamoDB.
 */
import { randomUUID } from 'node:crypto';
import {
  ackNotices,
  addConnection,
  getConnection,
  InvalidCursorError,
  listConnections,
  listPendingNotices,
  putInboxNotice,
  removeConnection,
  type StateStore,
} from '../../../lib/state';
import { createTestState, type TestState } from '../../helpers/dynamodb';
import { waitFor } from '../../helpers/wait';

let state: TestState;
beforeAll(async () => {
  state = await createTestState('inbox');
});
afterAll(() => state.close());

const user = () => `user-${randomUUID()}`;
const notice = (userId: string, eventId: string, at: number) => ({
  userId,
  eventId,
  notifiedAt: at,
  body: JSON.stringify({ event_id: eventId, user_id: userId, data: { type: 'REWARD' } }),
});
/** The store as seen `seconds` later (expiry is judged by the clock). */
const later = (seconds: number): StateStore => ({ ...state.store, now: () => Date.now() + seconds * 1000 });

describe('inbox', () => {
  it('lists unacknowledged notices oldest first, each once however often it is put', async () => {
    const userId = user();
    const ids = ['n-3', 'n-1', 'n-2'].map((n) => `${n}-${randomUUID()}`);
    const times = [3_000, 1_000, 2_000];
    for (let i = 0; i < ids.length; i += 1) {
      expect(await putInboxNotice(notice(userId, ids[i]!, times[i]!), state.store)).toBe(true);
    }
    expect(await putInboxNotice(notice(userId, ids[0]!, times[0]!), state.store)).toBe(false);
    const page = await listPendingNotices(userId, {}, state.store);
    expect(page.notices.map((n) => n.notified_at)).toEqual([1_000, 2_000, 3_000]);
    expect(page.next_cursor).toBeNull();
    expect(JSON.parse(page.notices[0]!.body)).toMatchObject({ event_id: ids[1], data: { type: 'REWARD' } });
  });

  it('does not list (or take back) an acknowledged notice, even when it is delivered again', async () => {
    const userId = user();
    const [a, b] = [randomUUID(), randomUUID()];
    await putInboxNotice(notice(userId, a, 1), state.store);
    await putInboxNotice(notice(userId, b, 2), state.store);
    const unknown = randomUUID();
    expect(await ackNotices(userId, [a, a, unknown], state.store)).toEqual({
      acknowledged: [a],
      unknown: [unknown],
    });
    expect(await ackNotices(userId, [a], state.store)).toEqual({ acknowledged: [a], unknown: [] });
    expect(await putInboxNotice(notice(userId, a, 1), state.store)).toBe(false);
    expect((await listPendingNotices(userId, {}, state.store)).notices.map((n) => n.event_id)).toEqual([b]);
    // Another player cannot acknowledge this player's notices.
    expect(await ackNotices(user(), [b], state.store)).toEqual({ acknowledged: [], unknown: [b] });
  });

  it('pages with a cursor and forgets expired notices', async () => {
    const userId = user();
    for (let i = 1; i <= 7; i += 1)
      await putInboxNotice(notice(userId, `e${i}-${randomUUID()}`, i), state.store);
    const first = await listPendingNotices(userId, { limit: 3 }, state.store);
    const second = await listPendingNotices(userId, { limit: 3, cursor: first.next_cursor! }, state.store);
    const third = await listPendingNotices(userId, { limit: 3, cursor: second.next_cursor! }, state.store);
    expect([...first.notices, ...second.notices, ...third.notices].map((n) => n.notified_at)).toEqual([
      1, 2, 3, 4, 5, 6, 7,
    ]);
    expect(third.next_cursor).toBeNull();
    await expect(listPendingNotices(user(), { cursor: first.next_cursor! }, state.store)).rejects.toThrow(
      InvalidCursorError,
    );
    expect((await listPendingNotices(userId, {}, later(8 * 24 * 3600))).notices).toEqual([]);
  });
});

describe('connections', () => {
  it('records several devices of a player, finds them, and forgets each once', async () => {
    const userId = user();
    const [phone, tablet] = [`c-${randomUUID()}`, `c-${randomUUID()}`];
    await addConnection({ connectionId: phone, userId }, state.store);
    await addConnection({ connectionId: tablet, userId }, state.store);
    await addConnection({ connectionId: `c-${randomUUID()}`, userId: user() }, state.store);
    // The by-user index is eventually consistent on DynamoDB.
    const both = await waitFor(async () => {
      const found = await listConnections(userId, state.store);
      return found.length === 2 ? found : undefined;
    });
    expect(both.map((c) => c.connection_id).sort()).toEqual([phone, tablet].sort());
    expect(await getConnection(phone, state.store)).toMatchObject({ user_id: userId });

    expect(await removeConnection(phone, state.store)).toMatchObject({
      connection_id: phone,
      user_id: userId,
    });
    expect(await removeConnection(phone, state.store)).toBeUndefined();
    expect(await getConnection(phone, state.store)).toBeUndefined();
    expect((await listConnections(userId, state.store)).map((c) => c.connection_id)).toEqual([tablet]);
  });

  it('never lists a connection past its expiry, although DynamoDB deletes it only later', async () => {
    const userId = user();
    const id = `c-${randomUUID()}`;
    await addConnection({ connectionId: id, userId }, state.store);
    expect(await listConnections(userId, later(3 * 3600))).toEqual([]);
    expect(await getConnection(id, later(3 * 3600))).toBeUndefined();
  });
});
