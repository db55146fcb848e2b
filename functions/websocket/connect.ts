import { AppError } from '../../lib/errors';
import { websocketHandler } from '../../lib/middleware/websocket-handler';
import { realtimeConfig } from '../../lib/realtime/config';
import { declareRoute } from '../../lib/realtime/route';
import { verifyToken } from '../../lib/realtime/session-token';
import { addConnection } from '../../lib/state';

export const route = declareRoute({
  name: 'connect',
  route: '$connect',
  description: "Opens a player's socket: checks the session token (?token=) and records the connection",
  state: 'sessions',
});

export const handler = websocketHandler({
  ...route,
  handle: async ({ connectionId, query, log }) => {
    const check = verifyToken(query.token, realtimeConfig().sessionSecret, Date.now());
    // The token itself is never logged: only why it was refused.
    if (!check.valid) throw new AppError('unauthorized', `Session token ${check.reason}`);
    await addConnection({ connectionId, userId: check.claims.sub });
    log.info('connected', { user_id: check.claims.sub });
    return { statusCode: 200 };
  },
});
