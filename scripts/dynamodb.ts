/**
 * One local DynamoDB for `npm run dynamodb:up`, `npm start` and the jest global setup, the way
 * scripts/broker runs Kafka: reuse whatever answers on DYNAMODB_ENDPOINT (default
 * http://127.0.0.1:8000), otherwise start moto's server there (scripts/moto-server.sh, pinned, from
 * PyPI) detached, and record that we did so that `stopDynamo` stops that one and nothing else.
 *
 *   tsx scripts/dynamodb.ts up|down|status
 *
 * `up` also creates the local stage's tables (lib/state/table-declarations.json) and prints `endpoint: <url>` last.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DEFAULT_LOCAL_ENDPOINT, DEFAULT_REGION } from '../lib/state/config';
import { ensureTables } from '../lib/state/create-tables';
import { LOCAL_TABLE_PREFIX, type TableNames, tableNames } from '../lib/state/tables';
import { sleep } from './broker/exec';
import { withLock } from './broker/lock';

type Log = (line: string) => void;
const noop: Log = () => undefined;

const ROOT = path.resolve(__dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts/moto-server.sh');
const STATE_DIR = path.join(ROOT, '.kafka/dynamodb');
const STATE_FILE = path.join(STATE_DIR, 'state.json');
const LOG_FILE = path.join(STATE_DIR, 'moto.log');
const LOCK_FILE = path.join(STATE_DIR, 'start.lock');
/** The first start installs moto into a virtualenv (a minute or two); later ones take a second. */
const START_TIMEOUT_MS = 300_000;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Dummy credentials for the local server (moto accepts any); never used against AWS. */
export const LOCAL_AWS_ENV = {
  AWS_REGION: DEFAULT_REGION,
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

export interface DynamoHandle {
  endpoint: string;
  startedHere: boolean;
}

interface DynamoState {
  pid: number;
  endpoint: string;
  startedAt: string;
}

export function dynamoEndpoint(): string {
  const raw = process.env.DYNAMODB_ENDPOINT?.trim() || DEFAULT_LOCAL_ENDPOINT;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(
      `DYNAMODB_ENDPOINT must be a URL like ${DEFAULT_LOCAL_ENDPOINT}, not ${JSON.stringify(raw)}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`DYNAMODB_ENDPOINT must be an http(s) URL, not ${JSON.stringify(raw)}`);
  }
  return raw.replace(/\/+$/, '');
}

const localClient = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: {
      accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    },
    maxAttempts: 1,
  });

/** Whether a DynamoDB API (not merely some HTTP server) answers on the endpoint. */
export async function dynamoAnswers(endpoint: string, timeoutMs = 2000): Promise<boolean> {
  const client = localClient(endpoint);
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

function readState(): DynamoState | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  try {
    const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as Partial<DynamoState>;
    return typeof state.pid === 'number' && typeof state.endpoint === 'string'
      ? (state as DynamoState)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether pid is alive and still the moto server we started (not a process that reused its pid). */
function isOurServer(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    // Empty while the process is exec'ing (moto-server.sh execs python): alive, and not yet anyone else.
    return command === '' || command.includes('moto');
  } catch {
    // No /proc (macOS): the recorded pid is alive, which is as much as can be checked.
    return true;
  }
}

const tail = (file: string, lines = 15) => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
};

async function startMoto(endpoint: string, log: Log): Promise<void> {
  const url = new URL(endpoint);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  mkdirSync(STATE_DIR, { recursive: true });
  const out = openSync(LOG_FILE, 'w');
  log(
    `Starting moto's DynamoDB on ${endpoint} (scripts/moto-server.sh; log ${path.relative(ROOT, LOG_FILE)})`,
  );
  // Its own process group and no pipes to us, so it outlives this process (npm run dynamodb:up).
  const child = spawn(SCRIPT, [port], { cwd: ROOT, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`Could not start ${SCRIPT}`);
  child.unref();
  const state: DynamoState = { pid: child.pid, endpoint, startedAt: new Date().toISOString() };
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
  const started = Date.now();
  while (!(await dynamoAnswers(endpoint))) {
    if (child.exitCode !== null || !isOurServer(child.pid)) {
      rmSync(STATE_FILE, { force: true });
      throw new Error(`moto's server exited before answering on ${endpoint}:\n${tail(LOG_FILE)}`);
    }
    if (Date.now() - started > START_TIMEOUT_MS) {
      await stopDynamo({ log });
      throw new Error(
        `moto's server did not answer on ${endpoint} within ${START_TIMEOUT_MS / 1000} s:\n${tail(LOG_FILE)}`,
      );
    }
    await sleep(300);
  }
  log(`DynamoDB (moto) answers after ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * A DynamoDB to talk to: the one answering on DYNAMODB_ENDPOINT (or the default local address), else
 * moto started there. A non-local endpoint that does not answer is an error. Safe to call from
 * several processes at once: one starts the server, the others reuse it.
 */
export async function ensureDynamo(opts: { log?: Log } = {}): Promise<DynamoHandle> {
  const log = opts.log ?? noop;
  const endpoint = dynamoEndpoint();
  if (await dynamoAnswers(endpoint)) {
    log(`DynamoDB already answering on ${endpoint}`);
    return { endpoint, startedHere: false };
  }
  if (!LOCAL_HOSTS.has(new URL(endpoint).hostname)) {
    throw new Error(`DYNAMODB_ENDPOINT ${endpoint} does not answer (only a local one is started here)`);
  }
  return withLock(LOCK_FILE, START_TIMEOUT_MS + 30_000, async () => {
    // Another process may have started it while we waited for the lock.
    if (await dynamoAnswers(endpoint)) return { endpoint, startedHere: false };
    await startMoto(endpoint, log);
    return { endpoint, startedHere: true };
  });
}

/** Stops the server `ensureDynamo` started (recorded in .kafka/dynamodb/state.json); nothing else. */
export async function stopDynamo(opts: { log?: Log } = {}): Promise<void> {
  const log = opts.log ?? noop;
  const state = readState();
  if (!state) {
    log('No DynamoDB started by this project is recorded; nothing to stop');
    return;
  }
  if (isOurServer(state.pid)) {
    log(`Stopping moto's DynamoDB on ${state.endpoint} (pid ${state.pid})`);
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-state.pid, signal);
      } catch {
        // Already gone.
      }
    };
    signalGroup('SIGTERM');
    const deadline = Date.now() + 10_000;
    while (isOurServer(state.pid) && Date.now() < deadline) await sleep(100);
    if (isOurServer(state.pid)) signalGroup('SIGKILL');
  }
  rmSync(STATE_FILE, { force: true });
}

