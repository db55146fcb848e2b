import { messageEndpoint } from '../../lib/api/message-endpoint';
import { httpHandler } from '../../lib/middleware';

export const endpoint = messageEndpoint('game-event', 'game_events');
export const handler = httpHandler(endpoint);
