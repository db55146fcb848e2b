import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AppError } from '../errors';
import { createLogger, type Logger } from '../log';
import type { RouteDeclaration } from '../realtime/route';

/** What API Gateway (and serverless-offline) hands a WebSocket route. */
export interface WebSocketEvent {
  requestContext: {
    connectionId: string;
    routeKey: string;
    eventType?: string;
    domainName?: string;
    stage?: string;
  };
  body?: string | null;
  /** Only on `$connect`: the query string of the URL the client opened. */
  queryStringParameters?: Record<string, string | undefined> | null;
}

export interface WebSocketResult {
  statusCode: number;
  body?: string;
}

export interface WebSocketRequest {
  connectionId: string;
  routeKey: string;
  body: string | undefined;
  query: Record<string, string>;
  /** Where the Management API of this API is, deployed (`https://<domainName>/<stage>`). */
  api: { domainName?: string; stage?: string };
  log: Logger;
}

export interface WebSocketHandlerSpec extends RouteDeclaration {
  handle: (request: WebSocketRequest) => Promise<WebSocketResult>;
}

/**
 * The one factory for WebSocket route functions, beside `httpHandler` and `stageHandler`: the
 * request reduced to what a route needs, and errors mapped to a status. On `$connect` any status
 * outside 2xx refuses the handshake; our own refusals (4xx) say why, anything else is logged and
 * answered 500 without its internals.
 */
export function websocketHandler(spec: WebSocketHandlerSpec) {
  const log = createLogger({ function: spec.name });

  const mapErrors: middy.MiddlewareObj<WebSocketEvent, WebSocketResult> = {
    onError: (request) => {
      const { error } = request;
      const connectionId = request.event.requestContext?.connectionId;
      if (error instanceof AppError && error.statusCode < 500) {
        log.info('refused', { connectionId, code: error.code, error: error.message });
        request.response = { statusCode: error.statusCode, body: error.message };
        return;
      }
      log.error('route failed', { connectionId, error });
      request.response = { statusCode: 500, body: 'Internal server error' };
    },
  };

  return middy<WebSocketEvent, WebSocketResult, Error, Context>()
    .use(mapErrors)
    .handler(async (event, context) => {
      const { connectionId, routeKey, domainName, stage } = event.requestContext;
      const query = Object.fromEntries(
        Object.entries(event.queryStringParameters ?? {}).filter(
          (e): e is [string, string] => e[1] !== undefined,
        ),
      );
      return spec.handle({
        connectionId,
        routeKey,
        body: event.body ?? undefined,
        query,
        api: { domainName, stage },
        log: log.child({ requestId: context.awsRequestId, connectionId }),
      });
    });
}
