import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type StateStore, stateStore } from './client';
import { stateError } from './errors';
import { requireIdentity } from './inputs';

/**
 * Whether a notice of the inbox has been acknowledged (false when it is pending or unknown). The push
 * stage asks when a redelivered notification finds its notice already stored: an acknowledged one is
 * not sent again.
 */
export async function isNoticeAcknowledged(
  userId: string,
  eventId: string,
  store: StateStore = stateStore(),
): Promise<boolean> {
  requireIdentity(userId, eventId);
  const found = await store.client
    .send(
      new GetCommand({
        TableName: store.tables.inbox,
        Key: { user_id: userId, event_id: eventId },
        ProjectionExpression: 'acked_at',
        ConsistentRead: true,
      }),
    )
    .catch((error: unknown) => {
      throw stateError(error, `reading notice ${eventId} of ${userId}`);
    });
  return typeof found.Item?.acked_at === 'string';
}
