import { docsPage } from '../../lib/api/docs-page';
import { openApiDocument } from '../../lib/api/openapi';
import { html, httpHandler } from '../../lib/middleware';

const page = docsPage(openApiDocument());

export const handler = httpHandler({ name: 'get-docs' }, async () => html(page));
