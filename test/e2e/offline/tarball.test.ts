/**
 * The package as a stranger gets it: `npm pack` of lib/offline, installed into a brand-new service
 * in a temporary folder that holds nothing but the framework, serverless-offline and the tarball
 * (installed from the npm cache or registry), then `serverless offline start` with one `kafka` and
 * one `msk` function reading a real topic. Run for this repository's framework (osls 4 with
 * serverless-offline 14) and for osls 3 with serverless-offline 13.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { kcatProduce } from '../../helpers/kcat';
import { freePort } from '../../helpers/offline-server';
import { waitFor } from '../../helpers/wait';
import { brokers, ensurePackageBuilt, Topics } from './fixture';

const run = promisify(execFile);
const PACKAGE_DIR = path.resolve(__dirname, '../../../lib/offline');
const MSK_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/tarball/abcd1234-ab12-cd34-ef56-abcdef123456-1';
const AWS_BOOTSTRAP = 'b-1.example.kafka.eu-west-1.amazonaws.com:9096';

const topics = new Topics();
const work = mkdtempSync(path.join(tmpdir(), 'offline-tarball-'));
let tarball: string;

beforeAll(async () => {
  ensurePackageBuilt();
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: PACKAGE_DIR,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  if (!packed) throw new Error(`npm pack printed no package:\n${stdout}`);
  tarball = path.join(work, packed.filename);
  // Compiled JavaScript with declarations; no TypeScript sources, no tests.
  const files = packed.files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'README.md', 'LICENSE']));
  expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
}, 180_000);

afterAll(async () => {
  await topics.deleteAll();
  rmSync(work, { recursive: true, force: true });
}, 60_000);

const HANDLER = `const { appendFileSync } = require('node:fs');
const { join } = require('node:path');
exports.record = async (event) => {
  appendFileSync(join(process.env.OUT_DIR, process.env.FN + '.jsonl'), JSON.stringify(event) + '\\n');
  return {};
};
`;

const serviceYml = (frameworkVersion: string, topic: string): string => `service: tarball-service
frameworkVersion: "${frameworkVersion}"
configValidationMode: error
plugins:
  - serverless-offline-kafka-esm
  - serverless-offline
provider:
  name: aws
  runtime: nodejs20.x
  region: eu-west-1
  environment:
    OUT_DIR: \${env:OUT_DIR}
custom:
  kafkaOffline:
    brokers: \${env:KAFKA_BROKERS}
functions:
  selfManaged:
    handler: handler.record
    environment: { FN: selfManaged }
    events:
      - kafka:
          bootstrapServers: [${AWS_BOOTSTRAP}]
          accessConfigurations: { saslScram512Auth: arn:aws:secretsmanager:eu-west-1:123456789012:secret:creds-AbCdEf }
          topic: ${topic}
          startingPosition: TRIM_HORIZON
          batchSize: 10
          maximumBatchingWindow: 0
  managed:
    handler: handler.record
    environment: { FN: managed }
    events:
      - msk:
          arn: ${MSK_ARN}
          topic: ${topic}
          startingPosition: TRIM_HORIZON
          batchSize: 10
          maximumBatchingWindow: 0
`;

interface LambdaEventLine {
  eventSource: string;
  eventSourceArn?: string;
  records: Record<string, { value?: string; headers: Record<string, number[]>[] }[]>;
}

const eventsOf = (outDir: string, fn: string): LambdaEventLine[] => {
  const file = path.join(outDir, `${fn}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LambdaEventLine);
};

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};

/** Ctrl-C to the server's process group; SIGKILL after 30 s. */
const stopGroup = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signalGroup(child, 'SIGINT');
  const bound = setTimeout(() => signalGroup(child, 'SIGKILL'), 30_000);
  await exited;
  clearTimeout(bound);
  signalGroup(child, 'SIGKILL');
};

describe.each([
  {
    framework: 'osls 4 + serverless-offline 14',
    serverless: 'npm:osls@4.3.1',
    offline: '14.8.2',
    version: '4',
  },
  {
    framework: 'osls 3 + serverless-offline 13',
    serverless: 'npm:osls@3.77.1',
    offline: '13.9.0',
    version: '3',
  },
])('the npm pack tarball in a brand-new service ($framework)', ({ serverless, offline, version }) => {
  const dir = mkdtempSync(path.join(work, 'service-'));
  const outDir = path.join(dir, 'out');
  let child: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    if (child) await stopGroup(child);
  }, 60_000);

  it('installs with nothing but the framework, serverless-offline and the tarball', async () => {
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify(
        {
          name: 'tarball-service',
          private: true,
          devDependencies: {
            serverless: serverless,
            'serverless-offline': offline,
            'serverless-offline-kafka-esm': `file:${tarball}`,
          },
        },
        null,
        2,
      ),
    );
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(existsSync(path.join(dir, 'node_modules/serverless-offline-kafka-esm/dist/index.js'))).toBe(true);
  }, 600_000);

  it('runs a `kafka` and an `msk` function against the broker', async () => {
    const topic = await topics.create('offline-tarball', 2);
    writeFileSync(path.join(dir, 'serverless.yml'), serviceYml(version, topic));
    writeFileSync(path.join(dir, 'handler.js'), HANDLER);
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir);
    await kcatProduce(topic, ['k1\t{"n":1}', 'k2\t{"n":2}'], { headers: ['a=1', 'dup=x', 'b=2', 'dup=y'] });

    child = spawn(
      path.join(dir, 'node_modules/.bin/serverless'),
      ['offline', 'start', '--httpPort', String(await freePort()), '--lambdaPort', String(await freePort())],
      {
        cwd: dir,
        env: { ...process.env, FORCE_COLOR: '0', OUT_DIR: outDir, KAFKA_BROKERS: brokers() },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);

    const records = (fn: string) =>
      eventsOf(outDir, fn).flatMap((event) => Object.values(event.records).flat()).length;
    await waitFor(() => (records('selfManaged') >= 2 && records('managed') >= 2 ? true : undefined), {
      timeoutMs: 90_000,
      what: `both functions to receive the 2 records; output:\n${output.slice(-3000)}`,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${output.slice(-4000)}`);
    });

    const [selfManaged] = eventsOf(outDir, 'selfManaged');
    const [managed] = eventsOf(outDir, 'managed');
    expect(selfManaged?.eventSource).toBe('SelfManagedKafka');
    expect(managed?.eventSource).toBe('aws:kafka');
    expect(managed?.eventSourceArn).toBe(MSK_ARN);
    const first = Object.values(selfManaged?.records ?? {}).flat()[0];
    expect(first?.headers.map((h) => Object.keys(h)[0])).toEqual(['a', 'dup', 'b', 'dup']);
    expect(output).toMatch(/ready: selfManaged <- kafka/);
    expect(output).toMatch(/ready: managed <- msk/);
    // A clean Ctrl-C: the emulator finishes and leaves its groups before the framework exits.
    await stopGroup(child);
    expect(output).toMatch(/\[kafka-offline\]/);
  }, 180_000);
});
