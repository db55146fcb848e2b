import { z } from 'zod';
import { topicEvent } from './envelope';

/** A "dopamine trigger": feedback shown to the player at the right moment, with its intensity. */
export const FeedbackData = z.looseObject({
  feedback_type: z.string().min(1).max(64),
  intensity: z.number().min(0).max(1).optional(),
  message: z.string().max(500).optional(),
});
export const FeedbackEvent = topicEvent(FeedbackData);
export type FeedbackEvent = z.infer<typeof FeedbackEvent>;
