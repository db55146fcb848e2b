import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { type FieldIssue, fieldIssues, ValidationError } from '../errors';
import { sendMessages, toMessage } from '../kafka';
import { type CatalogueTopic, catalogue, type TopicEvent } from './catalogue';
import { nowEpochSeconds } from './envelope';

/** Where one accepted event landed. */
export interface Delivery {
  event_id: string;
  topic: string;
  partition: number;
  offset: string;
}

/** The fields a caller may leave out of an event: the server fills in an id, the time and the type. */
export function completeEvent<T extends CatalogueTopic>(
  topic: T,
  input: Record<string, unknown>,
): Record<string, unknown> {
  return {
    event_id: randomUUID(),
    event_type: catalogue[topic].defaultEventType,
    timestamp: nowEpochSeconds(),
    ...input,
  };
}

/** Validate events against their topic's schema, naming every wrong field (prefixed by its index in a batch). */
export function validateEvents<T extends CatalogueTopic>(
  topic: T,
  events: unknown[],
  pathPrefix: (index: number) => (string | number)[] = (i) => (events.length === 1 ? [] : ['events', i]),
): TopicEvent<T>[] {
  const schema: z.ZodType = catalogue[topic].schema;
  const issues: FieldIssue[] = [];
  const valid = events.map((event, index) => {
    const parsed = schema.safeParse(event);
    if (!parsed.success) issues.push(...fieldIssues(parsed.error.issues, pathPrefix(index)));
    return parsed.data as TopicEvent<T>;
  });
  if (issues.length > 0) {
    throw new ValidationError(
      `${topic} event failed validation: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return valid;
}

/** Validate and produce catalogue events in one call; nothing is sent unless every event is valid. */
export const produceEvents = async <T extends CatalogueTopic>(
  topic: T,
  events: unknown[],
  pathPrefix?: (index: number) => (string | number)[],
): Promise<Delivery[]> => produceValidEvents(topic, validateEvents(topic, events, pathPrefix));

/** Produce events already valid for their topic (e.g. a request body its schema checked), in one call. */
export async function produceValidEvents<T extends CatalogueTopic>(
  topic: T,
  valid: readonly TopicEvent<T>[],
): Promise<Delivery[]> {
  const placed = await sendMessages(
    topic,
    valid.map((event) => toMessage(event)),
  );
  return valid.map((event, i) => ({ event_id: event.event_id, topic, ...placed[i]! }));
}
