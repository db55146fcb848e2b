/**
 * Broker authentication and encryption: a broker of this file's own that only listens for SASL over
 * TLS (certificates made here with keytool, SCRAM accounts written at format time, a PLAIN account in
 * the listener's JAAS line). The functions, configured through the same KAFKA_* variables a
 * deployment sets, work with the right credentials, from the HTTP API through every pipeline stage
 * the emulator triggers; with wrong ones they answer a clear 503 promptly, never hang, never leak
 * the secret.
 */
jest.setTimeout(300_000);

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { config, type KafkaConfig, type Sasl } from '../../lib/config';
import { BrokerUnavailableError } from '../../lib/errors';
import { ensureCatalogueTopics } from '../../lib/events/topics';
import { createKafka, describeCluster, toKafkaError } from '../../lib/kafka';
import { startSecureBroker } from '../../scripts/broker';
import { keyHeader } from '../helpers/api-keys';
import { request } from '../helpers/http';
import { kcatConsume } from '../helpers/kcat';
import { uniqueName } from '../helpers/names';
import { freePort, type OfflineServer, startOffline } from '../helpers/offline-server';
import { startSecretsManager } from '../helpers/secrets-manager';
import { type BrokerCertificates, makeBrokerCertificates } from '../helpers/tls-certificates';
import { waitFor } from '../helpers/wait';
import { closeKafkaClients } from './helpers/cleanup';

const ACCOUNTS: Sasl[] = [
  { mechanism: 'scram-sha-512', username: 'casino-512', password: 'Right-512-secret' },
  { mechanism: 'scram-sha-256', username: 'casino-256', password: 'Right-256-secret' },
  { mechanism: 'plain', username: 'casino-plain', password: 'Right-plain-secret' },
];
const SCRAM_512 = ACCOUNTS[0]!;
const PLAIN = ACCOUNTS[2]!;
const WRONG_PASSWORD = 'Wrong-secret-4711';
const ROOT = path.resolve(__dirname, '../..');
const log = (line: string) => process.stderr.write(`[secure-broker] ${line}\n`);

let dir = '';
let certs: BrokerCertificates;
let bootstrap = '';
let stopBroker: (() => Promise<void>) | undefined;
const servers: OfflineServer[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'casino-secure-broker-'));
  certs = await makeBrokerCertificates(dir);
  const broker = await startSecureBroker(
    {
      dir: path.join(dir, 'broker'),
      port: await freePort(),
      controllerPort: await freePort(),
      keystore: certs.keystore,
      truststore: certs.truststore,
      caPem: certs.caPem,
      accounts: ACCOUNTS,
      oauthBearer: true,
    },
    log,
  );
  bootstrap = broker.bootstrap;
  stopBroker = broker.stop;
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await closeKafkaClients();
  await stopBroker?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const clientConfig = (overrides: Partial<KafkaConfig>): KafkaConfig => ({
  ...config().kafka,
  brokers: [bootstrap],
  ssl: { ca: certs.caPem, rejectUnauthorized: true },
  connectionTimeoutMs: 3000,
  requestTimeoutMs: 5000,
  ...overrides,
});

/** How a client with these settings fares: the cluster's broker count, or our mapped error. */
async function connectWith(overrides: Partial<KafkaConfig>) {
  const started = Date.now();
  try {
    const info = await describeCluster(
      createKafka(clientConfig(overrides), `secure-${randomUUID().slice(0, 6)}`),
    );
    return { brokers: info.brokers.length, ms: Date.now() - started };
  } catch (error) {
    return { error: toKafkaError(error), ms: Date.now() - started };
  }
}

/** The variables a deployment sets for the functions' own clients (and the emulator reads too). */
const functionEnv = (sasl: Sasl): Record<string, string> => ({
  KAFKA_BROKERS: bootstrap,
  KAFKA_SSL: 'true',
  KAFKA_SSL_CA_PEM: certs.caPem,
  KAFKA_SASL_MECHANISM: sasl.mechanism,
  KAFKA_SASL_USERNAME: sasl.username,
  KAFKA_SASL_PASSWORD: sasl.password,
  KAFKA_CONNECTION_TIMEOUT_MS: '3000',
  KAFKA_REQUEST_TIMEOUT_MS: '5000',
});

const kcatSecure = (sasl: Sasl): string[] => [
  '-X',
  'security.protocol=SASL_SSL',
  '-X',
  `sasl.mechanisms=${sasl.mechanism.toUpperCase()}`,
  '-X',
  `sasl.username=${sasl.username}`,
  '-X',
  `sasl.password=${sasl.password}`,
  '-X',
  `ssl.ca.location=${certs.caFile}`,
];

