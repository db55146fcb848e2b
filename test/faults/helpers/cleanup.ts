import { disconnectProducer, getAdmin } from '../../../lib/kafka';

/** Close the cached Kafka clients this test process opened (admin for topics, producer), so jest can exit. */
export async function closeKafkaClients(): Promise<void> {
  await disconnectProducer();
  await (await getAdmin().catch(() => undefined))?.disconnect().catch(() => undefined);
}
