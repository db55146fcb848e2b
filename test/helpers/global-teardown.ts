import { stopBroker } from '../../scripts/broker';
import { stopDynamo } from '../../scripts/dynamodb';

/** Stop the broker and DynamoDB only if the setup started them; `KEEP_BROKER=1` keeps both for the next run. */
export default async function globalTeardown(): Promise<void> {
  if (process.env.TEST_BROKER_STARTED_HERE && !process.env.KEEP_BROKER) {
    await stopBroker({ log: (line) => process.stderr.write(`[broker] ${line}\n`) });
  }
  if (process.env.TEST_DYNAMO_STARTED_HERE && !process.env.KEEP_BROKER) {
    await stopDynamo({ log: (line) => process.stderr.write(`[dynamodb] ${line}\n`) });
  }
}