describe('lib/kafka against a SASL_SSL listener', () => {
  it.each(ACCOUNTS.map((a) => [a.mechanism, a] as const))(
    'lets %s in with the right password',
    async (_, account) => {
      expect(await connectWith({ sasl: account })).toMatchObject({ brokers: 1 });
    },
  );

  it.each(ACCOUNTS.map((a) => [a.mechanism, a] as const))(
    'refuses %s with a wrong password, promptly and clearly',
    async (_, account) => {
      const outcome = await connectWith({ sasl: { ...account, password: WRONG_PASSWORD } });
      expect(outcome.error).toBeInstanceOf(BrokerUnavailableError);
      expect((outcome.error as Error).message).toBe('Kafka rejected the client credentials');
      expect(outcome.ms).toBeLessThan(20_000);
    },
  );

  it('refuses a client that does not trust the broker certificate (encryption is real TLS)', async () => {
    const outcome = await connectWith({ sasl: SCRAM_512, ssl: { rejectUnauthorized: true } });
    expect(outcome.error).toBeInstanceOf(BrokerUnavailableError);
    expect(outcome.ms).toBeLessThan(30_000);
  });

  it('refuses a client speaking plaintext to the TLS listener', async () => {
    const outcome = await connectWith({ sasl: SCRAM_512, ssl: false });
    expect(outcome.error).toBeInstanceOf(BrokerUnavailableError);
    expect(outcome.ms).toBeLessThan(30_000);
  });
});

/** Run with these AWS variables (undefined: unset) and no shared credential files or IMDS lookups. */
async function withAwsEnv<T>(vars: Record<string, string | undefined>, run: () => Promise<T>): Promise<T> {
  const names = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_SHARED_CREDENTIALS_FILE',
    'AWS_CONFIG_FILE',
    'AWS_EC2_METADATA_DISABLED',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
  ];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  const isolated: Record<string, string | undefined> = {
    ...Object.fromEntries(names.map((name) => [name, undefined])),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-aws-credentials'),
    AWS_CONFIG_FILE: path.join(dir, 'no-aws-config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...vars,
  };
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(isolated);
  try {
    return await run();
  } finally {
    apply(saved);
  }
}

const failedAuthentications = (): number =>
  readFileSync(path.join(dir, 'broker', 'logs', 'server.log'), 'utf8').split('Failed authentication with')
    .length - 1;

describe('MSK IAM access control (KAFKA_SASL_MECHANISM=aws-msk-iam) against a SASL_SSL listener', () => {
  const mskIam = { region: 'ap-northeast-2' };

  it('signs in over OAUTHBEARER with a token from the AWS credentials; a refused token is a prompt 503', async () => {
    // Kafka's own OAUTHBEARER validator accepts only unsigned JWTs, so the broker receives the
    // SigV4 token and refuses it, as MSK refuses a role it does not authorise.
    const before = failedAuthentications();
    const outcome = await withAwsEnv(
      { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret-key' },
      () => connectWith({ mskIam }),
    );
    expect(outcome.error).toBeInstanceOf(BrokerUnavailableError);
    expect(outcome.ms).toBeLessThan(20_000);
    await waitFor(async () => failedAuthentications() > before || undefined, {
      timeoutMs: 10_000,
      what: 'the broker to log the refused OAUTHBEARER sign-in',
    });
  });

  it('without AWS credentials: a 503 that names the problem, before any broker round trip', async () => {
    const outcome = await withAwsEnv({}, () => connectWith({ mskIam }));
    expect(outcome.error).toBeInstanceOf(BrokerUnavailableError);
    expect((outcome.error as Error).message).toBe(
      'Could not sign in to Kafka with AWS IAM: Could not load credentials from any providers',
    );
    expect(outcome.ms).toBeLessThan(10_000);
  });
});

/**
 * Start a slot spin over HTTP and wait for its reward notice at the end of the pipeline, read by an
 * independent client that must authenticate over TLS too. With PLAIN: kcat 1.7.1 (librdkafka 2.0.2,
 * Debian) is refused SCRAM by this broker even with the right password, while kafkajs and the broker agree.
 */
async function spinToNotice(server: OfflineServer, userPrefix: string) {
  const user = uniqueName(userPrefix);
  const spin = await request(`${server.httpUrl}/api/kafka/game/slot-spin`, {
    method: 'POST',
    body: { user_id: user, bet_amount: 50, payout: 120, symbols: ['CHERRY', 'CHERRY', 'BAR'] },
  });
  expect(spin.status).toBe(202);
  const notice = await waitFor(
    async () => {
      const records = await kcatConsume('notifications', kcatSecure(PLAIN), bootstrap);
      return records.find((r) => r.key === user && r.payload?.includes('You won 120 coins!'));
    },
    { timeoutMs: 90_000, what: `the slot-spin reward notice for ${user}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- serverless offline ---\n${server.output().slice(-6000)}`);
  });
  expect(JSON.parse(notice.payload ?? '{}')).toMatchObject({
    user_id: user,
    correlation_id: spin.json.correlation_id,
  });
}

