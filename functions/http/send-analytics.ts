import { messageEndpoint } from '../../lib/api/message-endpoint';
import { httpHandler } from '../../lib/middleware';

export const endpoint = messageEndpoint('analytics', 'analytics', {
  user_id: 'user_12345',
  data: { metric: 'session_length', seconds: 120 },
});
export const handler = httpHandler(endpoint);
