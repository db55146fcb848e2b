import { accepted, httpHandler } from '../middleware';
import { publishMessages } from './publish';
import { AnyJsonObject, messageEndpoints } from './requests';

/** The handler of `POST /messages/<slug>`: one event or a batch to the endpoint's topic. */
export function messageHandler(slug: keyof typeof messageEndpoints) {
  const { topic } = messageEndpoints[slug];
  return httpHandler({ name: `send-${slug}`, body: AnyJsonObject }, async ({ body }) =>
    accepted({ accepted: await publishMessages(topic, body) }),
  );
}
