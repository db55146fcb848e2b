import { z } from 'zod';
import './zod-messages';

/**
 * The wire format every topic shares (compatible with the seed): a JSON object with `event_id`,
 * `event_type`, `user_id`, `timestamp` (epoch seconds, fractional) and `data`. Pipeline outputs
 * also carry `correlation_id` (the first event's id) and `causation_id` (the record that caused them).
 */

export const EventId = z.uuid();
/**
 * A character that is not blank. Spelled out rather than `\S`: JavaScript and Python (schemathesis,
 * reading the OpenAPI document) disagree on what `\s` covers (U+FEFF, U+001C–U+001F, U+0085), so a
 * user id one of them calls blank passed the other. This class means the same in both.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+001C–U+001F are blank to Python, so named here.
const NOT_BLANK = /[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\x1c-\x1f\x85]/;

export const UserId = z
  .string()
  .max(128, 'user_id is at most 128 characters')
  .regex(NOT_BLANK, 'user_id must not be empty or blank');
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
 * One kind of event whose `data` must also match a stricter schema, e.g. a `SLOT_SPIN` action or a
 * `GACHA_OPENED` event: which field names the kind, its value, and the schema its data must match.
 */
export interface DataCondition {
  field: 'event_type' | 'data.action';
  equals: string;
  data: z.ZodType;
}

const kindOf = (event: { event_type?: unknown; data?: unknown }, field: DataCondition['field']): unknown =>
  field === 'event_type' ? event.event_type : (event.data as { action?: unknown } | undefined)?.action;

/**
 * `schema` with `condition` enforced, naming exactly which data field is wrong, and the same rule
 * written into its JSON Schema (if/then), so the OpenAPI document says what the code enforces.
 */
export function withDataCondition<Schema extends z.ZodObject>(schema: Schema, condition: DataCondition) {
  const { field, equals, data } = condition;
  const { $schema: _dialect, ...dataSchema } = z.toJSONSchema(data, { io: 'input', unrepresentable: 'any' });
  const when =
    field === 'event_type'
      ? { properties: { event_type: { const: equals } }, required: ['event_type'] }
      : {
          properties: { data: { properties: { action: { const: equals } }, required: ['action'] } },
          required: ['data'],
        };
  return (
    schema
      .superRefine((event, ctx) => {
        if (kindOf(event, field) !== equals) return;
        const result = data.safeParse(event.data);
        for (const issue of result.error?.issues ?? []) {
          ctx.addIssue({ code: 'custom', message: issue.message, path: ['data', ...issue.path] });
        }
      })
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keywords, not a thenable
      .meta({ allOf: [{ if: when, then: { properties: { data: dataSchema } } }] })
  );
}
