import { z } from 'zod';
import { topicEvent } from './envelope';

/**
 * An access request for 19+ content, carrying what the identity service verified. Fields are
 * optional on purpose: the gate must see (and deny) incomplete requests rather than drop them.
 */
export const AdultContentData = z.looseObject({
  content_id: z.string().min(1).max(128),
  verified_age: z.number().int().nonnegative().optional(),
  verification_state: z.enum(['verified', 'pending', 'failed', 'unverified']).optional(),
});
export const AdultContentEvent = topicEvent(AdultContentData);
export type AdultContentEvent = z.infer<typeof AdultContentEvent>;
