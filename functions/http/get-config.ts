import { API_PREFIX } from '../../lib/api/routes';
import { redactedConfig } from '../../lib/config';
import { catalogue, catalogueTopics, deadLetterTopic } from '../../lib/events/catalogue';
import { httpHandler, ok } from '../../lib/middleware';
import { DEFAULT_MAX_BODY_BYTES } from '../../lib/middleware/http-handler';

export const handler = httpHandler({ name: 'get-config' }, async () =>
  ok({
    ...(redactedConfig() as object),
    http: { prefix: API_PREFIX, max_body_bytes: DEFAULT_MAX_BODY_BYTES },
    topics: catalogueTopics.map((topic) => ({
      name: topic,
      dead_letter_topic: deadLetterTopic(topic),
      purpose: catalogue[topic].purpose,
    })),
  }),
);
