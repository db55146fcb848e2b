import { declareEndpoint } from '../../lib/api/endpoint';
import { openApiDocument } from '../../lib/api/openapi';
import { httpHandler, ok } from '../../lib/middleware';

export const endpoint = declareEndpoint({
  name: 'get-openapi',
  method: 'GET',
  path: '/openapi.json',
  summary: 'This OpenAPI 3.1 document',
  tag: 'service',
  caller: 'public',
  status: 200,
  handle: async () => ok(openApiDocument()),
});
export const handler = httpHandler(endpoint);