/** The local stage's tables (what `serverless offline start` uses), created if missing. */
export async function ensureLocalTables(
  endpoint: string,
  names: TableNames = tableNames(LOCAL_TABLE_PREFIX),
  log: Log = noop,
): Promise<string[]> {
  const client = localClient(endpoint);
  try {
    return await ensureTables(client, names, log);
  } finally {
    client.destroy();
  }
}

async function main(): Promise<void> {
  const command = process.argv[2];
  const log = (line: string) => console.log(line);
  switch (command) {
    case 'up': {
      const handle = await ensureDynamo({ log });
      await ensureLocalTables(handle.endpoint, undefined, log);
      console.log(`endpoint: ${handle.endpoint}`);
      return;
    }
    case 'down':
      return stopDynamo({ log });
    case 'status': {
      const endpoint = dynamoEndpoint();
      const state = readState();
      const answers = await dynamoAnswers(endpoint);
      const owner =
        state && isOurServer(state.pid) ? ` (moto, pid ${state.pid}, started by this project)` : '';
      console.log(`DynamoDB on ${endpoint}: ${answers ? 'answering' : 'not answering'}${owner}`);
      return;
    }
    default:
      throw new Error(`usage: tsx scripts/dynamodb.ts up|down|status (not ${JSON.stringify(command)})`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(
      `dynamodb ${process.argv[2] ?? ''}: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  });
}
