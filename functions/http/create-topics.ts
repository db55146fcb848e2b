import type { z } from 'zod';
import { CreateTopicsRequest } from '../../lib/api/requests';
import { createTopics, type TopicSpec } from '../../lib/kafka/admin';
import { httpHandler, ok } from '../../lib/middleware';

type Requested = z.output<typeof CreateTopicsRequest>['topics'][number];

export const toTopicSpec = (requested: Requested): TopicSpec =>
  typeof requested === 'string'
    ? { topic: requested }
    : {
        topic: requested.name,
        ...(requested.partitions && { partitions: requested.partitions }),
        ...(requested.replication_factor && { replicationFactor: requested.replication_factor }),
        ...(requested.configs && { configs: requested.configs }),
      };

export const handler = httpHandler({ name: 'create-topics', body: CreateTopicsRequest }, async ({ body }) =>
  ok(await createTopics(body.topics.map(toTopicSpec))),
);
