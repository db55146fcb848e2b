/**
 * The emulator's own kafkajs client, built from its options (brokers, TLS, SASL, timeouts); kafkajs'
 * own log goes through the plugin's logger.
 */
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { isRetriedResponse } from './kafkajs-log';
import { mskIamTokenProvider } from './msk-iam';
import type { OfflineKafkaOptions } from './options';
import type { Logger } from './serverless-types';

export function createKafka(options: OfflineKafkaOptions, log: Logger): Kafka {
  const ssl = options.ssl
    ? { rejectUnauthorized: options.ssl.rejectUnauthorized, ...(options.ssl.ca && { ca: [options.ssl.ca] }) }
    : false;
  const sasl: SASLOptions | undefined = options.sasl
    ? (options.sasl as SASLOptions)
    : options.mskIam
      ? { mechanism: 'oauthbearer', oauthBearerProvider: mskIamTokenProvider(options.mskIam.region) }
      : undefined;
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ssl,
    ...(sasl && { sasl }),
    connectionTimeout: options.connectionTimeoutMs,
    authenticationTimeout: options.connectionTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const text = `kafkajs: ${entry.message}${entry.error ? ` (${String(entry.error)})` : ''}`;
        if (isRetriedResponse(entry.message, entry.error)) log.debug(text);
        else if (level === logLevel.ERROR) log.error(text);
        else if (level === logLevel.WARN) log.warning(text);
        else log.debug(text);
      },
  });
}
