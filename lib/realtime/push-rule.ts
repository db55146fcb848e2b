import type { NotificationEvent } from '../events/notifications';
import type { Emit, RuleContext } from '../pipeline/stage';
import { connectionSender } from './connections-api';
import { pushNotification } from './deliver';

/**
 * The push stage's rule: produces nothing, delivers (inbox, then every socket of the player). The
 * record's own JSON is what the player receives, so the notification contract is exactly the topic's.
 */
export async function pushNotificationRule(
  event: NotificationEvent,
  { record, log }: RuleContext,
): Promise<readonly Emit[]> {
  const body = Buffer.from(record.value ?? '', 'base64').toString('utf8');
  const result = await pushNotification(
    {
      userId: event.user_id,
      eventId: event.event_id,
      notifiedAtMs: Math.round(event.timestamp * 1000),
      body,
    },
    connectionSender(),
    log,
  );
  log.debug('notification pushed', { ...result });
  return [];
}
