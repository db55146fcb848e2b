import { z } from 'zod';
import {
  type CatalogueTopic,
  catalogue,
  EpochSeconds,
  EventId,
  EventType,
  GachaItem,
  Money,
  UserId,
  withDataCondition,
} from '../events';

/** Request and response bodies of the HTTP API: validated by the functions, documented by OpenAPI. */

/**
 * The seed's message format for one topic: the endpoint implies `event_type`, the server stamps
 * `timestamp` and `event_id`; the topic's data and its kind-specific rule (a `SLOT_SPIN`'s bet, a
 * `GACHA_OPENED`'s pull) apply as they do on the topic.
 */
export function messageInput(topic: CatalogueTopic) {
  const entry: { data: z.ZodType; condition?: Parameters<typeof withDataCondition>[1] } = catalogue[topic];
  const input = z.strictObject({
    event_id: EventId.optional(),
    event_type: EventType.optional(),
    user_id: UserId,
    timestamp: EpochSeconds.optional(),
    data: entry.data,
  });
  return entry.condition ? withDataCondition(input, entry.condition) : input;
}

/** One event, or a batch `{"events": [...]}` sent to Kafka in one produce call. */
export const messageBody = (topic: CatalogueTopic) =>
  z.union([messageInput(topic), z.strictObject({ events: z.array(messageInput(topic)).min(1) })]);

const OptionalId = z.string().min(1).max(128).optional();

export const SlotSpinRequest = z.strictObject({
  user_id: UserId,
  bet_amount: Money,
  payout: Money,
  symbols: z.array(z.string().min(1).max(64)).min(1).max(64),
  game_id: OptionalId,
  session_id: OptionalId,
});

export const GachaOpenRequest = z.strictObject({
  user_id: UserId,
  gacha_id: z.string().min(1).max(128),
  cost: Money,
  items: z.array(GachaItem).min(1).max(100),
});

export const CyberTokenEarnRequest = z.strictObject({
  user_id: UserId,
  amount: z.number().int().positive().max(1_000_000_000),
  reason: z.string().min(1).max(200),
  source: OptionalId,
});

/** Kafka's topic-name rules (those of topicNameProblem), as checks the OpenAPI document can state. */
export const TopicName = z
  .string()
  .min(1, 'invalid topic name: must not be empty')
  .max(249, 'invalid topic name: must be at most 249 characters')
  .regex(/^[a-zA-Z0-9._-]+$/, 'invalid topic name: may contain only ASCII letters, digits, ".", "_" and "-"')
  .regex(/^(?!\.\.?$)/, 'invalid topic name: must not be "." or ".."')
  .regex(/^(?!__)/, 'invalid topic name: names starting with "__" are reserved for Kafka internal topics');

export const CreateTopicsRequest = z.strictObject({
  topics: z
    .array(
      z.union([
        TopicName,
        z.strictObject({
          name: TopicName,
          // Bounded so one request cannot swamp the cluster with partitions.
          partitions: z.number().int().min(1).max(100).optional(),
          replication_factor: z
            .number()
            .int()
            .min(1)
            .max(16)
            .optional()
            .describe('At most the number of brokers: the cluster refuses more with a 400'),
          configs: z
            .record(z.string().regex(/^[a-z0-9.]+$/, 'config names look like retention.ms'), z.string())
            .optional(),
        }),
      ]),
    )
    .min(1)
    .max(20),
});

// Responses

export const Delivery = z.object({
  event_id: EventId,
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string().describe('Kafka offset, as a string (int64)'),
});

export const AcceptedResponse = z.object({
  accepted: z.array(Delivery),
  correlation_id: EventId.optional().describe('for game scenarios: the id that follows the pipeline'),
});

export const ErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
  request_id: z.string().optional(),
});

export const CreateTopicsResponse = z.object({ created: z.array(z.string()), existing: z.array(z.string()) });

export const TopicListResponse = z.object({
  topics: z.array(
    z.object({
      name: z.string(),
      partitions: z.number().int(),
      catalogue: z.boolean(),
      dead_letter: z.boolean(),
    }),
  ),
});

export const TopicConfigResponse = z.object({
  topic: z.string(),
  configs: z.array(
    z.object({
      name: z.string(),
      value: z.string().nullable(),
      is_default: z.boolean(),
      read_only: z.boolean(),
      is_sensitive: z.boolean(),
    }),
  ),
});

export const HealthResponse = z.object({
  status: z.enum(['ok', 'unavailable']),
  kafka: z.object({
    reachable: z.boolean(),
    cluster_id: z.string().optional(),
    controller: z.number().int().nullable().optional(),
    brokers: z
      .array(z.object({ node_id: z.number().int(), host: z.string(), port: z.number().int() }))
      .optional(),
    error: z.string().optional(),
  }),
});
