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

const statusOf = (error: Error): number | undefined => (error as SdkErrorShape).$metadata?.httpStatusCode;

/** Whether an AWS SDK error (or the network error under it) is worth retrying. */
export function isRetriableDynamoError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & SdkErrorShape;
  if (e.$retryable || RETRIABLE_NAMES.has(e.name)) return true;
  const status = statusOf(e);
  if (status !== undefined && status >= 500) return true;
  const code = e.code ?? (e.cause as SdkErrorShape | undefined)?.code;
  return code !== undefined && NETWORK_CODES.has(code);
}

/** The typed error for a failed DynamoDB call; our own errors pass through unchanged. */
export function stateError(error: unknown, action: string): Error {
  if (error instanceof AppError) return error;
  if (!(error instanceof Error)) return new Error(`${action}: ${errorMessage(error)}`);
  const detail = `${action}: ${error.name}: ${error.message}`;
  if (isRetriableDynamoError(error)) {
    return new DependencyUnavailableError('The player store is unavailable', {
      cause: new Error(detail, { cause: error }),
      retryAfterSeconds: 2,
    });
  }
  if (CONFIGURATION_NAMES.has(error.name)) {
    const wrapped = new ConfigError(`Player store misconfigured (${detail})`);
    return Object.assign(wrapped, { cause: error });
  }
  const status = statusOf(error);
  if (status !== undefined && status >= 400) {
    return new RejectedError(`DynamoDB refused the request (${detail})`, 'state_request_refused', {
      cause: error,
    });
  }
  return error;
}
