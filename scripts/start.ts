import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { startHqSandbox } from '../lib/hq/sandbox';
import { ensureBroker, stopBroker } from './broker';
import { ensureDynamo, ensureLocalTables, LOCAL_AWS_ENV, stopDynamo } from './dynamodb';
import { ensureTopics } from './ensure-topics';

/**
 * `npm start`: the whole local stack in the foreground. Brings the broker up (or reuses one),
 * makes sure the catalogue's topics exist, starts the headquarters sandbox, then runs
 * `serverless offline start` (HTTP functions and, through lib/offline, the Kafka-triggered stages). Ctrl-C stops
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
  // The player store: whatever answers on DYNAMODB_ENDPOINT, else moto started here.
  const dynamo = await ensureDynamo({ log });
  await ensureLocalTables(dynamo.endpoint, undefined, log);
  log(`dynamodb: ${dynamo.endpoint}${dynamo.startedHere ? ' (moto, started now)' : ' (already running)'}`);
  // The operator's headquarters API, locally a clearly-labelled stand-in (unless HQ_API_URL is set).
  const hq = process.env.HQ_API_URL
    ? undefined
    : await startHqSandbox({
        port: Number(process.env.HQ_SANDBOX_PORT ?? 4100),
        log: (line) => console.log(`[hq-sandbox] ${line}`),
      });
  if (hq) {
    log(
      `headquarters SANDBOX (local stand-in): ${hq.url}; make it fail: curl -X POST ${hq.url}/_control -d '{"mode":"5xx"}'`,
    );
  }

  const offline: ChildProcess = spawn(join(root, 'node_modules/.bin/serverless'), ['offline', 'start'], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...LOCAL_AWS_ENV,
      ...process.env,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      SLS_TELEMETRY_DISABLED: '1',
      ...(hq && { HQ_API_URL: hq.url }),
    },
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
  await hq?.close();
  if (dynamo.startedHere) await stopDynamo({ log });
  if (broker.startedHere) await stopBroker({ log });
  process.exit(stopping ? 0 : code);
}

main().catch((error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
