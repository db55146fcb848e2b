import { messageEndpoint } from '../../lib/api/message-endpoint';
import { httpHandler } from '../../lib/middleware';

export const endpoint = messageEndpoint('real-time-feedback', 'real_time_feedback');
export const handler = httpHandler(endpoint);
