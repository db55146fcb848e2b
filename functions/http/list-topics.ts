import { declareEndpoint } from '../../lib/api/endpoint';
import { TopicListResponse } from '../../lib/api/requests';
import { isCatalogueTopic } from '../../lib/events/catalogue';
import { listTopics } from '../../lib/kafka/admin';
import { httpHandler, ok } from '../../lib/middleware';

export const describeTopic = ({ name, partitions }: { name: string; partitions: number }) => ({
  name,
  partitions,
  catalogue: isCatalogueTopic(name),
  dead_letter: name.endsWith('_dlq') && isCatalogueTopic(name.slice(0, -'_dlq'.length)),
});

export const endpoint = declareEndpoint({
  name: 'list-topics',
  method: 'GET',
  path: '/topics/list',
  summary: 'Topics with their partition counts; catalogue and dead-letter topics marked',
  tag: 'topics',
  caller: 'operator',
  response: TopicListResponse,
  status: 200,
  errors: ['broker_unavailable'],
  handle: async () => ok({ topics: (await listTopics()).map(describeTopic) }),
});
export const handler = httpHandler(endpoint);
