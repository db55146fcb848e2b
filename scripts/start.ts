import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureBroker, stopBroker } from './broker';
import { ensureTopics } from './ensure-topics';

/**
 * `npm start`: the whole local stack in the foreground. Brings the broker up (or reuses one),
 * makes sure the catalogue's topics exist, then runs `serverless offline start`. Ctrl-C stops
 * everything this script started, in reverse order.
 */

const log = (line: string) => console.log(`[start] ${line}`);
const root = join(__dirname, '..');

async function main(): Promise<void> {
  const broker = await ensureBroker({ log });
  process.env.KAFKA_BROKERS = broker.brokers.join(',');
  log(
    `kafka: ${broker.bootstrap} (${broker.mode}${broker.startedHere ? ', started now' : ', already running'})`,
  );
  await ensureTopics(log);

  const offline: ChildProcess = spawn(join(root, 'node_modules/.bin/serverless'), ['offline', 'start'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
  });

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping serverless offline${broker.startedHere ? ' and the broker' : ''}`);
    if (offline.exitCode === null) offline.kill('SIGINT');
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const code = await new Promise<number>((resolve) => offline.on('exit', (c) => resolve(c ?? 0)));
  if (broker.startedHere) await stopBroker({ log });
  process.exit(stopping ? 0 : code);
}

main().catch((error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
