import { ensureBroker } from '../../scripts/broker';
import { ensureDynamo, ensureLocalTables } from '../../scripts/dynamodb';

/**
 * Integration and e2e tests run against a real broker: the one `KAFKA_BROKERS` names, one already
 * running locally, or one started here (Docker or the Java runner) and stopped in the teardown.
 */
export default async function globalSetup(): Promise<void> {
  const handle = await ensureBroker({ log: (line) => process.stderr.write(`[broker] ${line}\n`) });
  process.env.KAFKA_BROKERS = handle.brokers.join(',');
  process.env.TEST_BROKER_STARTED_HERE = handle.startedHere ? '1' : '';
  // The player store likewise: DYNAMODB_ENDPOINT, one answering locally, or moto started here.
  const dynamo = await ensureDynamo({ log: (line) => process.stderr.write(`[dynamodb] ${line}\n`) });
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TEST_DYNAMO_STARTED_HERE = dynamo.startedHere ? '1' : '';
  await ensureLocalTables(dynamo.endpoint);
}