describe('the functions under serverless offline', () => {
  it('produce and run every pipeline stage with the right credentials', async () => {
    await ensureCatalogueTopics(createKafka(clientConfig({ sasl: SCRAM_512 }), 'secure-setup'));
    const server = await startOffline({
      cwd: ROOT,
      httpPort: await freePort(),
      lambdaPort: await freePort(),
      env: {
        ...functionEnv(SCRAM_512),
        STAGE_GROUP_PREFIX: uniqueName('secure'),
        ESBUILD_WORK_FOLDER: '.serverless/esbuild-secure-right',
      },
      readyTimeoutMs: 120_000,
    });
    servers.push(server);
    const health = await request(`${server.httpUrl}/api/kafka/health`);
    expect(health.status).toBe(200);

    await spinToNotice(server, 'secure-user');
  });

  it('take their credentials from Secrets Manager, the secret the event source mappings use', async () => {
    const secrets = await startSecretsManager();
    try {
      const { username, password } = SCRAM_512;
      const arn = await secrets.createSecret(uniqueName('AmazonMSK_casino'), { username, password });
      // No user name or password anywhere in the environment: only the secret's ARN.
      const { KAFKA_SASL_USERNAME: _u, KAFKA_SASL_PASSWORD: _p, ...env } = functionEnv(SCRAM_512);
      const server = await startOffline({
        cwd: ROOT,
        httpPort: await freePort(),
        lambdaPort: await freePort(),
        env: {
          ...env,
          ...secrets.env,
          KAFKA_SASL_SECRET_ARN: arn,
          STAGE_GROUP_PREFIX: uniqueName('secret'),
          ESBUILD_WORK_FOLDER: '.serverless/esbuild-secure-secret',
        },
        readyTimeoutMs: 120_000,
      });
      servers.push(server);
      // The emulator's consumers read the same secret: the pipeline runs to its end.
      await spinToNotice(server, 'secret-user');
      const shown = await request(`${server.httpUrl}/api/kafka/config`, { headers: keyHeader('operator') });
      expect(shown.text).toContain(arn);
      expect(shown.text).not.toContain(password);
      await server.stop(); // every line it printed, read whole
      expect(server.output()).not.toContain(password);
    } finally {
      await secrets.stop();
    }
  });

  it('answer a clear 503 with wrong credentials, never hang, never leak the secret', async () => {
    const server = await startOffline({
      cwd: ROOT,
      httpPort: await freePort(),
      lambdaPort: await freePort(),
      env: {
        ...functionEnv({ ...SCRAM_512, password: WRONG_PASSWORD }),
        ESBUILD_WORK_FOLDER: '.serverless/esbuild-secure-wrong',
      },
      args: ['--kafkaEnabled', 'false'],
      readyTimeoutMs: 120_000,
    });
    servers.push(server);
    const send = async () => {
      const started = Date.now();
      const answer = await request(`${server.httpUrl}/api/kafka/messages/user-action`, {
        method: 'POST',
        body: { user_id: uniqueName('refused'), data: { action: 'LOGIN' } },
      });
      return { answer, elapsed: Date.now() - started };
    };
    // The first request also pays the function's cold start (bundle load); the second is the
    // refusal alone, and a cached producer must not be left half-authenticated in between.
    const first = await send();
    expect(first.answer.status).toBe(503);
    const { answer, elapsed } = await send();
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(answer.json).toMatchObject({ error: { message: 'Kafka rejected the client credentials' } });
    expect(elapsed).toBeLessThan(10_000);

    const health = await request(`${server.httpUrl}/api/kafka/health`);
    expect(health.status).toBe(503);
    await server.stop(); // every line it printed, read whole
    for (const text of [answer.text, health.text, server.output()])
      expect(text).not.toContain(WRONG_PASSWORD);
  });
});
