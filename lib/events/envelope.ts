import { z } from 'zod';
import './zod-messages';

/**
 * The wire format every topic shares (compatible with the seed): a JSON object with `event_id`,
 * `event_type`, `user_id`, `timestamp` (epoch seconds, fractional) and `data`. Pipeline outputs
 * also carry `correlation_id` (the first event's id) and `causation_id` (the record that caused them).
 */

export const EventId = z.uuid();
export const UserId = z
  .string()
  .trim()
  .min(1, 'user_id must not be empty')
  .max(128, 'user_id is at most 128 characters');
export const EpochSeconds = z
  .number()
  .finite()
  .positive('timestamp is epoch seconds, e.g. 1690614300.123')
  .lt(1e11, 'timestamp is epoch seconds, not milliseconds');
export const EventType = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'event_type is a name like SLOT_SPIN or user_action');
export const Money = z.number().finite().nonnegative();

export const envelopeShape = {
  event_id: EventId,
  event_type: EventType,
  user_id: UserId,
  timestamp: EpochSeconds,
  correlation_id: EventId.optional(),
  causation_id: EventId.optional(),
};

/** One topic's event: the shared envelope around that topic's `data`. */
export const topicEvent = <Data extends z.ZodType>(data: Data) => z.strictObject({ ...envelopeShape, data });

export const nowEpochSeconds = (): number => Date.now() / 1000;

/**
 * Check `value` against a stricter schema (for one kind of event) and report its issues under
 * `path`, so callers see exactly which field is wrong rather than a vague union failure.
 */
export function refineWith(
  ctx: z.RefinementCtx,
  schema: z.ZodType,
  value: unknown,
  path: PropertyKey[],
): void {
  const result = schema.safeParse(value);
  for (const issue of result.error?.issues ?? []) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: [...path, ...issue.path] });
  }
}
