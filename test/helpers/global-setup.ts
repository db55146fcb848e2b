import { ensureBroker } from '../../scripts/broker';

/**
 * Integration and e2e tests run against a real broker: the one `KAFKA_BROKERS` names, one already
 * running locally, or one started here (Docker or the Java runner) and stopped in the teardown.
 */
export default async function globalSetup(): Promise<void> {
  const handle = await ensureBroker({ log: (line) => process.stderr.write(`[broker] ${line}\n`) });
  process.env.KAFKA_BROKERS = handle.brokers.join(',');
  process.env.TEST_BROKER_STARTED_HERE = handle.startedHere ? '1' : '';
}
