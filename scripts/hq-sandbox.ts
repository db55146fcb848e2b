/**
 * Runs the headquarters SANDBOX on its own (a local stand-in for the operator's system):
 *   tsx scripts/hq-sandbox.ts            # port HQ_SANDBOX_PORT, default 4100
 * Point the functions at it with HQ_API_URL=http://localhost:4100 (the local stage's default).
 */
import { startHqSandbox } from '../lib/hq/sandbox';

async function main(): Promise<void> {
  const port = Number(process.env.HQ_SANDBOX_PORT ?? 4100);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`HQ_SANDBOX_PORT is not a port: ${port}`);
  const sandbox = await startHqSandbox({
    port,
    host: process.env.HQ_SANDBOX_HOST ?? '127.0.0.1',
    log: (line) => process.stdout.write(`[hq-sandbox] ${line}\n`),
  });
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`[hq-sandbox] ${(error as Error).message}\n`);
  process.exit(1);
});
