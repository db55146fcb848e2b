import { z } from 'zod';
import { ConfigError } from './errors';

/**
 * Everything the functions read from the environment, parsed once per container.
 * A bad value stops the cold start with a message naming each offending variable.
 */

const brokerList = z
  .string()
  .trim()
  .min(1)
  .transform((raw) =>
    raw
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'each broker must be host:port'))
      .min(1, 'at least one broker is required'),
  );

const flag = (fallback: 'true' | 'false') => z.stringbool().default(fallback === 'true');
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

export const saslMechanisms = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
/** Amazon MSK's IAM access control (SASL/OAUTHBEARER with a SigV4-signed token, lib/kafka/msk-iam.ts). */
export const MSK_IAM = 'aws-msk-iam';

const EnvSchema = z
  .object({
    KAFKA_BROKERS: brokerList.default(['localhost:9092']),
    KAFKA_CLIENT_ID: z.string().trim().min(1).default('casino-club-f2p'),
    KAFKA_SSL: flag('false'),
    KAFKA_SSL_CA_PEM: optionalText,
    KAFKA_SSL_REJECT_UNAUTHORIZED: flag('true'),
    KAFKA_SASL_MECHANISM: z.enum([...saslMechanisms, MSK_IAM]).optional(),
    KAFKA_SASL_USERNAME: optionalText,
    KAFKA_SASL_PASSWORD: optionalText,
    /** Deployments: the user name and password come from this secret (`{"username","password"}`). */
    KAFKA_SASL_SECRET_ARN: optionalText.pipe(
      z
        .string()
        .regex(
          /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/,
          'must be a Secrets Manager secret ARN',
        )
        .optional(),
    ),
    KAFKA_CONNECTION_TIMEOUT_MS: positiveInt(3000),
    KAFKA_REQUEST_TIMEOUT_MS: positiveInt(10_000),
    KAFKA_PRODUCER_RETRIES: z.coerce.number().int().min(1).max(50).default(3),
    KAFKA_PRODUCER_COMPRESSION: z.enum(['gzip', 'none']).default('gzip'),
    KAFKA_PRODUCER_IDEMPOTENT: flag('true'),
    KAFKA_PRODUCER_BATCH_LIMIT: z.coerce.number().int().min(1).max(10_000).default(1000),
    KAFKA_TOPIC_PARTITIONS: positiveInt(3),
    KAFKA_REPLICATION_FACTOR: positiveInt(1),
    /** Set by the Lambda runtime; the region MSK IAM tokens are signed for. */
    AWS_REGION: optionalText,
  })
  .superRefine((env, ctx) => {
    const sasl = env.KAFKA_SASL_MECHANISM;
    if (sasl === MSK_IAM) {
      // The role's credentials sign each connection; a user name, password or secret would be ignored.
      for (const variable of [
        'KAFKA_SASL_USERNAME',
        'KAFKA_SASL_PASSWORD',
        'KAFKA_SASL_SECRET_ARN',
      ] as const) {
        if (env[variable])
          ctx.addIssue({
            code: 'custom',
            path: [variable],
            message: `is not used with KAFKA_SASL_MECHANISM=${MSK_IAM} (the AWS credentials sign in): unset it`,
          });
      }
      if (!env.AWS_REGION)
        ctx.addIssue({
          code: 'custom',
          path: ['AWS_REGION'],
          message: `KAFKA_SASL_MECHANISM=${MSK_IAM} needs the cluster's region (Lambda sets AWS_REGION)`,
        });
      return;
    }
    if (env.KAFKA_SASL_SECRET_ARN) {
      if (env.KAFKA_SASL_USERNAME || env.KAFKA_SASL_PASSWORD) {
        ctx.addIssue({
          code: 'custom',
          path: ['KAFKA_SASL_SECRET_ARN'],
          message: 'takes the place of KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: set one or the other',
        });
      }
    } else if (sasl && (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_SASL_USERNAME'],
        message: `KAFKA_SASL_MECHANISM=${sasl} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
      });
    }
  });

export type Sasl = { mechanism: (typeof saslMechanisms)[number]; username: string; password: string };

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  ssl: false | { ca?: string; rejectUnauthorized: boolean };
  sasl?: Sasl;
  /** SASL credentials to fetch from Secrets Manager when a connection opens (lib/kafka/credentials.ts). */
  saslSecret?: { arn: string; mechanism: Sasl['mechanism'] };
  /** MSK IAM access control: every connection signs in with the AWS credentials (lib/kafka/msk-iam.ts). */
  mskIam?: { region: string };
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  producer: {
    retries: number;
    compression: 'gzip' | 'none';
    idempotent: boolean;
    /** Most events one request may carry in a batch; they are sent in one produce call. */
    batchLimit: number;
  };
  topics: { partitions: number; replicationFactor: number };
}

export interface AppConfig {
  kafka: KafkaConfig;
}

export function parseConfig(env: NodeJS.ProcessEnv): AppConfig {
  // An empty variable means "not set" (serverless.yml passes `${env:X, ''}` through).
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(set);
  if (!parsed.success) {
    // Name the variable itself; a deeper path (e.g. the 2nd broker of a list) goes into the message.
    const issues = parsed.error.issues.map((i) => {
      const [variable, ...rest] = i.path.map(String);
      return {
        path: variable ?? '',
        message: rest.length ? `${i.message} (item ${rest.join('.')})` : i.message,
      };
    });
    const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
    throw new ConfigError(`Invalid configuration:\n${lines}`, issues);
  }
  const e = parsed.data;
  const mechanism = e.KAFKA_SASL_MECHANISM === MSK_IAM ? undefined : e.KAFKA_SASL_MECHANISM;
  const mskIam = e.KAFKA_SASL_MECHANISM === MSK_IAM && e.AWS_REGION ? { region: e.AWS_REGION } : undefined;
  return {
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      // MSK serves IAM access control on its TLS listener only (port 9098).
      ssl:
        e.KAFKA_SSL || e.KAFKA_SSL_CA_PEM || mskIam
          ? {
              rejectUnauthorized: e.KAFKA_SSL_REJECT_UNAUTHORIZED,
              ...(e.KAFKA_SSL_CA_PEM && { ca: e.KAFKA_SSL_CA_PEM }),
            }
          : false,
      ...(mskIam && { mskIam }),
      ...(e.KAFKA_SASL_SECRET_ARN && {
        saslSecret: { arn: e.KAFKA_SASL_SECRET_ARN, mechanism: mechanism ?? 'scram-sha-512' },
      }),
      ...(mechanism &&
        !e.KAFKA_SASL_SECRET_ARN && {
          sasl: {
            mechanism,
            username: e.KAFKA_SASL_USERNAME ?? '',
            password: e.KAFKA_SASL_PASSWORD ?? '',
          },
        }),
      connectionTimeoutMs: e.KAFKA_CONNECTION_TIMEOUT_MS,
      requestTimeoutMs: e.KAFKA_REQUEST_TIMEOUT_MS,
      producer: {
        retries: e.KAFKA_PRODUCER_RETRIES,
        compression: e.KAFKA_PRODUCER_COMPRESSION,
        idempotent: e.KAFKA_PRODUCER_IDEMPOTENT,
        batchLimit: e.KAFKA_PRODUCER_BATCH_LIMIT,
      },
      topics: { partitions: e.KAFKA_TOPIC_PARTITIONS, replicationFactor: e.KAFKA_REPLICATION_FACTOR },
    },
  };
}

let cached: AppConfig | undefined;

/** The container's configuration, parsed from `process.env` on first use. */
export function config(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

/** The configuration with every secret replaced, safe to log or return over HTTP. */
export function redactedConfig(cfg: AppConfig = config()): unknown {
  const { sasl, ssl, saslSecret, ...kafka } = cfg.kafka;
  return {
    kafka: {
      ...kafka,
      ...(saslSecret && { saslSecret }),
      ssl: ssl
        ? { enabled: true, customCa: Boolean(ssl.ca), rejectUnauthorized: ssl.rejectUnauthorized }
        : { enabled: false },
      sasl: sasl ? { mechanism: sasl.mechanism, username: sasl.username } : null,
    },
  };
}
