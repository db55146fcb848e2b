/**
 * Typed errors. HTTP handlers map `HttpError`s to status codes; stage handlers send
 * `NonRetriableError`s to the dead-letter topic and rethrow everything else so the batch is retried.
 */

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `events.2.user_id`; empty for the whole value. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

export abstract class HttpError extends Error {
  abstract readonly statusCode: number;
  /** Machine-readable code returned in the JSON body. */
  abstract readonly code: string;
  readonly headers: Record<string, string> = {};
  /** Whether `message` may be shown to the caller (never true for 5xx). */
  get expose(): boolean {
    return this.statusCode < 500;
  }
}

export class ValidationError extends HttpError {
  override readonly name = 'ValidationError';
  readonly statusCode = 400;
  readonly code = 'validation_failed';
  constructor(
    message: string,
    readonly issues: FieldIssue[],
  ) {
    super(message);
  }
}

export class MalformedJsonError extends HttpError {
  override readonly name = 'MalformedJsonError';
  readonly statusCode = 400;
  readonly code = 'malformed_json';
}

export class PayloadTooLargeError extends HttpError {
  override readonly name = 'PayloadTooLargeError';
  readonly statusCode = 413;
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaTypeError extends HttpError {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly statusCode = 415;
  readonly code = 'unsupported_media_type';
}

export class NotFoundError extends HttpError {
  override readonly name = 'NotFoundError';
  readonly statusCode = 404;
  readonly code = 'not_found';
}

export class InvalidTopicError extends HttpError {
  override readonly name = 'InvalidTopicError';
  readonly statusCode = 400;
  readonly code = 'invalid_topic';
  constructor(
    readonly topic: string,
    reason: string,
  ) {
    super(`Invalid topic name ${JSON.stringify(topic)}: ${reason}`);
  }
}

/** The broker cannot be reached or did not acknowledge in time: the caller should retry later. */
export class BrokerUnavailableError extends HttpError {
  override readonly name = 'BrokerUnavailableError';
  readonly statusCode = 503;
  readonly code = 'broker_unavailable';
  override readonly headers: Record<string, string>;
  constructor(
    message = 'Kafka is unavailable',
    readonly retryAfterSeconds = 5,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.headers = { 'Retry-After': String(retryAfterSeconds) };
  }
  /** Our own wording, with nothing of the cause: safe to show although it is a 5xx. */
  override get expose(): boolean {
    return true;
  }
}

/** A record that will never succeed however often it is retried (bad bytes, bad schema, business rejection). */
export class NonRetriableError extends Error {
  override readonly name = 'NonRetriableError';
  constructor(
    message: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Zod's issues as our field issues (dotted paths). */
export const fieldIssues = (
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix: readonly PropertyKey[] = [],
): FieldIssue[] =>
  issues.map((i) => ({ path: [...prefix, ...i.path].map(String).join('.'), message: i.message }));

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
