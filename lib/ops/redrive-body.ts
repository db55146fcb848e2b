import { z } from 'zod';
import { fieldIssues, ValidationError } from '../errors';
import type { RedriveRequest } from './redrive';

const Offset = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * The body of `POST /api/kafka/dlq/{topic}/redrive`: which dead letters, and whether only to say
 * what would be redriven. `select` is `"all"`, `{"event_ids": [...]}` (a dead letter's event id or
 * its dead_letter_id) or `{"partition", "from", "to"}` (dead-letter offsets, both included).
 */
export const RedriveBody = z.strictObject({
  select: z.union([
    z.literal('all'),
    z.strictObject({ event_ids: z.array(z.string().min(1).max(128)).min(1).max(1000) }),
    z
      .strictObject({ partition: z.number().int().nonnegative(), from: Offset, to: Offset })
      .refine((range) => range.from <= range.to, { message: 'from must not be above to', path: ['from'] })
      .describe('Dead-letter offsets from `from` to `to`, both included; `from` must not be above `to`'),
  ]),
  dry_run: z.boolean().default(false),
});
export type RedriveBody = z.infer<typeof RedriveBody>;

/** The redrive request for `dlqTopic` from a parsed JSON body; a wrong body is a 400 naming its fields. */
export function redriveRequest(dlqTopic: string, body: unknown): RedriveRequest {
  const parsed = RedriveBody.safeParse(body);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error.issues);
    throw new ValidationError(
      `Invalid redrive request: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return { dlqTopic, select: parsed.data.select, dryRun: parsed.data.dry_run };
}
