import { z } from 'zod';
import { EventId, topicEvent } from './envelope';

/**
 * The end of every pipeline. Its shape is a contract for push services and WebSocket bridges:
 * who it is for, what kind, a title and a body to show, and the event it is about.
 */
export const NotificationData = z.looseObject({
  type: z.string().min(1).max(64),
  title: z.string().min(1).max(200),
  body: z.string().max(2000),
  related_event_id: EventId.optional(),
});

export const NotificationEvent = topicEvent(NotificationData);
export type NotificationEvent = z.infer<typeof NotificationEvent>;
