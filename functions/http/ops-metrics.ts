import { declareEndpoint } from '../../lib/api/endpoint';
import { httpHandler, ok } from '../../lib/middleware';
import { collectMetrics } from '../../lib/ops/metrics';
import { MetricsResponse } from '../../lib/ops/schemas';
import { stageGroups } from '../../lib/ops/stage-groups';

export const endpoint = declareEndpoint({
  name: 'ops-metrics',
  method: 'GET',
  path: '/ops/metrics',
  summary:
    "The backbone's figures, read fresh from the broker: per topic end offsets and last minute's rate; per stage group state, members and lag; per dead-letter topic the count and latest dead letters",
  tag: 'ops',
  caller: 'operator',
  response: MetricsResponse,
  status: 200,
  errors: ['not_found', 'broker_unavailable'],
  handle: async () => ok(await collectMetrics({ stages: stageGroups() })),
});
export const handler = httpHandler(endpoint);
