import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../errors';
import { type StateStore, stateStore } from './client';
import { decodeCursor, encodeCursor, isKeyText } from './cursor';
import { hasErrorName, stateError } from './errors';
import { requireIdentity, requireNonNegative, requireText } from './inputs';

/**
 * A player's inbox: every notification lands here (until its TTL) so a client that was offline
 * catches up. `pending_at` (notification time, then event id) exists only until the notice is
 * acknowledged, so the sparse local index `pending` lists exactly the unacknowledged, oldest first.
 * A redelivered notification never comes back once acknowledged: it is only put if absent.
 */

export const INBOX_RETENTION_SECONDS = 7 * 24 * 3600;
export const INBOX_PAGE_MAX = 100;
const ACK_MAX = 100;

export interface InboxNotice {
  event_id: string;
  /** The notification's time, epoch milliseconds. */
  notified_at: number;
  /** The notification exactly as published (JSON text), to send as is. */
  body: string;
}

export interface PutNoticeInput {
  userId: string;
  eventId: string;
  notifiedAt: number;
  body: string;
  retentionSeconds?: number;
}

const pendingAt = (notifiedAt: number, eventId: string) =>
  `${String(Math.floor(notifiedAt)).padStart(15, '0')}#${eventId}`;

const isConditionFailure = (error: unknown) => hasErrorName(error, 'ConditionalCheckFailedException');

/** Puts a notice in the inbox; false when it was there already (pending or acknowledged). */
export async function putInboxNotice(
  input: PutNoticeInput,
  store: StateStore = stateStore(),
): Promise<boolean> {
  requireIdentity(input.userId, input.eventId);
  requireNonNegative(input.notifiedAt, 'notified_at');
  requireText(input.body, 'body', 350_000);
  const expiresAt = Math.floor(store.now() / 1000) + (input.retentionSeconds ?? INBOX_RETENTION_SECONDS);
  try {
    await store.client.send(
      new PutCommand({
        TableName: store.tables.inbox,
        Item: {
          user_id: input.userId,
          event_id: input.eventId,
          notified_at: input.notifiedAt,
          pending_at: pendingAt(input.notifiedAt, input.eventId),
          body: input.body,
          expires_at: expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(event_id)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw stateError(error, `putting notice ${input.eventId} in the inbox of ${input.userId}`);
  }
}

export interface NoticePage {
  notices: InboxNotice[];
  next_cursor: string | null;
}

/** The unacknowledged, unexpired notices, oldest first. */
export async function listPendingNotices(
  userId: string,
  options: { cursor?: string; limit?: number } = {},
  store: StateStore = stateStore(),
): Promise<NoticePage> {
  requireText(userId, 'user_id');
  const limit = options.limit ?? INBOX_PAGE_MAX;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > INBOX_PAGE_MAX) {
    throw new ValidationError(`limit must be an integer from 1 to ${INBOX_PAGE_MAX}`, [
      { path: 'limit', message: `must be an integer from 1 to ${INBOX_PAGE_MAX}` },
    ]);
  }
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, userId, isKeyText);
  const found: (InboxNotice & { pending_at: string })[] = [];
  let start: Record<string, unknown> | undefined;
  // The expiry filter applies after Limit, so keep reading until one more than asked or the end.
  do {
    const page = await store.client
      .send(
        new QueryCommand({
          TableName: store.tables.inbox,
          IndexName: 'pending',
          KeyConditionExpression:
            after === undefined ? 'user_id = :u' : 'user_id = :u AND pending_at > :after',
          FilterExpression: 'expires_at > :now',
          ExpressionAttributeValues: {
            ':u': userId,
            ':now': Math.floor(store.now() / 1000),
            ...(after !== undefined && { ':after': after }),
          },
          ScanIndexForward: true,
          Limit: limit + 1,
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      )
      .catch((error: unknown) => {
        throw stateError(error, `reading the inbox of ${userId}`);
      });
    found.push(...((page.Items ?? []) as (InboxNotice & { pending_at: string })[]));
    start = page.LastEvaluatedKey;
  } while (start && found.length <= limit);
  const notices = found.slice(0, limit);
  const last = notices.at(-1);
  return {
    notices: notices.map(({ event_id, notified_at, body }) => ({ event_id, notified_at, body })),
    next_cursor: found.length > limit && last ? encodeCursor(userId, last.pending_at) : null,
  };
}

export interface AckResult {
  acknowledged: string[];
  /** Ids the inbox does not hold (never delivered to it, or expired). */
  unknown: string[];
}

/** Acknowledges notices by event id: they are not listed (or sent) again. Repeating an ack is harmless. */
export async function ackNotices(
  userId: string,
  eventIds: readonly string[],
  store: StateStore = stateStore(),
): Promise<AckResult> {
  requireText(userId, 'user_id');
  const ids = [...new Set(eventIds)];
  if (
    ids.length > ACK_MAX ||
    ids.some((id) => typeof id !== 'string' || id.length === 0 || id.length > 256)
  ) {
    throw new ValidationError(`event_ids must be at most ${ACK_MAX} non-empty strings`, [
      { path: 'event_ids', message: `must be at most ${ACK_MAX} non-empty strings` },
    ]);
  }
  const ackedAt = new Date(store.now()).toISOString();
  const results = await Promise.all(
    ids.map(async (eventId) => {
      try {
        await store.client.send(
          new UpdateCommand({
            TableName: store.tables.inbox,
            Key: { user_id: userId, event_id: eventId },
            UpdateExpression: 'SET acked_at = if_not_exists(acked_at, :t) REMOVE pending_at',
            ConditionExpression: 'attribute_exists(event_id)',
            ExpressionAttributeValues: { ':t': ackedAt },
          }),
        );
        return { eventId, known: true };
      } catch (error) {
        if (isConditionFailure(error)) return { eventId, known: false };
        throw stateError(error, `acknowledging ${eventId} for ${userId}`);
      }
    }),
  );
  return {
    acknowledged: results.filter((r) => r.known).map((r) => r.eventId),
    unknown: results.filter((r) => !r.known).map((r) => r.eventId),
  };
}
