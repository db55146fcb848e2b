import type { APIGatewayProxyResult } from 'aws-lambda';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { toProxyResult } from './http-response';

export interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
  request_id?: string;
}

/**
 * The one place an error becomes an HTTP answer: typed errors answer with their code's status (HTTP_STATUS) and message;
 * anything else is a 500 whose body says nothing about internals (the log has the details).
 */
export function errorResponse(error: unknown, log: Logger, requestId?: string): APIGatewayProxyResult {
  const known = error instanceof AppError ? error : undefined;
  const statusCode = known?.statusCode ?? 500;
  const message = known?.expose ? known.message : 'Internal server error';
  const body: ErrorBody = {
    error: {
      code: known?.expose ? known.code : 'internal_error',
      message,
      ...(known?.expose && known.issues.length > 0 && { issues: known.issues }),
    },
    ...(requestId && { request_id: requestId }),
  };
  const cause = error instanceof Error ? error : new Error(String(error));
  const fields = { statusCode, error: cause, ...(cause.cause instanceof Error && { cause: cause.cause }) };
  if (statusCode >= 500) log.error('request failed', fields);
  else log.info('request refused', { statusCode, code: body.error.code });
  return toProxyResult({ statusCode, body, headers: known?.headers ?? {} });
}
