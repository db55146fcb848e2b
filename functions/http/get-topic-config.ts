import { describeTopicConfig } from '../../lib/kafka/admin';
import { httpHandler, ok } from '../../lib/middleware';

export const handler = httpHandler({ name: 'get-topic-config' }, async ({ pathParameters }) => {
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
});
