import { z } from 'zod';
import { EventId } from './envelope';

/** Why a stage gave up on a record for good. */
export const DeadLetterReason = z.enum([
  /** No value at all (a tombstone): there is no event to process. */
  'empty_value',
  /** The value is not JSON. */
  'undecodable',
  /** JSON that fails the topic's schema. */
  'invalid_event',
  /** The stage's rule refused it (e.g. the headquarters rejected a grant, an unknown VIP tier). */
  'rejected',
  /** The rule produced an event its topic's schema refuses: a bug, kept rather than lost. */
  'invalid_output',
]);

/**
 * What a stage writes to `<topic>_dlq` for a record that can never succeed: the original bytes and
 * where they were, why they failed, and how often this container had been handed the record.
 */
export const DeadLetter = z.strictObject({
  /** Derived from the coordinates and the stage, so a redelivered batch repeats the same id. */
  dead_letter_id: EventId,
  stage: z.string().min(1),
  topic: z.string().min(1),
  partition: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  /** The record's Kafka timestamp, epoch milliseconds. */
  timestamp: z.number().int(),
  key: z.string().nullable(),
  /** The original value: UTF-8 text when it is valid UTF-8, otherwise base64; null for a tombstone. */
  value: z.string().nullable(),
  value_encoding: z.enum(['utf8', 'base64']),
  /**
   * The record's headers in the order written, each value encoded as `value` is; a redrive writes
   * them back. Absent in dead letters written before headers were kept.
   */
  headers: z
    .array(
      z.strictObject({
        name: z.string(),
        value: z.string(),
        value_encoding: z.enum(['utf8', 'base64']),
      }),
    )
    .optional(),
  /** Read from the value when it is a JSON object carrying them, to find the record's scenario. */
  event_id: z.string().nullable(),
  correlation_id: z.string().nullable(),
  reason: DeadLetterReason,
  /** A specific code from the rule, e.g. `hq_rejected`, `unknown_tier`. */
  rule_reason: z.string().optional(),
  error: z.string(),
  /** How many times this container had been handed this record (1 = first delivery). */
  attempt: z.number().int().positive(),
  /** ISO 8601. */
  failed_at: z.iso.datetime(),
});
export type DeadLetterReason = z.infer<typeof DeadLetterReason>;
export type DeadLetter = z.infer<typeof DeadLetter>;
