import { websocketHandler } from '../../lib/middleware/websocket-handler';
import { declareRoute } from '../../lib/realtime/route';
import { removeConnection } from '../../lib/state';

export const route = declareRoute({
  name: 'disconnect',
  route: '$disconnect',
  description: "Forgets a closed socket (the player's other devices stay connected)",
  state: 'sessions',
});

export const handler = websocketHandler({
  ...route,
  handle: async ({ connectionId, log }) => {
    const removed = await removeConnection(connectionId);
    log.info('disconnected', { user_id: removed?.user_id });
    return { statusCode: 200 };
  },
});
