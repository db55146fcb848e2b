import { API_PREFIX, declareEndpoint } from '../../lib/api/endpoint';
import { redactedConfig } from '../../lib/config';
import { catalogue, catalogueTopics, deadLetterTopic } from '../../lib/events/catalogue';
import { httpHandler, ok } from '../../lib/middleware';
import { DEFAULT_MAX_BODY_BYTES } from '../../lib/middleware/http-handler';

export const endpoint = declareEndpoint({
  name: 'get-config',
  method: 'GET',
  path: '/config',
  summary: 'The effective configuration, without any secret',
  tag: 'service',
  caller: 'operator',
  status: 200,
  handle: async () =>
    ok({
      ...(redactedConfig() as object),
      http: { prefix: API_PREFIX, max_body_bytes: DEFAULT_MAX_BODY_BYTES },
      topics: catalogueTopics.map((topic) => ({
        name: topic,
        dead_letter_topic: deadLetterTopic(topic),
        purpose: catalogue[topic].purpose,
      })),
    }),
});
export const handler = httpHandler(endpoint);
