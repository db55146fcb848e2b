import { messageEndpoint } from '../../lib/api/message-endpoint';
import { httpHandler } from '../../lib/middleware';

export const endpoint = messageEndpoint('analytics', 'analytics');
export const handler = httpHandler(endpoint);
