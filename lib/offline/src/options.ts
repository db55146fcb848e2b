/**
 * The plugin's options: built-in defaults < `custom.kafkaOffline` in serverless.yml < CLI flags
 * (`serverless offline start --kafkaBrokers ...`). Unknown keys are rejected, so a typo fails the
 * start instead of being ignored. They describe the *local* broker; the events' own
 * `bootstrapServers`/`arn` keep pointing at AWS for the deployment.
 */
import { z } from 'zod';

export const CUSTOM_KEY = 'kafkaOffline';

const saslSchema = z.strictObject({
  mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
  username: z.string().min(1),
  password: z.string(),
});

const sslSchema = z.union([
  z.boolean(),
  z.strictObject({
    /** PEM of the CA that signed the broker's certificate. */
    ca: z.string().min(1).optional(),
    rejectUnauthorized: z.boolean().optional(),
  }),
]);

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

const brokerAddress = z.string().regex(/^[^\s:/,]+:\d{1,5}$/, 'each broker must be host:port');
const ms = (min = 0) => z.number().int().min(min);

/** `custom.kafkaOffline` as written in serverless.yml (every key optional). */
export const optionsSchema = z.strictObject({
  /** false: do not consume at all (HTTP still runs). */
  enabled: z.boolean().optional(),
  /** Local brokers; a comma-separated string or a list. Default: KAFKA_BROKERS or localhost:9092. */
  brokers: z.union([z.string().min(1), z.array(brokerAddress).min(1)]).optional(),
  clientId: z.string().min(1).optional(),
  ssl: sslSchema.optional(),
  sasl: saslSchema.optional(),
  /** SASL user name and password from this Secrets Manager secret (`{"username","password"}`). */
  saslSecretArn: z.string().regex(SECRET_ARN, 'must be a Secrets Manager secret ARN').optional(),
  connectionTimeoutMs: ms(1).optional(),
  requestTimeoutMs: ms(1).optional(),
  /** Consumer group session timeout: how soon a killed emulator's partitions are handed back. */
  sessionTimeoutMs: ms(6000).optional(),
  /** First retry delay of a failed batch; doubles per attempt up to `retryMaxDelayMs`. */
  retryInitialDelayMs: ms().optional(),
  retryMaxDelayMs: ms().optional(),
  /** How long `offline start` waits for the consumers to join before serving anyway. */
  startupTimeoutMs: ms().optional(),
  /** How long Ctrl-C waits for in-flight batches to finish and commit. */
  shutdownTimeoutMs: ms().optional(),
});

export type OptionsInput = z.infer<typeof optionsSchema>;

export interface OfflineKafkaOptions {
  enabled: boolean;
  brokers: string[];
  clientId: string;
  ssl: false | { ca?: string; rejectUnauthorized: boolean };
  sasl?: z.infer<typeof saslSchema>;
  /** Where `sasl`'s user name and password are read from at start (`saslSecretArn`), when no `sasl` is given. */
  saslSecret?: { arn: string; mechanism: Sasl['mechanism'] };
  /** KAFKA_SASL_MECHANISM=aws-msk-iam: sign in with the AWS credentials when no `sasl` is given. */
  mskIam?: { region: string };
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  sessionTimeoutMs: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  startupTimeoutMs: number;
  shutdownTimeoutMs: number;
}

type Sasl = z.infer<typeof saslSchema>;

interface Security {
  ssl: false | { ca?: string; rejectUnauthorized: boolean };
  sasl?: Sasl;
  /** KAFKA_SASL_MECHANISM=aws-msk-iam: sign in with the AWS credentials (MSK IAM access control). */
  mskIam?: { region: string };
}

const MSK_IAM = 'aws-msk-iam';

