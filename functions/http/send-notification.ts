import { messageEndpoint } from '../../lib/api/message-endpoint';
import { httpHandler } from '../../lib/middleware';

export const endpoint = messageEndpoint('notification', 'notifications');
export const handler = httpHandler(endpoint);
