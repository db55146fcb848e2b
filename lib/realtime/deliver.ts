import type { Logger } from '../log';
import {
  ackNotices,
  getConnection,
  listConnections,
  listPendingNotices,
  putInboxNotice,
  removeConnection,
  type StateStore,
  stateStore,
} from '../state';
import { isNoticeAcknowledged } from '../state/notice-status';
import type { ConnectionSender } from './connections-api';
import type { ServerMessage } from './messages';

/**
 * Delivery to a player: every notification is first stored in the player's inbox (so a device that
 * is offline gets it on its next sync), then sent to each of the player's live connections. A
 * connection API Gateway no longer knows (410) is forgotten; any other failure is thrown, so the
 * batch is delivered again: the player may see a notice twice and drops repeats by `event_id`.
 */

export interface Notification {
  userId: string;
  eventId: string;
  notifiedAtMs: number;
  /** The record's JSON exactly as published. */
  body: string;
}

export interface PushResult {
  sent: number;
  gone: number;
  /** The notice was acknowledged before (a redelivery): not sent again. */
  skipped: boolean;
}

export async function pushNotification(
  notice: Notification,
  sender: ConnectionSender,
  log: Logger,
  store: StateStore = stateStore(),
): Promise<PushResult> {
  const stored = await putInboxNotice(
    { userId: notice.userId, eventId: notice.eventId, notifiedAt: notice.notifiedAtMs, body: notice.body },
    store,
  );
  if (!stored && (await isNoticeAcknowledged(notice.userId, notice.eventId, store)))
    return { sent: 0, gone: 0, skipped: true };
  const connections = await listConnections(notice.userId, store);
  const outcomes = await Promise.all(
    connections.map(async ({ connection_id }) => {
      const outcome = await sender.send(connection_id, notice.body);
      if (outcome === 'gone') {
        log.info('connection gone; forgotten', { connection_id });
        await removeConnection(connection_id, store);
      }
      return outcome;
    }),
  );
  return {
    sent: outcomes.filter((o) => o === 'sent').length,
    gone: outcomes.filter((o) => o === 'gone').length,
    skipped: false,
  };
}

const control = (message: ServerMessage) => JSON.stringify(message);

/** Every unacknowledged notice, oldest first, then `synced`. Returns how many were sent. */
export async function syncConnection(
  connectionId: string,
  userId: string,
  sender: ConnectionSender,
  store: StateStore = stateStore(),
): Promise<number> {
  let sent = 0;
  let cursor: string | undefined;
  do {
    const page = await listPendingNotices(userId, cursor === undefined ? {} : { cursor }, store);
    for (const notice of page.notices) {
      if ((await sender.send(connectionId, notice.body)) === 'gone') return sent;
      sent += 1;
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  await sender.send(connectionId, control({ action: 'synced', sent }));
  return sent;
}

export async function acknowledge(
  userId: string,
  eventIds: readonly string[],
  store: StateStore = stateStore(),
): Promise<ServerMessage> {
  const result = await ackNotices(userId, eventIds, store);
  return { action: 'acked', event_ids: result.acknowledged, unknown: result.unknown };
}

/** The player a connection belongs to, or undefined when it is not (or no longer) recorded. */
export async function connectionOwner(connectionId: string, store: StateStore = stateStore()) {
  return (await getConnection(connectionId, store))?.user_id;
}