const envFlag = (env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean => {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new OptionsError(`Invalid kafkaOffline defaults from the environment: ${name} must be true or false`);
};

/**
 * TLS and SASL default to the conventional variables (KAFKA_SSL, KAFKA_SSL_CA_PEM,
 * KAFKA_SSL_REJECT_UNAUTHORIZED, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD),
 * so one set of variables can let both a project's producers and the emulator into a secured broker.
 */
function securityFromEnv(env: NodeJS.ProcessEnv): Security {
  const bad = (message: string) =>
    new OptionsError(`Invalid kafkaOffline defaults from the environment: ${message}`);
  const ca = env.KAFKA_SSL_CA_PEM?.trim() || undefined;
  const mechanism = env.KAFKA_SASL_MECHANISM?.trim() || undefined;
  const region = env.AWS_REGION?.trim() || undefined;
  const mskIam = mechanism === MSK_IAM;
  if (mskIam && !region) throw bad(`KAFKA_SASL_MECHANISM=${MSK_IAM} needs AWS_REGION`);
  const ssl =
    envFlag(env, 'KAFKA_SSL', false) || ca || mskIam
      ? { rejectUnauthorized: envFlag(env, 'KAFKA_SSL_REJECT_UNAUTHORIZED', true), ...(ca && { ca }) }
      : (false as const);
  if (!mechanism || mskIam) return { ssl, ...(mskIam && region && { mskIam: { region } }) };
  // The credentials come from a secret instead (saslSecretArn / KAFKA_SASL_SECRET_ARN).
  if (env.KAFKA_SASL_USERNAME === undefined && env.KAFKA_SASL_SECRET_ARN?.trim()) return { ssl };
  const parsed = saslSchema.safeParse({
    mechanism,
    username: env.KAFKA_SASL_USERNAME?.trim(),
    password: env.KAFKA_SASL_PASSWORD ?? '',
  });
  if (!parsed.success)
    throw bad(
      `KAFKA_SASL_MECHANISM must be plain, scram-sha-256, scram-sha-512 or ${MSK_IAM}, with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
    );
  return { ssl, sasl: parsed.data };
}

export const defaultOptions = (
  env: NodeJS.ProcessEnv = process.env,
): Required<Omit<OptionsInput, 'sasl' | 'saslSecretArn'>> => ({
  enabled: true,
  brokers: env.KAFKA_BROKERS?.trim() || 'localhost:9092',
  clientId: 'sls-offline-kafka',
  ssl: securityFromEnv(env).ssl,
  connectionTimeoutMs: 3000,
  requestTimeoutMs: 30_000,
  sessionTimeoutMs: 10_000,
  retryInitialDelayMs: 1000,
  retryMaxDelayMs: 30_000,
  startupTimeoutMs: 30_000,
  shutdownTimeoutMs: 30_000,
});

type CliKind = 'string' | 'boolean' | 'integer';

/** CLI flag -> option path and how to read its (string) value. */
const CLI_FLAGS: Record<string, { path: [string] | ['sasl', string]; kind: CliKind; usage: string }> = {
  kafkaEnabled: { path: ['enabled'], kind: 'boolean', usage: 'Consume Kafka/MSK events (default true)' },
  kafkaBrokers: { path: ['brokers'], kind: 'string', usage: 'Local Kafka brokers, host:port[,host:port]' },
  kafkaClientId: { path: ['clientId'], kind: 'string', usage: 'Kafka client id of the emulator' },
  kafkaSsl: { path: ['ssl'], kind: 'boolean', usage: 'Connect to the local brokers over TLS' },
  kafkaSaslMechanism: {
    path: ['sasl', 'mechanism'],
    kind: 'string',
    usage: 'plain | scram-sha-256 | scram-sha-512',
  },
  kafkaSaslUsername: { path: ['sasl', 'username'], kind: 'string', usage: 'SASL user name' },
  kafkaSaslPassword: { path: ['sasl', 'password'], kind: 'string', usage: 'SASL password' },
  kafkaSaslSecretArn: {
    path: ['saslSecretArn'],
    kind: 'string',
    usage: 'Secrets Manager secret with the SASL {"username","password"}',
  },
  kafkaConnectionTimeoutMs: {
    path: ['connectionTimeoutMs'],
    kind: 'integer',
    usage: 'Broker connection timeout',
  },
  kafkaRequestTimeoutMs: { path: ['requestTimeoutMs'], kind: 'integer', usage: 'Broker request timeout' },
  kafkaSessionTimeoutMs: {
    path: ['sessionTimeoutMs'],
    kind: 'integer',
    usage: 'Consumer group session timeout',
  },
  kafkaRetryInitialDelayMs: {
    path: ['retryInitialDelayMs'],
    kind: 'integer',
    usage: 'First retry delay of a failed batch',
  },
  kafkaRetryMaxDelayMs: {
    path: ['retryMaxDelayMs'],
    kind: 'integer',
    usage: 'Longest retry delay of a failed batch',
  },
  kafkaStartupTimeoutMs: {
    path: ['startupTimeoutMs'],
    kind: 'integer',
    usage: 'Wait for consumers at start',
  },
  kafkaShutdownTimeoutMs: {
    path: ['shutdownTimeoutMs'],
    kind: 'integer',
    usage: 'Wait for in-flight batches at stop',
  },
};

/** The flags to declare on `offline start` (serverless rejects undeclared ones). */
export const cliOptionDefinitions = (): Record<string, { usage: string; type: 'string' }> =>
  Object.fromEntries(
    Object.entries(CLI_FLAGS).map(([flag, { usage }]) => [flag, { usage, type: 'string' as const }]),
  );

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

function cliValue(flag: string, kind: CliKind, raw: unknown): unknown {
  if (typeof raw !== 'string' && typeof raw !== 'boolean') return raw;
  const text = String(raw).trim();
  if (kind === 'boolean') {
    if (text === '' || text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    throw new OptionsError(`--${flag} must be true or false, not ${JSON.stringify(text)}`);
  }
  if (kind === 'integer') {
    const value = Number(text);
    if (text === '' || !Number.isInteger(value))
      throw new OptionsError(`--${flag} must be an integer, not ${JSON.stringify(text)}`);
    return value;
  }
  return text;
}

/** The options given as CLI flags, in the shape of `custom.kafkaOffline`. */
export function optionsFromCli(cli: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [flag, { path, kind }] of Object.entries(CLI_FLAGS)) {
    if (cli[flag] === undefined) continue;
    const value = cliValue(flag, kind, cli[flag]);
    const [head, sub] = path;
    if (sub !== undefined) {
      out[head] = { ...(out[head] as Record<string, unknown> | undefined), [sub]: value };
    } else {
      out[head] = value;
    }
  }
  return out;
}

const describeIssues = (error: z.ZodError, source: string): string =>
  error.issues
    .map((issue) => {
      const path = [source, ...issue.path.map(String)].join('.');
      return issue.code === 'unrecognized_keys'
        ? `${path}: unknown option(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
        : `${path}: ${issue.message}`;
    })
    .join('; ');

const splitBrokers = (brokers: string | string[]): string[] =>
  (Array.isArray(brokers) ? brokers : brokers.split(',')).map((b) => b.trim()).filter(Boolean);

/** A secret's mechanism: KAFKA_SASL_MECHANISM if it names one, else MSK's only one for secrets. */
const secretMechanism = (env: NodeJS.ProcessEnv): Sasl['mechanism'] => {
  const named = saslSchema.shape.mechanism.safeParse(env.KAFKA_SASL_MECHANISM?.trim());
  return named.success ? named.data : 'scram-sha-512';
};

/** Merge defaults < custom < CLI and validate; throws `OptionsError` naming every bad key. */
export function resolveOptions(
  custom: unknown,
  cli: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): OfflineKafkaOptions {
  const customParsed = optionsSchema.safeParse(custom ?? {});
  if (!customParsed.success)
    throw new OptionsError(
      `Invalid kafkaOffline options: ${describeIssues(customParsed.error, `custom.${CUSTOM_KEY}`)}`,
    );
  const fromCli = optionsFromCli(cli);
  const defaults = defaultOptions(env);
  const cliSasl = fromCli.sasl as Record<string, unknown> | undefined;
  const { sasl: envSasl, mskIam: envIam } = securityFromEnv(env);
  const sasl =
    envSasl || customParsed.data.sasl || cliSasl
      ? { ...envSasl, ...customParsed.data.sasl, ...cliSasl }
      : undefined;
  const envSecretArn = env.KAFKA_SASL_SECRET_ARN?.trim() || undefined;
  const merged = {
    ...defaults,
    ...(envSecretArn && { saslSecretArn: envSecretArn }),
    ...customParsed.data,
    ...fromCli,
    ...(sasl && { sasl }),
  };
  const parsed = optionsSchema.required({ enabled: true }).safeParse(merged);
  if (!parsed.success)
    throw new OptionsError(`Invalid kafkaOffline options: ${describeIssues(parsed.error, 'options')}`);
  const o = parsed.data;
  const brokers = splitBrokers(o.brokers ?? []);
  for (const broker of brokers) {
    if (!brokerAddress.safeParse(broker).success)
      throw new OptionsError(
        `Invalid kafkaOffline options: broker ${JSON.stringify(broker)} must be host:port`,
      );
  }
  if (brokers.length === 0)
    throw new OptionsError('Invalid kafkaOffline options: at least one broker is required');
  return {
    enabled: o.enabled,
    brokers,
    clientId: o.clientId ?? defaults.clientId,
    ssl:
      o.ssl === true
        ? { rejectUnauthorized: true }
        : o.ssl
          ? { rejectUnauthorized: o.ssl.rejectUnauthorized ?? true, ...(o.ssl.ca && { ca: o.ssl.ca }) }
          : false,
    ...(o.sasl && { sasl: o.sasl }),
    ...(!o.sasl &&
      o.saslSecretArn && { saslSecret: { arn: o.saslSecretArn, mechanism: secretMechanism(env) } }),
    ...(!o.sasl && !o.saslSecretArn && envIam && { mskIam: envIam }),
    connectionTimeoutMs: o.connectionTimeoutMs ?? defaults.connectionTimeoutMs,
    requestTimeoutMs: o.requestTimeoutMs ?? defaults.requestTimeoutMs,
    sessionTimeoutMs: o.sessionTimeoutMs ?? defaults.sessionTimeoutMs,
    retryInitialDelayMs: o.retryInitialDelayMs ?? defaults.retryInitialDelayMs,
    retryMaxDelayMs: Math.max(o.retryMaxDelayMs ?? defaults.retryMaxDelayMs, o.retryInitialDelayMs ?? 0),
    startupTimeoutMs: o.startupTimeoutMs ?? defaults.startupTimeoutMs,
    shutdownTimeoutMs: o.shutdownTimeoutMs ?? defaults.shutdownTimeoutMs,
  };
}

/** JSON schema of `custom.kafkaOffline`, so `configValidationMode: error` catches typos too. */
export const customConfigSchema = (): object => {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(optionsSchema, {
    target: 'draft-7',
    io: 'input',
  }) as Record<string, unknown>;
  return schema;
};
