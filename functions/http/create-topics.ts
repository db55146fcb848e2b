import type { z } from 'zod';
import { declareEndpoint } from '../../lib/api/endpoint';
import { CreateTopicsRequest, CreateTopicsResponse } from '../../lib/api/requests';
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

/** A name listed twice is created once, with its first listing's settings, as two calls in a row would. */
export const firstListingOfEach = (specs: TopicSpec[]): TopicSpec[] => {
  const seen = new Set<string>();
  return specs.filter((spec) => !seen.has(spec.topic) && seen.add(spec.topic));
};

export const endpoint = declareEndpoint({
  name: 'create-topics',
  method: 'POST',
  path: '/topics/create',
  summary:
    "Create topics (idempotent: existing topics are reported, not an error; a name listed twice is created once, with its first listing's settings)",
  tag: 'topics',
  caller: 'operator',
  request: CreateTopicsRequest,
  response: CreateTopicsResponse,
  example: { topics: ['casino_promotions', { name: 'casino_jackpots', partitions: 6 }] },
  status: 200,
  errors: ['broker_unavailable'],
  handle: async ({ body }) => ok(await createTopics(firstListingOfEach(body.topics.map(toTopicSpec)))),
});
export const handler = httpHandler(endpoint);
