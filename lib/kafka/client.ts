import { Kafka, type KafkaConfig as KafkaJsConfig, logLevel, type SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '../config';
import { log } from '../log';
import { connectionConfig } from './credentials';
import { kafkajsEntryLevel } from './kafkajs-log';
import { mskIamTokenProvider } from './msk-iam';

const kafkaLog = log.child({ component: 'kafkajs' });

const logCreator = () => {
  return ({ level, log: entry }: { level: logLevel; log: { message: string } & Record<string, unknown> }) => {
    const { message, timestamp: _t, logger: _l, ...fields } = entry;
    const ours = kafkajsEntryLevel(level, message, fields.error);
    if (ours) kafkaLog[ours](message, fields);
  };
};

const saslOptions = (cfg: KafkaConfig): SASLOptions | undefined => {
  if (cfg.mskIam)
    return { mechanism: 'oauthbearer', oauthBearerProvider: mskIamTokenProvider(cfg.mskIam.region) };
  if (!cfg.sasl) return undefined;
  const { mechanism, username, password } = cfg.sasl;
  return { mechanism, username, password } as SASLOptions;
};

/** kafkajs client options derived from our configuration (exported for tests and scripts). */
export function kafkaJsOptions(cfg: KafkaConfig, clientIdSuffix?: string): KafkaJsConfig {
  const sasl = saslOptions(cfg);
  return {
    clientId: clientIdSuffix ? `${cfg.clientId}-${clientIdSuffix}` : cfg.clientId,
    brokers: cfg.brokers,
    ssl: cfg.ssl
      ? { rejectUnauthorized: cfg.ssl.rejectUnauthorized, ...(cfg.ssl.ca && { ca: [cfg.ssl.ca] }) }
      : false,
    ...(sasl && { sasl }),
    connectionTimeout: cfg.connectionTimeoutMs,
    authenticationTimeout: cfg.connectionTimeoutMs,
    requestTimeout: cfg.requestTimeoutMs,
    retry: { retries: cfg.producer.retries, initialRetryTime: 100, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator,
  };
}

export function createKafka(cfg: KafkaConfig, clientIdSuffix?: string): Kafka {
  return new Kafka(kafkaJsOptions(cfg, clientIdSuffix));
}

let cached: { kafka: Kafka; sasl: KafkaConfig['sasl'] } | undefined;

const sameCredentials = (a: KafkaConfig['sasl'], b: KafkaConfig['sasl']): boolean =>
  a?.mechanism === b?.mechanism && a?.username === b?.username && a?.password === b?.password;

/**
 * The container's one client, built from `config()` on first use. With KAFKA_SASL_SECRET_ARN the
 * credentials are read from Secrets Manager each time a connection opens, and a rotated password
 * gets a new client.
 */
export async function getKafka(): Promise<Kafka> {
  const cfg = await connectionConfig();
  if (!cached || !sameCredentials(cached.sasl, cfg.sasl))
    cached = { kafka: createKafka(cfg), sasl: cfg.sasl };
  return cached.kafka;
}
