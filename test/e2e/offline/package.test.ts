/**
 * One serverless.yml drives the emulation and the deployment: `serverless package` (no AWS
 * credentials) emits the event source mappings with the extra properties, and the config schema
 * still rejects typos under `configValidationMode: error`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, startOffline } from '../../helpers/offline-server';
import { FIXTURE_DIR } from './fixture';

const run = promisify(execFile);
const SERVERLESS = path.resolve(__dirname, '../../../node_modules/.bin/serverless');

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

const home = mkdtempSync(path.join(tmpdir(), 'offline-home-'));
const packageDir = mkdtempSync(path.join(tmpdir(), 'offline-package-'));

/** The environment of a machine without AWS credentials. */
function offlineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, ...extra };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
    delete env[name];
  return env;
}

async function serverless(args: string[], extraEnv: Record<string, string> = {}) {
  return run(SERVERLESS, args, {
    cwd: FIXTURE_DIR,
    // A work folder of its own (under the ignored .serverless/), so a running fixture is not disturbed.
    env: offlineEnv({ ESBUILD_WORK_FOLDER: '.serverless/esbuild-package', ...extraEnv }),
    maxBuffer: 16 * 1024 * 1024,
  });
}

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(packageDir, { recursive: true, force: true });
});

describe('serverless package', () => {
  let resources: Record<string, Resource>;

  beforeAll(async () => {
    await serverless(['package', '--package', packageDir]);
    const template = JSON.parse(
      readFileSync(path.join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as {
      Resources: Record<string, Resource>;
    };
    resources = template.Resources;
  });

  const mapping = (prefix: string): Record<string, unknown> => {
    const found = Object.entries(resources).filter(
      ([id, r]) => r.Type === 'AWS::Lambda::EventSourceMapping' && id.startsWith(prefix),
    );
    expect(found).toHaveLength(1);
    return found[0]![1].Properties;
  };

  it('keeps what the framework emits for kafka and msk events', () => {
    expect(mapping('ShapeEventSourceMappingKafka')).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      Topics: ['unused-shape'],
      SelfManagedEventSource: {
        Endpoints: {
          KafkaBootstrapServers: [
            'b-1.example.kafka.eu-west-1.amazonaws.com:9096',
            'b-2.example.kafka.eu-west-1.amazonaws.com:9096',
          ],
        },
      },
      SourceAccessConfigurations: [
        {
          Type: 'SASL_SCRAM_512_AUTH',
          URI: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-creds-AbCdEf',
        },
      ],
      MaximumBatchingWindowInSeconds: 1,
      Enabled: false,
    });
    expect(mapping('ShapeMskEventSourceMappingMSK')).toMatchObject({
      EventSourceArn:
        'arn:aws:kafka:eu-west-1:123456789012:cluster/demo/abcd1234-ab12-cd34-ef56-abcdef123456-1',
      Topics: ['unused-shape'],
    });
    expect(mapping('FilteredEventSourceMappingKafka').FilterCriteria).toEqual({
      Filters: [
        { Pattern: '{"value":{"type":["deposit"],"amount":[{"numeric":[">=",100]}]}}' },
        { Pattern: '{"value":{"user":{"tier":[{"prefix":"vip"}]}}}' },
      ],
    });
    expect(mapping('GroupedEventSourceMappingKafka')).toMatchObject({
      StartingPosition: 'LATEST',
      SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'unused-group' },
    });
    expect(mapping('AttimeEventSourceMappingKafka')).toMatchObject({
      StartingPosition: 'AT_TIMESTAMP',
      StartingPositionTimestamp: 0,
    });
  });

  it('adds the retry controls and destinations', () => {
    expect(mapping('CappedEventSourceMappingKafka')).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: 'kafka://unused-dlq' } },
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 2 },
    });
    expect(mapping('BisectedEventSourceMappingMSK')).toMatchObject({
      MaximumRetryAttempts: 1,
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: 'kafka://unused-dlq' } },
    });
    expect(mapping('AgedEventSourceMappingKafka')).toMatchObject({ MaximumRecordAgeInSeconds: 60 });
    expect(mapping('PartialEventSourceMappingKafka')).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('emits a batching window of 0 instead of dropping it (which would leave AWS at 500 ms)', () => {
    expect(mapping('OrderedEventSourceMappingKafka').MaximumBatchingWindowInSeconds).toBe(0);
    expect(mapping('TimingOutEventSourceMappingKafka').MaximumBatchingWindowInSeconds).toBe(0);
  });

  it('leaves mappings without extra settings untouched', () => {
    const shape = mapping('ShapeEventSourceMappingKafka');
    for (const property of [
      'MaximumRetryAttempts',
      'BisectBatchOnFunctionError',
      'FunctionResponseTypes',
      'DestinationConfig',
    ]) {
      expect(shape).not.toHaveProperty(property);
    }
  });
});

/** The combined output of a serverless command that must fail. */
async function failureOf(args: string[]): Promise<string> {
  try {
    await serverless(args);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return `${stdout}${stderr}`;
  }
  throw new Error(`serverless ${args.join(' ')} succeeded`);
}

describe('configValidationMode: error still catches typos', () => {
  it('in an extra event property', async () => {
    expect(await failureOf(['print', '--config', 'serverless.typo-event.yml'])).toContain(
      "Configuration error at 'functions.consumer.events.0.kafka': unrecognized property 'maximumRetryAttempt'",
    );
  });

  it('in custom.kafkaOffline', async () => {
    expect(await failureOf(['print', '--config', 'serverless.typo-custom.yml'])).toContain(
      "Configuration error at 'custom.kafkaOffline': unrecognized property 'broker'",
    );
  });
});

describe('offline start refuses bad plugin options', () => {
  it('names the CLI flag', async () => {
    await expect(
      startOffline({
        cwd: FIXTURE_DIR,
        httpPort: await freePort(),
        lambdaPort: await freePort(),
        env: { ENABLE_SHAPE: 'true', ESBUILD_WORK_FOLDER: '.serverless/esbuild-refuse' },
        args: ['--kafkaRetryMaxDelayMs', 'soon'],
        readyTimeoutMs: 60_000,
      }),
    ).rejects.toThrow(/--kafkaRetryMaxDelayMs must be an integer, not "soon"/);
  });
});
