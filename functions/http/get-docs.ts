import { docsPage } from '../../lib/api/docs-page';
import { declareEndpoint } from '../../lib/api/endpoint';
import { openApiDocument } from '../../lib/api/openapi';
import { html, httpHandler } from '../../lib/middleware';

let page: string | undefined;
const docs = (): string => {
  page ??= docsPage(openApiDocument());
  return page;
};

export const endpoint = declareEndpoint({
  name: 'get-docs',
  method: 'GET',
  path: '/docs',
  summary: 'Human-readable API documentation (HTML)',
  tag: 'service',
  caller: 'public',
  status: 200,
  contentType: 'text/html',
  handle: async () => html(docs()),
});
export const handler = httpHandler(endpoint);
