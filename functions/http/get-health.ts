import { declareEndpoint } from '../../lib/api/endpoint';
import { HealthResponse } from '../../lib/api/requests';
import { BrokerUnavailableError } from '../../lib/errors';
import { describeCluster } from '../../lib/kafka/admin';
import { toKafkaError } from '../../lib/kafka/kafka-errors';
import { httpHandler, ok } from '../../lib/middleware';

export const endpoint = declareEndpoint({
  name: 'get-health',
  method: 'GET',
  path: '/health',
  summary: 'Whether Kafka is reachable, with cluster id, brokers and controller (200 or 503)',
  tag: 'service',
  caller: 'public',
  response: HealthResponse,
  status: 200,
  errors: ['broker_unavailable'],
  handle: async () => {
    try {
      const cluster = await describeCluster();
      return ok({
        status: 'ok',
        kafka: {
          reachable: true,
          cluster_id: cluster.clusterId,
          controller: cluster.controller,
          brokers: cluster.brokers.map((b) => ({ node_id: b.nodeId, host: b.host, port: b.port })),
        },
      });
    } catch (error) {
      const mapped = toKafkaError(error);
      if (!(mapped instanceof BrokerUnavailableError)) throw mapped;
      return {
        statusCode: 503,
        headers: mapped.headers,
        body: { status: 'unavailable', kafka: { reachable: false, error: mapped.message } },
      };
    }
  },
});
export const handler = httpHandler(endpoint);
