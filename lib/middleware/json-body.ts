import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { MalformedJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors';

export interface JsonBodyOptions {
  /** Largest body accepted, in bytes; bigger ones get a 413 before parsing. */
  maxBytes: number;
}

export interface ParsedBody {
  parsedBody: unknown;
}

const isJsonType = (contentType: string | undefined): boolean =>
  contentType === undefined || /^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(contentType.trim());

/**
 * Parse a JSON request body into `event.parsedBody`. Runs after header normalisation, so headers
 * are lower-case. A missing Content-Type is read as JSON; any other type is refused with a 415.
 */
export function jsonBody({ maxBytes }: JsonBodyOptions): MiddlewareObj<APIGatewayProxyEvent & ParsedBody> {
  return {
    before: ({ event }) => {
      // API Gateway always passes a string (or null); serverless-offline passes a body it could
      // parse as JSON but found falsy (`false`, `0`) as that value, so normalise both.
      const raw =
        typeof event.body === 'string' ? event.body : event.body == null ? '' : JSON.stringify(event.body);
      const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
      if (bytes.length > maxBytes) {
        throw new PayloadTooLargeError(
          `The request body is ${bytes.length} bytes; the limit is ${maxBytes} bytes`,
        );
      }
      if (bytes.length === 0)
        throw new MalformedJsonError('The request body is empty; a JSON object is expected');
      const contentType = event.headers?.['content-type'];
      if (!isJsonType(contentType)) {
        throw new UnsupportedMediaTypeError(
          `Content-Type ${contentType} is not supported; send application/json`,
        );
      }
      try {
        event.parsedBody = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        throw new MalformedJsonError(`The request body is not valid JSON: ${(error as Error).message}`);
      }
    },
  };
}
