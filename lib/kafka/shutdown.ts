import { disconnectAdmin } from './admin';
import { disconnectOpsCluster } from './ops-cluster';
import { disconnectProducer } from './producer';

/** Close the container's cached connections: at shutdown, and after tests that used them. */
export async function disconnectKafka(): Promise<void> {
  await Promise.all([disconnectProducer(), disconnectAdmin(), disconnectOpsCluster()]);
}
