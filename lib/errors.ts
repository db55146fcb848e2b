/**
 * The one error taxonomy of the service. Every error we raise is an `AppError` with a machine-readable
 * `code`, a `retriable` flag and, where it came from something else, a `cause`. Endpoints answer with
 * the status `HTTP_STATUS` gives its code; stages dead-letter a record whose error is not retriable
 * and fail (so the batch is delivered again) on anything retriable or unknown.
 */

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `events.2.user_id`; empty for the whole value. */
  path: string;
  message: string;
}

/** Each code's HTTP status: the one table endpoints answer from. */
export const HTTP_STATUS = {
  validation_failed: 400,
  malformed_json: 400,
  invalid_topic: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** A business rule refused the event (a stage dead-letters it). */
  rejected: 422,
  misconfigured: 500,
  /** A dependency (Kafka, DynamoDB, headquarters) is unreachable or refused for now. */
  broker_unavailable: 503,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof HTTP_STATUS;

export interface AppErrorOptions {
  retriable?: boolean;
  cause?: unknown;
  issues?: FieldIssue[];
  /** Answer headers (e.g. Retry-After). */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  override readonly name: string = 'AppError';
  readonly retriable: boolean;
  readonly issues: FieldIssue[];
  readonly headers: Record<string, string>;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retriable = options.retriable ?? false;
    this.issues = options.issues ?? [];
    this.headers = options.headers ?? {};
  }
  get statusCode(): number {
    return HTTP_STATUS[this.code];
  }
  /** Whether `message` may be shown to a caller: our own wording, never a 500's internals. */
  get expose(): boolean {
    return this.statusCode !== 500;
  }
}

export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  constructor(message: string, issues: FieldIssue[]) {
    super('validation_failed', message, { issues });
  }
}

export class MalformedJsonError extends AppError {
  override readonly name = 'MalformedJsonError';
  constructor(message: string) {
    super('malformed_json', message);
  }
}

export class PayloadTooLargeError extends AppError {
  override readonly name = 'PayloadTooLargeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('payload_too_large', message, options);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}

export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  constructor(message: string) {
    super('not_found', message);
  }
}

export class ForbiddenError extends AppError {
  override readonly name = 'ForbiddenError';
  constructor(message: string) {
    super('forbidden', message);
  }
}

export class InvalidTopicError extends AppError {
  override readonly name = 'InvalidTopicError';
  constructor(
    readonly topic: string,
    reason: string,
  ) {
    super('invalid_topic', `Invalid topic name ${JSON.stringify(topic)}: ${reason}`);
  }
}

/** The broker cannot be reached or did not acknowledge in time: try again later. */
export class BrokerUnavailableError extends AppError {
  override readonly name = 'BrokerUnavailableError';
  constructor(
    message = 'Kafka is unavailable',
    readonly retryAfterSeconds = 5,
    options?: { cause?: unknown },
  ) {
    super('broker_unavailable', message, {
      ...options,
      retriable: true,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
  /** Our own wording, with nothing of the cause: safe to show although it is a 5xx. */
  override get expose(): boolean {
    return true;
  }
}

/** Another dependency (DynamoDB, headquarters) is unavailable or throttling: try again later. */
export class DependencyUnavailableError extends AppError {
  override readonly name = 'DependencyUnavailableError';
  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super('unavailable', message, {
      cause: options?.cause,
      retriable: true,
      headers: { 'Retry-After': String(options?.retryAfterSeconds ?? 5) },
    });
  }
  override get expose(): boolean {
    return true;
  }
}

/**
 * An event a business rule refuses and always will (a stage dead-letters it with `reason`), however
 * often it is delivered.
 */
export class RejectedError extends AppError {
  override readonly name = 'RejectedError';
  constructor(
    message: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('rejected', message, options);
  }
}

/**
 * A setting is missing or wrong: nothing works until it is fixed. Retriable: once the deployment is
 * fixed the same request or record succeeds, so a stage retries its batch rather than dead-letter
 * every record for a fault that is not theirs.
 */
export class ConfigError extends AppError {
  override readonly name = 'ConfigError';
  constructor(message: string, issues: FieldIssue[] = []) {
    super('misconfigured', message, { issues, retriable: true });
  }
}

interface SchemaIssue {
  path: readonly PropertyKey[];
  message: string;
  /** A union's: each alternative's own issues. */
  errors?: readonly (readonly SchemaIssue[])[];
}

/**
 * The alternative the value was meant as: the one whose issues lie deepest (a batch with one bad
 * event is a batch, not a single event with an unknown `events` key), then the one with fewest.
 */
function closestAlternative(alternatives: readonly (readonly SchemaIssue[])[]): readonly SchemaIssue[] {
  const depth = (issues: readonly SchemaIssue[]) => Math.min(...issues.map((i) => i.path.length));
  return [...alternatives].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0] ?? [];
}

/** Zod's issues as our field issues (dotted paths), a union's from the alternative that was meant. */
export const fieldIssues = (
  issues: readonly SchemaIssue[],
  prefix: readonly PropertyKey[] = [],
): FieldIssue[] =>
  issues.flatMap((i) =>
    i.errors && i.errors.length > 0
      ? fieldIssues(closestAlternative(i.errors), [...prefix, ...i.path])
      : [{ path: [...prefix, ...i.path].map(String).join('.'), message: i.message }],
  );

/** Field issues in one line, e.g. `data.amount: too small; user_id: required`. */
export const describeIssues = (issues: readonly FieldIssue[], whole = '(body)'): string =>
  issues.map((i) => `${i.path || whole}: ${i.message}`).join('; ');

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
