import { BrokerUnavailableError } from '../../lib/errors';
import { describeCluster } from '../../lib/kafka/admin';
import { toKafkaError } from '../../lib/kafka/kafka-errors';
import { httpHandler, ok } from '../../lib/middleware';

export const handler = httpHandler({ name: 'get-health' }, async () => {
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
});
