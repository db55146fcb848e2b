import { openApiDocument } from '../../lib/api/openapi';
import { httpHandler, ok } from '../../lib/middleware';

const document = openApiDocument();

export const handler = httpHandler({ name: 'get-openapi' }, async () => ok(document));
