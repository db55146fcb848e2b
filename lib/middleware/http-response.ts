import type { APIGatewayProxyResult } from 'aws-lambda';

const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };

export interface HttpResult<T = unknown> {
  statusCode: number;
  body: T;
  headers?: Record<string, string>;
}

export const ok = <T>(body: T, headers?: Record<string, string>): HttpResult<T> => ({
  statusCode: 200,
  body,
  ...(headers && { headers }),
});
export const accepted = <T>(body: T): HttpResult<T> => ({ statusCode: 202, body });

/** The raw API Gateway response for a result whose body is serialised as JSON. */
export function toProxyResult(result: HttpResult): APIGatewayProxyResult {
  return {
    statusCode: result.statusCode,
    headers: { ...JSON_TYPE, ...result.headers },
    body: JSON.stringify(result.body),
  };
}

/** A response that is not JSON (e.g. the HTML docs page). */
export interface RawResult {
  raw: APIGatewayProxyResult;
}

export const html = (body: string): RawResult => ({
  raw: { statusCode: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body },
});
