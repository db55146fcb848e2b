import type { z } from 'zod';
import { produceEvents } from '../events/publish';
import { accepted } from '../middleware';
import { declareEndpoint } from './endpoint';
import { AcceptedResponse } from './requests';
import type { ScenarioStart } from './scenarios';

/** `POST /game/<scenario>`: what the game server reports becomes the first event of a pipeline. */
export const scenarioEndpoint = <Schema extends z.ZodType>(scenario: {
  name: string;
  path: string;
  summary: string;
  request: Schema;
  example: z.input<Schema>;
  start: (request: z.output<Schema>) => ScenarioStart;
}) =>
  declareEndpoint({
    name: scenario.name,
    method: 'POST',
    path: scenario.path,
    summary: scenario.summary,
    tag: 'game',
    caller: 'gameServer',
    request: scenario.request,
    response: AcceptedResponse,
    example: scenario.example as Record<string, unknown>,
    status: 202,
    errors: ['broker_unavailable'],
    handle: async ({ body }) => {
      const { topic, event } = scenario.start(body as z.output<Schema>);
      const deliveries = await produceEvents(topic, [event]);
      return accepted({ accepted: deliveries, correlation_id: event.correlation_id });
    },
  });
