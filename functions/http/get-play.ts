import { declareEndpoint } from '../../lib/api/endpoint';
import { html, httpHandler } from '../../lib/middleware';
import { playPage } from '../../lib/realtime/play-page';

/** The local stage's game-server key (serverless.yml `params.local.gameApiKey` default). */
const LOCAL_GAME_KEY = 'local-game-key-0123456789';

export const endpoint = declareEndpoint({
  name: 'get-play',
  method: 'GET',
  path: '/play',
  summary: 'The player page for local play (HTML): game buttons, live notices, player state',
  tag: 'players',
  caller: 'public',
  status: 200,
  contentType: 'text/html',
  localOnly: true,
  handle: async () => html(playPage(LOCAL_GAME_KEY)),
});
export const handler = httpHandler(endpoint);
