import { declareEndpoint } from '../../lib/api/endpoint';
import { TopicConfigResponse, TopicName } from '../../lib/api/requests';
import { describeTopicConfig } from '../../lib/kafka/admin';
import { httpHandler, ok } from '../../lib/middleware';

export const endpoint = declareEndpoint({
  name: 'get-topic-config',
  method: 'GET',
  path: '/topics/{name}/config',
  parameters: { name: TopicName },
  summary: "A topic's configuration",
  tag: 'topics',
  caller: 'operator',
  response: TopicConfigResponse,
  status: 200,
  errors: ['invalid_topic', 'not_found', 'broker_unavailable'],
  handle: async ({ pathParameters }) => {
    const topic = pathParameters.name ?? '';
    const entries = await describeTopicConfig(topic);
    return ok({
      topic,
      configs: entries.map((e) => ({
        name: e.name,
        value: e.value,
        is_default: e.isDefault,
        read_only: e.readOnly,
        is_sensitive: e.isSensitive,
      })),
    });
  },
});
export const handler = httpHandler(endpoint);
