import { isCatalogueTopic } from '../../lib/events/catalogue';
import { listTopics } from '../../lib/kafka/admin';
import { httpHandler, ok } from '../../lib/middleware';

export const describeTopic = ({ name, partitions }: { name: string; partitions: number }) => ({
  name,
  partitions,
  catalogue: isCatalogueTopic(name),
  dead_letter: name.endsWith('_dlq') && isCatalogueTopic(name.slice(0, -'_dlq'.length)),
});

export const handler = httpHandler({ name: 'list-topics' }, async () =>
  ok({ topics: (await listTopics()).map(describeTopic) }),
);
