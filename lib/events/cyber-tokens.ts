import { z } from 'zod';
import { topicEvent } from './envelope';

/** A cyber-token (in-game currency) transaction. `event_type` is e.g. `TOKEN_EARNED`. */
export const CyberTokenData = z.looseObject({
  amount: z.number().int().positive(),
  reason: z.string().min(1).max(200),
  source: z.string().min(1).max(128).optional(),
});
export const CyberTokenEvent = topicEvent(CyberTokenData);
export type CyberTokenEvent = z.infer<typeof CyberTokenEvent>;
