/**
 * Ctrl-C: stop cutting batches, let the invocations in flight finish and commit (no new retry is
 * started), leave the consumer groups, then release the producer and the Lambda workers. A second
 * Ctrl-C exits at once; what was not committed is delivered again on the next start.
 */
import type { DestinationSender } from './destination';
import type { Invoker } from './invoker';
import type { EventSourceRunner } from './runner';
import type { Logger } from './serverless-types';

export interface ShutdownParts {
  runners: readonly EventSourceRunner[];
  invoker?: Invoker;
  destinations?: DestinationSender;
  log: Logger;
  timeoutMs: number;
}

export async function shutdown({
  runners,
  invoker,
  destinations,
  log,
  timeoutMs,
}: ShutdownParts): Promise<void> {
  const forceExit = (signal: NodeJS.Signals) => {
    log.warning(
      `${signal} again: exiting without waiting; uncommitted batches will be delivered again on the next start`,
    );
    process.exit(130);
  };
  process.once('SIGINT', forceExit);
  process.once('SIGTERM', forceExit);
  try {
    const busy = runners.reduce((sum, r) => sum + r.busy, 0);
    if (busy > 0) log.notice(`stopping: waiting for ${busy} in-flight batch(es) to finish and commit`);
    const left = (await Promise.all(runners.map((r) => r.stop(timeoutMs)))).reduce((a, b) => a + b, 0);
    if (left > 0) {
      log.warning(
        `${left} batch(es) still running after ${timeoutMs} ms were not committed; they will be delivered again on the next start`,
      );
    }
    await destinations?.close().catch(() => undefined);
    await invoker?.cleanup().catch(() => undefined);
    if (runners.length > 0) log.notice('stopped: consumers left their groups');
  } finally {
    process.off('SIGINT', forceExit);
    process.off('SIGTERM', forceExit);
  }
}
