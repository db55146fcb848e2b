/**
 * `serverless package --stage aws` works offline (no AWS credentials) and its CloudFormation holds
 * exactly one event source mapping per stage function, with the configured topic, consumer group,
 * batching, starting position and filters: for Amazon MSK and for a self-managed cluster.
 * The service files are packaged from a copy, so a stack running from the repository is not disturbed.
 */
jest.setTimeout(600_000);

import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadEndpoints } from '../../../lib/api/endpoints';
import { loadStages } from '../../../lib/pipeline/stages';
import type { RouteDeclaration } from '../../../lib/realtime/route';
import { TABLES } from '../../../lib/state/tables';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');
const SERVICE_FILES = ['serverless.yml', 'package.json', 'tsconfig.json', 'functions', 'lib', 'deploy'];
const MSK_ARN =
  'arn:aws:kafka:ap-northeast-2:123456789012:cluster/casino/abcd1234-ab12-cd34-ef56-abcdef123456-1';
const SASL_SECRET = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:AmazonMSK_casino-AbCdEf';

/** Stage function (logical id prefix) → its topic, its stage name and the event types its filter keeps: from the declarations. */
const STAGES: Record<string, { topic: string; stage: string; only?: readonly string[]; window?: number }> =
  Object.fromEntries(
    loadStages().map((declared) => [
      declared.name.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase()),
      {
        topic: declared.topic,
        stage: declared.name,
        only: declared.eventTypes,
        window: declared.batchingWindow,
      },
    ]),
  );

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

const work = mkdtempSync(path.join(tmpdir(), 'pipelines-package-'));
const home = mkdtempSync(path.join(tmpdir(), 'pipelines-home-'));
const service = path.join(work, 'service');

