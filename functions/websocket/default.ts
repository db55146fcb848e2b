import { fieldIssues } from '../../lib/errors';
import { websocketHandler } from '../../lib/middleware/websocket-handler';
import { connectionSender } from '../../lib/realtime/connections-api';
import { acknowledge, connectionOwner, syncConnection } from '../../lib/realtime/deliver';
import { ClientMessage, type ServerMessage } from '../../lib/realtime/messages';
import { declareRoute } from '../../lib/realtime/route';

export const route = declareRoute({
  name: 'default',
  route: '$default',
  description:
    'Messages from a player\'s socket: {"action":"sync"|"ack"|"ping"}; anything else gets an error message',
  state: 'sessions',
});

const parse = (body: string | undefined): ClientMessage | string => {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    return 'Send JSON: {"action":"sync"}, {"action":"ack","event_ids":[…]} or {"action":"ping"}';
  }
  const parsed = ClientMessage.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = fieldIssues(parsed.error.issues).map((i) => `${i.path || '(message)'}: ${i.message}`);
  return `Unknown or invalid message (${issues.join('; ')}); actions: sync, ack, ping`;
};

export const handler = websocketHandler({
  ...route,
  handle: async ({ connectionId, body, api, log }) => {
    const sender = connectionSender(api);
    const reply = (message: ServerMessage) => sender.send(connectionId, JSON.stringify(message));
    const message = parse(body);
    if (typeof message === 'string') {
      await reply({ action: 'error', message });
      return { statusCode: 200 };
    }
    try {
      if (message.action === 'ping') {
        await reply({ action: 'pong', at: Date.now() });
        return { statusCode: 200 };
      }
      const userId = await connectionOwner(connectionId);
      if (userId === undefined) {
        await reply({ action: 'error', message: 'This connection is not known: open a new session' });
        return { statusCode: 200 };
      }
      if (message.action === 'ack') await reply(await acknowledge(userId, message.event_ids));
      else log.info('synced', { user_id: userId, sent: await syncConnection(connectionId, userId, sender) });
    } catch (error) {
      // The client is told and may retry (sync and ack are both safe to repeat); the socket stays open.
      log.warn('message failed', { action: message.action, error });
      await reply({ action: 'error', message: `${message.action} failed, try again` }).catch(() => undefined);
    }
    return { statusCode: 200 };
  },
});
