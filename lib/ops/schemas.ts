import { z } from 'zod';

/** The answers of the ops endpoints, as the OpenAPI document shows them (lib/ops/metrics.ts, redrive.ts). */

const Partition = z.number().int().nonnegative();
const Offset = z.number().int();

const DeadLetterSummary = z.object({
  dead_letter_id: z.string().nullable(),
  event_id: z.string().nullable(),
  reason: z.string(),
  rule_reason: z.string().optional(),
  error: z.string(),
  stage: z.string().nullable(),
  attempt: z.number().int().nullable(),
  original: z.object({ topic: z.string(), partition: Partition, offset: Offset }).nullable(),
  failed_at: z.string().nullable(),
  dlq_partition: Partition,
  dlq_offset: Offset,
});

export const MetricsResponse = z.object({
  generated_at: z.string().describe('When the figures were read (ISO 8601)'),
  rate_window_seconds: z.number().int(),
  topics: z.array(
    z.object({
      topic: z.string(),
      partitions: z.array(z.object({ partition: Partition, start_offset: Offset, end_offset: Offset })),
      records_in_window: z.number().int(),
      rate_per_second: z.number(),
    }),
  ),
  stages: z.array(
    z.object({
      stage: z.string(),
      group: z.string(),
      topic: z.string(),
      state: z.string().describe('The consumer group state: Stable, Empty, PreparingRebalance, Dead…'),
      members: z.number().int(),
      member_ids: z.array(z.string()),
      partitions: z.array(
        z.object({
          partition: Partition,
          committed_offset: Offset.nullable(),
          end_offset: Offset,
          lag: z.number().int().nullable(),
        }),
      ),
      total_lag: z.number().int(),
    }),
  ),
  dead_letters: z.array(
    z.object({
      topic: z.string(),
      count: z.number().int(),
      latest: z.array(DeadLetterSummary).describe('The latest dead letters, newest first'),
    }),
  ),
});

const RedriveItem = z.object({
  dead_letter_id: z.string().nullable(),
  event_id: z.string().nullable(),
  dlq_partition: Partition,
  dlq_offset: Offset,
  source_topic: z.string().nullable(),
  source_partition: Partition.nullable(),
  source_offset: Offset.optional().describe('Where the redriven record landed'),
});

export const RedriveResponse = z.object({
  dlq_topic: z.string(),
  dry_run: z.boolean(),
  selected: z.number().int().describe('Dead letters the selection matched'),
  redriven: z
    .array(RedriveItem)
    .describe('Put back on their source topic by this call (in a dry run: would be)'),
  skipped: z.array(
    RedriveItem.extend({ reason: z.enum(['already_redriven', 'in_progress', 'not_a_dead_letter']) }),
  ),
});
