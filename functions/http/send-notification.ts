import { messageEndpoint } from '../../lib/api/message-endpoint';
import { httpHandler } from '../../lib/middleware';

export const endpoint = messageEndpoint('notification', 'notifications', {
  user_id: 'user_12345',
  data: { type: 'REWARD', title: 'You won 500 coins!', body: 'Your 50-coin spin paid 500 coins.' },
});
export const handler = httpHandler(endpoint);
