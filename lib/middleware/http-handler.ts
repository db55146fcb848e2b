import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { fieldIssues, ValidationError } from '../errors';
import { createLogger, type Logger } from '../log';
import { type Caller, requireCaller } from './caller';
import { errorResponse } from './http-errors';
import { type HttpResult, type RawResult, toProxyResult } from './http-response';
import { jsonBody, type ParsedBody } from './json-body';

/** API Gateway's own cap is 10 MB; ours keeps one request's events well inside one produce call. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface HttpRequest<Body> {
  body: Body;
  pathParameters: Record<string, string>;
  query: Record<string, string>;
  requestId: string;
  log: Logger;
}

export type BodyOf<Schema> = Schema extends z.ZodType ? z.output<Schema> : undefined;

export interface HttpHandlerSpec<Schema extends z.ZodType | undefined> {
  /** The function's name, for logs. */
  name: string;
  /** Who may call it. */
  caller: Caller;
  /** The JSON body's schema; omit for requests without a body. */
  request?: Schema;
  maxBodyBytes?: number;
  /** The endpoint's business, given a request that passed every check. */
  handle: (request: HttpRequest<BodyOf<Schema>>) => Promise<HttpResult | RawResult>;
}
type Event = APIGatewayProxyEvent & Partial<ParsedBody>;

const compact = (values: Record<string, string | undefined> | null | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(values ?? {}).filter((e): e is [string, string] => e[1] !== undefined));

/**
 * The one factory for HTTP functions: header normalisation, the caller's credential, JSON body
 * parsing, zod validation and error mapping around a handler that only does its business. The error
 * handler is the last layer.
 */
export function httpHandler<Schema extends z.ZodType | undefined = undefined>(spec: HttpHandlerSpec<Schema>) {
  const log = createLogger({ function: spec.name });
  const { request: schema, handle } = spec;

  const validateBody: middy.MiddlewareObj<Event> = {
    before: ({ event }) => {
      if (!schema) return;
      const parsed = schema.safeParse(event.parsedBody);
      if (!parsed.success) {
        const issues = fieldIssues(parsed.error.issues);
        const summary = issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ');
        throw new ValidationError(`Request body failed validation: ${summary}`, issues);
      }
      event.parsedBody = parsed.data;
    },
  };

  const mapErrors: middy.MiddlewareObj<Event, APIGatewayProxyResult> = {
    onError: (request) => {
      request.response = errorResponse(request.error, log, request.context.awsRequestId);
    },
  };

  const stack = middy<Event, APIGatewayProxyResult, Error, Context>()
    .use(httpHeaderNormalizer())
    .use(requireCaller(spec.caller));
  if (schema)
    stack.use(jsonBody({ maxBytes: spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES })).use(validateBody);
  return stack.use(mapErrors).handler(async (event, context) => {
    const result = await handle({
      body: event.parsedBody as BodyOf<Schema>,
      pathParameters: compact(event.pathParameters),
      query: compact(event.queryStringParameters),
      requestId: context.awsRequestId,
      log: log.child({ requestId: context.awsRequestId }),
    });
    return 'raw' in result ? result.raw : toProxyResult(result);
  });
}
