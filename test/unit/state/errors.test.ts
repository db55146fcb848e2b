import { type AppError, ConfigError, DependencyUnavailableError, RejectedError } from '../../../lib/errors';
import { isRetriableDynamoError, stateError } from '../../../lib/state/errors';

/** An error shaped as the AWS SDK throws them. */
const sdkError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    ...(status !== undefined && { $metadata: { httpStatusCode: status } }),
    ...extra,
  });

describe('DynamoDB errors as typed errors', () => {
  it.each([
    ['throttling', sdkError('ThrottlingException', 400)],
    ['exceeded throughput', sdkError('ProvisionedThroughputExceededException', 400)],
    ['request limit', sdkError('RequestLimitExceeded', 400)],
    ['a transaction conflict', sdkError('TransactionConflictException', 400)],
    ['an internal error', sdkError('InternalServerError', 500)],
    ['any 5xx', sdkError('SomethingNew', 503)],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a reset under the SDK error', sdkError('Error', undefined, { cause: { code: 'ECONNRESET' } })],
    ['an SDK-marked retryable error', sdkError('Whatever', 400, { $retryable: {} })],
    ['a socket error the SDK wrapped', new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED')],
  ])('%s is retriable: 503 with Retry-After, the cause kept', (_case, error) => {
    expect(isRetriableDynamoError(error)).toBe(true);
    const mapped = stateError(error, 'reading');
    expect(mapped).toBeInstanceOf(DependencyUnavailableError);
    const typed = mapped as DependencyUnavailableError;
    expect(typed.retriable).toBe(true);
    expect(typed.statusCode).toBe(503);
    expect(typed.headers['Retry-After']).toBeDefined();
    expect(typed.message).not.toContain(error.message);
    expect((typed.cause as Error).message).toContain(error.message);
  });

  it.each([
    ['a missing table', 'ResourceNotFoundException'],
    ['denied access', 'AccessDeniedException'],
    ['unknown credentials', 'UnrecognizedClientException'],
  ])('%s is a configuration error (the batch is retried, never dead-lettered)', (_case, name) => {
    const mapped = stateError(sdkError(name, 400), 'writing');
    expect(mapped).toBeInstanceOf(ConfigError);
    // The stage retries the batch (a fixed deployment succeeds) rather than dead-letter the record.
    expect((mapped as AppError).retriable).toBe(true);
    expect((mapped as AppError).statusCode).toBe(500);
  });

  it('a request DynamoDB refuses (an item too large) is a rejection a stage dead-letters', () => {
    const mapped = stateError(sdkError('ValidationException', 400), 'writing');
    expect(mapped).toBeInstanceOf(RejectedError);
    expect((mapped as RejectedError).retriable).toBe(false);
    expect((mapped as RejectedError).reason).toBe('state_request_refused');
  });

  it('passes our own typed errors through unchanged', () => {
    const ours = new RejectedError('no', 'because');
    expect(stateError(ours, 'x')).toBe(ours);
  });
});
