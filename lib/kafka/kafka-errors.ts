import { KafkaJSError, KafkaJSProtocolError, KafkaJSSASLAuthenticationError } from 'kafkajs';
import { AppError, BrokerUnavailableError, PayloadTooLargeError, ValidationError } from '../errors';

// Errors that mean "the cluster is not reachable or not answering right now".
const UNAVAILABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSServerDoesNotSupportApiKey',
]);

const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

// The broker refused the client's authentication: wrong credentials, a mechanism it does not
// offer, or SASL spoken to a listener that expects none.
const AUTH_REFUSED = new Set([
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
]);

// The cluster refuses the request as asked (a config it does not know, more replicas than brokers,
// a policy): asking again cannot help; the caller must change the request.
const REQUEST_REFUSED = new Set([
  'INVALID_CONFIG',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_PARTITIONS',
  'INVALID_REPLICA_ASSIGNMENT',
  'POLICY_VIOLATION',
]);

/** A protocol error of the given types, itself or among an aggregate's (kafkajs' createTopics). */
const protocolError = (error: Error, types: Set<string>): KafkaJSProtocolError | undefined => {
  if (error instanceof KafkaJSProtocolError && types.has(error.type)) return error;
  const errors = (error as { errors?: unknown }).errors;
  return Array.isArray(errors)
    ? errors.find((e): e is KafkaJSProtocolError => e instanceof KafkaJSProtocolError && types.has(e.type))
    : undefined;
};

const rootCause = (error: KafkaJSError): Error => {
  let current: Error = error;
  for (let depth = 0; depth < 10; depth += 1) {
    const next = (current as { cause?: unknown; originalError?: unknown }).originalError ?? current.cause;
    if (!(next instanceof Error)) break;
    current = next;
  }
  return current;
};

/** Our own typed error carried inside a kafkajs one (thrown from a callback kafkajs calls). */
const carriedAppError = (error: Error): AppError | undefined => {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current instanceof Error; depth += 1) {
    if (current instanceof AppError) return current;
    current = (current as { originalError?: unknown }).originalError ?? current.cause;
  }
  return undefined;
};

/** Translate a kafkajs failure into one of our typed errors; anything else is returned unchanged. */
export function toKafkaError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const carried = carriedAppError(error);
  if (carried) return carried;
  // Checked first: kafkajs reports a refused topic creation as an aggregate, not a KafkaJSError.
  const refusedAsAsked = protocolError(error, REQUEST_REFUSED);
  if (refusedAsAsked) {
    return new ValidationError(`Kafka refused the request: ${refusedAsAsked.message}`, [
      { path: '', message: `${refusedAsAsked.type}: ${refusedAsAsked.message}` },
    ]);
  }
  if (!(error instanceof KafkaJSError)) return error;
  const root = rootCause(error);
  if (root instanceof KafkaJSProtocolError && TOO_LARGE.has(root.type)) {
    return new PayloadTooLargeError('The events are larger than the broker accepts', { cause: error });
  }
  const refused =
    error instanceof KafkaJSSASLAuthenticationError ||
    root instanceof KafkaJSSASLAuthenticationError ||
    (root instanceof KafkaJSProtocolError && AUTH_REFUSED.has(root.type));
  if (refused) {
    return new BrokerUnavailableError('Kafka rejected the client credentials', 30, { cause: error });
  }
  if (UNAVAILABLE.has(error.name) || UNAVAILABLE.has(root.name) || error.retriable) {
    return new BrokerUnavailableError('Kafka is unavailable, try again shortly', 5, { cause: error });
  }
  return error;
}