beforeAll(() => {
  for (const file of SERVICE_FILES)
    cpSync(path.join(ROOT, file), path.join(service, file), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(service, 'node_modules'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

/** The environment of a CI machine without AWS credentials, with the deployment's settings. */
function ciEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, ...settings };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
    delete env[name];
  for (const name of [
    'KAFKA_SOURCE',
    'MSK_CLUSTER_ARN',
    'KAFKA_BOOTSTRAP_SERVERS',
    'KAFKA_SASL_SECRET_ARN',
    'KAFKA_SASL_SECRET_KMS_KEY_ARN',
    'KAFKA_SASL_MECHANISM',
    'KAFKA_SSL',
  ]) {
    if (!(name in settings)) delete env[name];
  }
  return env;
}

const BASE = {
  ADMIN_API_KEY: 'ci-admin-key-0123456789abcdef',
  GAME_API_KEY: 'ci-game-key-0123456789abcdef',
  SESSION_TOKEN_SECRET: 'ci-session-secret-0123456789abcdef',
  HQ_API_URL: 'https://hq.example.com/api',
};

async function packageAws(name: string, settings: Record<string, string>): Promise<Record<string, Resource>> {
  const out = path.join(work, name);
  await run(
    path.join(ROOT, 'node_modules/.bin/serverless'),
    ['package', '--stage', 'aws', '--package', out],
    {
      cwd: service,
      env: ciEnv({ ...BASE, ...settings }),
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const template = JSON.parse(
    readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as {
    Resources: Record<string, Resource>;
  };
  return template.Resources;
}

/** Every function's environment variables. */
const functionEnvironments = (resources: Record<string, Resource>): Record<string, string>[] =>
  Object.values(resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map(
      (fn) => (fn.Properties as { Environment: { Variables: Record<string, string> } }).Environment.Variables,
    );

type Statement = { Effect: string; Action: string[]; Resource: unknown };

/** Every statement of the functions' role. */
function roleStatements(resources: Record<string, Resource>): Statement[] {
  const role = resources.IamRoleLambdaExecution!.Properties as {
    Policies: { PolicyDocument: { Statement: Statement[] } }[];
  };
  return role.Policies.flatMap((p) => p.PolicyDocument.Statement);
}

/** The Kafka data-plane actions the role allows on one resource (an ARN, or a pattern of ARNs). */
const actionsOn = (statements: Statement[], resource: string): string[] =>
  statements
    .filter((s) => s.Effect === 'Allow' && [s.Resource].flat().includes(resource))
    .flatMap((s) => s.Action)
    .filter((action) => action.startsWith('kafka-cluster:'))
    .sort();

const MSK_TOPICS = `${MSK_ARN.replace(':cluster/', ':topic/')}/*`;
const MSK_GROUPS = `${MSK_ARN.replace(':cluster/', ':group/')}/*`;

/** One file of a packaged function's zip (Python's zipfile: Node has no zip reader built in). */
async function fileInZip(zip: string, file: string): Promise<string> {
  const script =
    'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())';
  const { stdout } = await run('python3', ['-c', script, zip, file], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** The function zips of one packaging. */
const packagedFunctions = (name: string): string[] =>
  readdirSync(path.join(work, name)).filter((file) => file.endsWith('.zip'));

/** A function zip's bundle and the source files its source map names. */
async function bundleOf(zip: string): Promise<{ bundle: string; sources: string[] }> {
  const script =
    'import sys, zipfile, json; z = zipfile.ZipFile(sys.argv[1]); ' +
    'js = [n for n in z.namelist() if n.endswith(".js")][0]; ' +
    'sys.stdout.write(json.dumps({"bundle": z.read(js).decode(), "sources": json.loads(z.read(js + ".map"))["sources"]}))';
  const { stdout } = await run('python3', ['-c', script, zip], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as { bundle: string; sources: string[] };
}

/** Each function (logical id) that declares a player-state use → that use; from the declarations. */
/** The WebSocket routes' declarations (functions/websocket/*.ts exporting `route`), as `websocket-<name>`. */
const websocketRoutes = (): RouteDeclaration[] => {
  const dir = path.join(ROOT, 'functions/websocket');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => (require(path.join(dir, file)) as { route?: RouteDeclaration }).route)
    .filter((route): route is RouteDeclaration => route !== undefined)
    .map((route) => ({ ...route, name: `websocket-${route.name}` }));
};

const STATE_USES: Record<string, string> = Object.fromEntries(
  [...loadEndpoints(), ...loadStages(), ...websocketRoutes()]
    .filter((declared) => declared.state !== undefined)
    .map((declared) => [
      `${declared.name.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase())}LambdaFunction`,
      declared.state as string,
    ]),
);

/** deploy/tables.cjs USES: which tables each use may touch, and how. */
const USES = (require('../../../deploy/tables.cjs') as { USES: Record<string, Record<string, string[]>> })
  .USES;

/** The DynamoDB actions a role's statements allow, by table logical id (index ARNs count as their table). */
function tableActions(statements: Statement[]): Record<string, string[]> {
  const byTable: Record<string, Set<string>> = {};
  for (const statement of statements) {
    const actions = [statement.Action].flat().filter((a) => a.startsWith('dynamodb:'));
    if (actions.length === 0) continue;
    for (const match of JSON.stringify(statement.Resource).matchAll(/"Fn::GetAtt":\["(\w+)","Arn"\]/g)) {
      const id = match[1]!;
      byTable[id] ??= new Set();
      for (const action of actions) byTable[id]!.add(action);
    }
  }
  return Object.fromEntries(Object.entries(byTable).map(([id, actions]) => [id, [...actions].sort()]));
}

/** The mappings, by the logical id of the function they trigger. */
function mappingsByFunction(resources: Record<string, Resource>): Map<string, Record<string, unknown>[]> {
  const byFunction = new Map<string, Record<string, unknown>[]>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::Lambda::EventSourceMapping') continue;
    const [functionId] = (resource.Properties.FunctionName as { 'Fn::GetAtt': [string, string] })[
      'Fn::GetAtt'
    ];
    byFunction.set(functionId, [...(byFunction.get(functionId) ?? []), resource.Properties]);
  }
  return byFunction;
}

function expectOneMappingPerStage(resources: Record<string, Resource>) {
  const byFunction = mappingsByFunction(resources);
  expect([...byFunction.keys()].sort()).toEqual(
    Object.keys(STAGES)
      .map((s) => `${s}LambdaFunction`)
      .sort(),
  );
  for (const [fn, mappings] of byFunction) expect({ fn, count: mappings.length }).toEqual({ fn, count: 1 });
  return (stage: string) => byFunction.get(`${stage}LambdaFunction`)![0]!;
}

const common = (stage: string) => {
  const { topic, only, window } = STAGES[stage]!;
  return {
    Topics: [topic],
    StartingPosition: 'TRIM_HORIZON',
    BatchSize: 100,
    // The shared window, unless the stage declares its own (0 on the player's latency path).
    MaximumBatchingWindowInSeconds: window ?? 1,
    ...(only && {
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ value: { event_type: only } }) }] },
    }),
  };
};

/**
 * The player-state tables (on-demand, point-in-time recovery, TTL where entries expire, the players'
 * state retained) and each function's table permissions: a function declaring a `state` use has a
 * role of its own with exactly that use's table actions plus its logs and, for a stage, its Kafka
 * statements; every other function keeps the shared role, which allows no table action.
 */
function expectPlayerState(resources: Record<string, Resource>) {
  for (const table of Object.values(TABLES)) {
    const resource = resources[table.logicalId] as Resource & { DeletionPolicy?: string };
    expect(resource).toMatchObject({
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: `casino-events-aws-${table.suffix}`,
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
    if (table.ttlAttribute)
      expect(resource.Properties.TimeToLiveSpecification).toEqual({
        AttributeName: table.ttlAttribute,
        Enabled: true,
      });
    expect(resource.DeletionPolicy).toBe(table.retain ? 'Retain' : undefined);
  }
  for (const variables of functionEnvironments(resources)) {
    for (const table of Object.values(TABLES))
      expect(variables[table.env]).toBe(`casino-events-aws-${table.suffix}`);
  }
  expect(Object.keys(STATE_USES).length).toBeGreaterThanOrEqual(7);
  const tableId = (key: string) => TABLES[key as keyof typeof TABLES].logicalId;
  for (const [id, fn] of Object.entries(resources)) {
    if (fn.Type !== 'AWS::Lambda::Function') continue;
    const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const use = STATE_USES[id];
    if (use === undefined) {
      expect({ id, role }).toEqual({ id, role: 'IamRoleLambdaExecution' });
      continue;
    }
    expect({ id, role }).toEqual({ id, role: expect.stringMatching(/StateRole$/) });
    const policy = (
      resources[role]!.Properties as { Policies: { PolicyDocument: { Statement: Statement[] } }[] }
    ).Policies[0]!.PolicyDocument.Statement;
    const expected = Object.fromEntries(
      Object.entries(USES[use]!).map(([key, uses]) => [
        tableId(key),
        [
          ...new Set(uses.flatMap((u) => TABLES[key as keyof typeof TABLES].access[u as 'read' | 'write'])),
        ].sort(),
      ]),
    );
    expect({ id, tables: tableActions(policy) }).toEqual({ id, tables: expected });
    const actions = policy.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['logs:CreateLogStream', 'logs:PutLogEvents']));
    if (id.replace(/LambdaFunction$/, '') in STAGES)
      expect(actions).toEqual(expect.arrayContaining(['kafka:DescribeCluster', 'kafka-cluster:ReadData']));
    else expect(actions.filter((a) => a.startsWith('kafka'))).toEqual([]);
  }
  expect(tableActions(roleStatements(resources))).toEqual({});
}

describe('serverless package --stage aws', () => {
  it('Amazon MSK: one mapping per stage function on the cluster, with its group, batching and filter', async () => {
    const resources = await packageAws('msk', { MSK_CLUSTER_ARN: MSK_ARN });
    const mappingOf = expectOneMappingPerStage(resources);
    for (const stage of Object.keys(STAGES)) {
      const mapping = mappingOf(stage);
      expect(mapping).toMatchObject({
        ...common(stage),
        EventSourceArn: MSK_ARN,
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: `casino-events-aws-${STAGES[stage]!.stage}` },
      });
      expect(mapping).not.toHaveProperty('SelfManagedEventSource');
      // No secret: the mappings use the cluster's IAM access control (or none).
      expect(mapping).not.toHaveProperty('SourceAccessConfigurations');
      if (!STAGES[stage]!.only) expect(mapping).not.toHaveProperty('FilterCriteria');
    }
    const sync = resources.SyncTokensToHqLambdaFunction!.Properties as {
      Environment: { Variables: Record<string, string> };
    };
    expect(sync.Environment.Variables).toMatchObject({ HQ_API_URL: BASE.HQ_API_URL, HQ_TIMEOUT_MS: '3000' });
    // Operations (deploy/ops.cjs): per stage function an alarm on its mapping's OffsetLag and one on
    // its dead letters (its EMF metric), one dashboard; the metrics function knows every stage's group.
    const alarms = Object.values(resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => r.Properties);
    expect(alarms).toHaveLength(2 * Object.keys(STAGES).length);
    for (const stage of Object.keys(STAGES)) {
      expect(alarms).toContainEqual(
        expect.objectContaining({
          Namespace: 'AWS/Lambda',
          MetricName: 'OffsetLag',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${stage}LambdaFunction` } }],
        }),
      );
      expect(alarms).toContainEqual(
        expect.objectContaining({
          Namespace: 'CasinoClub/EventBackbone',
          MetricName: 'RecordsDeadLettered',
          Dimensions: [
            { Name: 'service', Value: 'event-backbone' },
            { Name: 'stage', Value: STAGES[stage]!.stage },
          ],
        }),
      );
    }
    const dashboards = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboards.map((d) => d.Properties.DashboardName)).toEqual(['casino-events-aws-ops']);
    const opsMetrics = resources.OpsMetricsLambdaFunction!.Properties as {
      Environment: { Variables: Record<string, string> };
    };
    expect(JSON.parse(opsMetrics.Environment.Variables.OPS_STAGES!)).toEqual(
      Object.values(STAGES).map(({ topic, stage }) => ({
        stage,
        group: `casino-events-aws-${stage}`,
        topic,
      })),
    );
    // The console's bundle carries uPlot itself (no node_modules in a Lambda package).
    const consoleBundle = await fileInZip(
      path.join(work, 'msk', 'opsConsole.zip'),
      'functions/http/ops-console.js',
    );
    expect(consoleBundle).toContain('uPlot');
    expect(consoleBundle).not.toContain('require("uplot');
    // A cluster with IAM access control authorises the mappings' reads against the functions' role.
    const statements = roleStatements(resources);
    expect(actionsOn(statements, MSK_ARN)).toEqual([
      'kafka-cluster:Connect',
      'kafka-cluster:DescribeClusterDynamicConfiguration',
    ]);
    expect(actionsOn(statements, MSK_TOPICS)).toEqual([
      'kafka-cluster:DescribeTopic',
      'kafka-cluster:ReadData',
    ]);
    expect(actionsOn(statements, MSK_GROUPS)).toEqual([
      'kafka-cluster:AlterGroup',
      'kafka-cluster:DescribeGroup',
    ]);
    expectPlayerState(resources);
  });

  it("Amazon MSK with IAM access control: the functions' own producers sign in with their role", async () => {
    const resources = await packageAws('msk-iam', {
      MSK_CLUSTER_ARN: MSK_ARN,
      KAFKA_SASL_MECHANISM: 'aws-msk-iam',
    });
    const environments = functionEnvironments(resources);
    expect(environments.length).toBe(packagedFunctions('msk-iam').length);
    for (const variables of environments) {
      expect(variables).toMatchObject({
        KAFKA_SASL_MECHANISM: 'aws-msk-iam',
        KAFKA_SASL_USERNAME: '',
        KAFKA_SASL_PASSWORD: '',
        KAFKA_SASL_SECRET_ARN: '',
      });
    }
    const statements = roleStatements(resources);
    expect(actionsOn(statements, MSK_ARN)).toEqual([
      'kafka-cluster:Connect',
      'kafka-cluster:DescribeCluster',
      'kafka-cluster:DescribeClusterDynamicConfiguration',
      'kafka-cluster:WriteDataIdempotently',
    ]);
    expect(actionsOn(statements, MSK_TOPICS)).toEqual([
      'kafka-cluster:CreateTopic',
      'kafka-cluster:DescribeTopic',
      'kafka-cluster:DescribeTopicDynamicConfiguration',
      'kafka-cluster:ReadData',
      'kafka-cluster:WriteData',
    ]);
    // No secret to read: the role itself signs in.
    expect(statements.flatMap((s) => s.Action)).not.toContain('secretsmanager:GetSecretValue');
    // The SDK packages come from the Lambda runtime (deploy/runtime-provided.json): no bundle inlines
    // one (its source map lists no file of it), a bundle that uses one requires it, and each is used.
    const runtimeProvided = JSON.parse(
      readFileSync(path.join(ROOT, 'deploy/runtime-provided.json'), 'utf8'),
    ) as string[];
    const required = new Set<string>();
    for (const zip of packagedFunctions('msk-iam')) {
      const { bundle, sources } = await bundleOf(path.join(work, 'msk-iam', zip));
      for (const sdk of runtimeProvided) {
        expect({ zip, inlined: sources.filter((s) => s.includes(`node_modules/${sdk}/`)) }).toEqual({
          zip,
          inlined: [],
        });
        if (bundle.includes(`require("${sdk}")`)) required.add(sdk);
      }
      // A Lambda bundle stays under 1 MiB, and no module is in it twice (a package's CommonJS and
      // ESM builds both pulled in, as a CommonJS import of zod once did beside the ESM one).
      const bytes = Buffer.byteLength(bundle);
      expect({ zip, bytes, withinMiB: bytes <= 1024 * 1024 }).toEqual({ zip, bytes, withinMiB: true });
      const withoutExtension = sources.map((s) => s.replace(/\.(c|m)?js$/, ''));
      expect({ zip, twice: withoutExtension.filter((s, i) => withoutExtension.indexOf(s) !== i) }).toEqual({
        zip,
        twice: [],
      });
    }
    expect([...required].sort()).toEqual([...runtimeProvided].sort());
  });

  it('self-managed Kafka: bootstrap servers, SASL/SCRAM secret and VPC access on every mapping', async () => {
    const resources = await packageAws('kafka', {
      KAFKA_SOURCE: 'kafka',
      KAFKA_BOOTSTRAP_SERVERS: 'b-1.kafka.example.com:9096, b-2.kafka.example.com:9096',
      KAFKA_SASL_SECRET_ARN: SASL_SECRET,
      KAFKA_VPC_SUBNETS: 'subnet-0a1b2c3d,subnet-4e5f6a7b',
      KAFKA_VPC_SECURITY_GROUPS: 'sg-0123abcd',
    });
    const mappingOf = expectOneMappingPerStage(resources);
    for (const stage of Object.keys(STAGES)) {
      const mapping = mappingOf(stage);
      expect(mapping).toMatchObject({
        ...common(stage),
        SelfManagedEventSource: {
          Endpoints: { KafkaBootstrapServers: ['b-1.kafka.example.com:9096', 'b-2.kafka.example.com:9096'] },
        },
        SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: `casino-events-aws-${STAGES[stage]!.stage}` },
      });
      expect(mapping.SourceAccessConfigurations).toEqual(
        expect.arrayContaining([
          { Type: 'SASL_SCRAM_512_AUTH', URI: SASL_SECRET },
          { Type: 'VPC_SUBNET', URI: 'subnet:subnet-0a1b2c3d' },
          { Type: 'VPC_SUBNET', URI: 'subnet:subnet-4e5f6a7b' },
          { Type: 'VPC_SECURITY_GROUP', URI: 'security_group:sg-0123abcd' },
        ]),
      );
      expect(mapping).not.toHaveProperty('EventSourceArn');
    }
  });

  it("MSK with SASL/SCRAM: the mappings and the functions' own producers use the secret, not a password; the role may read it", async () => {
    const KMS_KEY = 'arn:aws:kms:ap-northeast-2:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
    const resources = await packageAws('secret', {
      MSK_CLUSTER_ARN: MSK_ARN,
      KAFKA_SASL_SECRET_ARN: SASL_SECRET,
      KAFKA_SASL_SECRET_KMS_KEY_ARN: KMS_KEY,
      KAFKA_SSL: 'true',
    });
    const mappingOf = expectOneMappingPerStage(resources);
    for (const stage of Object.keys(STAGES)) {
      expect(mappingOf(stage)).toMatchObject({
        EventSourceArn: MSK_ARN,
        SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: SASL_SECRET }],
      });
    }
    const environments = functionEnvironments(resources);
    expect(environments.length).toBe(packagedFunctions('secret').length);
    for (const variables of environments) {
      expect(variables).toMatchObject({ KAFKA_SASL_SECRET_ARN: SASL_SECRET, KAFKA_SASL_PASSWORD: '' });
    }
    expect(roleStatements(resources)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: ['secretsmanager:GetSecretValue'], Resource: SASL_SECRET }),
        expect.objectContaining({ Action: ['kms:Decrypt'], Resource: KMS_KEY }),
      ]),
    );
  });

  it('names the missing setting of the chosen cluster', async () => {
    const failure = async (name: string, settings: Record<string, string>): Promise<string> => {
      const error = await packageAws(name, settings).then(
        () => undefined,
        (e: { stdout?: string; stderr?: string }) => e,
      );
      expect(error).toBeDefined();
      return `${error?.stdout ?? ''}${error?.stderr ?? ''}`;
    };
    expect(await failure('missing-arn', {})).toContain('KAFKA_SOURCE=msk needs MSK_CLUSTER_ARN');
    expect(await failure('missing-servers', { KAFKA_SOURCE: 'kafka' })).toContain(
      'KAFKA_SOURCE=kafka needs KAFKA_BOOTSTRAP_SERVERS',
    );
    expect(
      await failure('iam-outside-msk', {
        KAFKA_SOURCE: 'kafka',
        KAFKA_BOOTSTRAP_SERVERS: 'b-1.kafka.example.com:9096',
        KAFKA_SASL_MECHANISM: 'aws-msk-iam',
      }),
    ).toContain('KAFKA_SASL_MECHANISM=aws-msk-iam is Amazon MSK');
    expect(
      await failure('msk-secret-name', {
        MSK_CLUSTER_ARN: MSK_ARN,
        KAFKA_SASL_SECRET_ARN: 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:casino-AbCdEf',
      }),
    ).toContain('MSK only accepts SCRAM secrets named AmazonMSK_');
    expect(
      await failure('msk-scram-256', {
        MSK_CLUSTER_ARN: MSK_ARN,
        KAFKA_SASL_SECRET_ARN: SASL_SECRET,
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
      }),
    ).toContain("MSK's SASL/SCRAM is SCRAM-SHA-512");
  });
});
