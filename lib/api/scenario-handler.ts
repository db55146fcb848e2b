import type { z } from 'zod';
import { produceEvents } from '../events/publish';
import { accepted, httpHandler } from '../middleware';
import type { ScenarioStart } from './scenarios';

/** The handler of `POST /game/<scenario>`: validate what the game server reports, produce the first event. */
export function scenarioHandler<Schema extends z.ZodType>(
  name: string,
  body: Schema,
  start: (request: z.output<Schema>) => ScenarioStart,
) {
  return httpHandler({ name, body }, async ({ body: request }) => {
    const { topic, event } = start(request as z.output<Schema>);
    const deliveries = await produceEvents(topic, [event]);
    return accepted({ accepted: deliveries, correlation_id: event.correlation_id });
  });
}
