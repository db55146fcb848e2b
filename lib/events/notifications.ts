import { z } from 'zod';
import { EventId, topicEvent } from './envelope';

/**
 * The end of every pipeline. Its shape is a contract for push services and WebSocket bridges:
 * who it is for, what kind, a title and a body to show, and the event it is about.
 */
export const NotificationData = z
  .looseObject({
    type: z
      .string()
      .min(1)
      .max(64)
      .describe(
        'What kind of notice: REWARD (a spin paid), FEEDBACK (a reward or consolation moment), ' +
          'TOKENS_GRANTED (cyber tokens confirmed by headquarters), LEVEL_UP (battle pass), ' +
          'VIP_PERKS (a VIP tier reached), ACCESS_DENIED (19+ content refused); other producers may add types',
      ),
    title: z.string().min(1).max(200).describe('Short text to show, e.g. as a push title'),
    body: z.string().max(2000).describe('The message to show'),
    related_event_id: EventId.optional().describe(
      'The event this notice is about (the record that caused it)',
    ),
  })
  .describe(
    'Type-specific details may sit beside these fields (e.g. payout, tier, perks, level, hq_grant_id); ' +
      'the envelope carries user_id (who it is for), correlation_id (the scenario) and causation_id',
  );

export const NotificationEvent = topicEvent(NotificationData);
export type NotificationEvent = z.infer<typeof NotificationEvent>;
