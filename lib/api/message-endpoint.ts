import type { CatalogueTopic } from '../events/catalogue';
import { accepted } from '../middleware';
import { declareEndpoint } from './endpoint';
import { publishMessages } from './publish';
import { AcceptedResponse, messageBody } from './requests';

/** `POST /messages/<slug>`: one event or a batch, in the seed's format, to `topic`; the game server's. */
export const messageEndpoint = (slug: string, topic: CatalogueTopic, example: Record<string, unknown>) =>
  declareEndpoint({
    name: `send-${slug}`,
    method: 'POST',
    path: `/messages/${slug}`,
    summary: `Produce one ${topic} event, or a batch {"events": [...]}, to the ${topic} topic`,
    tag: 'messages',
    caller: 'gameServer',
    request: messageBody(topic),
    response: AcceptedResponse,
    example,
    status: 202,
    errors: ['broker_unavailable'],
    handle: async ({ body }) => accepted({ accepted: await publishMessages(topic, body) }),
  });
