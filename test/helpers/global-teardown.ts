import { stopBroker } from '../../scripts/broker';

/** Stop the broker only if the setup started it; `KEEP_BROKER=1` keeps it for the next run. */
export default async function globalTeardown(): Promise<void> {
  if (process.env.TEST_BROKER_STARTED_HERE && !process.env.KEEP_BROKER) {
    await stopBroker({ log: (line) => process.stderr.write(`[broker] ${line}\n`) });
  }
}
