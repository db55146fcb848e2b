import { messageEndpoint } from '../../lib/api/message-endpoint';
import { httpHandler } from '../../lib/middleware';

export const endpoint = messageEndpoint('user-action', 'user_actions');
export const handler = httpHandler(endpoint);
