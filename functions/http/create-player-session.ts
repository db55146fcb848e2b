import { declareEndpoint } from '../../lib/api/endpoint';
import { UserId } from '../../lib/events';
import { httpHandler } from '../../lib/middleware';
import { createSession, SessionResponse } from '../../lib/realtime/session';

export const endpoint = declareEndpoint({
  name: 'create-player-session',
  method: 'POST',
  path: '/players/{user_id}/session',
  // The user id the token is signed for: a blank one is refused (400), so the document says so.
  parameters: { user_id: UserId },
  summary: "A short-lived signed token and the WebSocket URL a player's client opens to receive notices live",
  tag: 'players',
  caller: 'gameServer',
  response: SessionResponse,
  status: 201,
  errors: ['validation_failed'],
  handle: async ({ pathParameters }) => ({
    statusCode: 201,
    body: createSession(pathParameters.user_id ?? ''),
  }),
});
export const handler = httpHandler(endpoint);
