import { messageEndpoint } from '../../lib/api/message-endpoint';
import { httpHandler } from '../../lib/middleware';

export const endpoint = messageEndpoint('real-time-feedback', 'real_time_feedback', {
  user_id: 'user_12345',
  data: { feedback_type: 'BIG_WIN', intensity: 0.8, message: 'Big win!' },
});
export const handler = httpHandler(endpoint);
