import { AppError, ConfigError, DependencyUnavailableError, errorMessage, RejectedError } from '../errors';

/**
 * DynamoDB failures in the service's error taxonomy (lib/errors.ts). `stateError` maps every AWS SDK
 * error: throttling, 5xx, network failures and transaction conflicts are retriable
 * (DependencyUnavailableError: 503, a stage's batch is retried); a missing table or denied access is
 * a ConfigError (not retriable); any other request DynamoDB refuses (4xx) a RejectedError (a stage
 * dead-letters the record). The cause is kept for the log, never shown.
 */

/** A ledger or inbox cursor this API did not issue for this player (400 `invalid_cursor`). */
export class InvalidCursorError extends AppError {
  override readonly name = 'InvalidCursorError';
  constructor(reason: string) {
    super('invalid_cursor', `Invalid cursor: ${reason}`, { issues: [{ path: 'cursor', message: reason }] });
  }
}

const RETRIABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TransactionInProgressException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const CONFIGURATION_NAMES = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'CredentialsProviderError',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/**
 * The SDK's errors are matched by shape, not `instanceof Error`: a network error comes from Node's own
 * realm, which is not the caller's under jest (and need not be elsewhere).
 */
const sdkShape = (error: unknown): (SdkErrorShape & { message?: string }) | undefined =>
  typeof error === 'object' && error !== null ? (error as SdkErrorShape & { message?: string }) : undefined;

/** Whether an error (of any realm) is the AWS SDK error of that name. */
export const hasErrorName = (error: unknown, name: string): boolean => sdkShape(error)?.name === name;

/** Whether an AWS SDK error (or the network error under it) is worth retrying. */
export function isRetriableDynamoError(error: unknown): boolean {
  const e = sdkShape(error);
  if (!e) return false;
  if (e.$retryable || (e.name !== undefined && RETRIABLE_NAMES.has(e.name))) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  const code = e.code ?? sdkShape((e as { cause?: unknown }).cause)?.code;
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  // What the SDK's transport threw, wrapped because it was no Error of the SDK's realm (jest's
  // sandbox sees Node's socket errors so): a failure to reach DynamoDB.
  return e.message?.startsWith('AWS SDK error wrapper for') === true;
}

/** The typed error for a failed DynamoDB call; our own errors pass through unchanged. */
export function stateError(error: unknown, action: string): Error {
  if (error instanceof AppError) return error;
  const e = sdkShape(error);
  const detail = `${action}: ${e?.name ?? 'Error'}: ${e?.message ?? errorMessage(error)}`;
  if (isRetriableDynamoError(error)) {
    return new DependencyUnavailableError('The player store is unavailable', {
      cause: new Error(detail, { cause: error }),
      retryAfterSeconds: 2,
    });
  }
  if (e?.name !== undefined && CONFIGURATION_NAMES.has(e.name)) {
    return Object.assign(new ConfigError(`Player store misconfigured (${detail})`), { cause: error });
  }
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400) {
    return new RejectedError(`DynamoDB refused the request (${detail})`, 'state_request_refused', {
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(detail, { cause: error });
}
