import { messageEndpoint } from '../../lib/api/message-endpoint';
import { httpHandler } from '../../lib/middleware';

export const endpoint = messageEndpoint('game-event', 'game_events', {
  user_id: 'user_12345',
  event_type: 'GAME_COMPLETED',
  data: { game_id: 'neon-slots', result: 'win' },
});
export const handler = httpHandler(endpoint);
