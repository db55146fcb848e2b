import { GachaOpenRequest } from '../../lib/api/requests';
import { scenarioEndpoint } from '../../lib/api/scenario-endpoint';
import { gachaOpenStart } from '../../lib/api/scenarios';
import { httpHandler } from '../../lib/middleware';

export const endpoint = scenarioEndpoint({
  name: 'game-gacha-open',
  path: '/game/gacha-open',
  summary: 'Report a gacha pull: starts the gacha pipeline (game_events → feedback → monetisation)',
  request: GachaOpenRequest,
  example: {
    user_id: 'user_12345',
    gacha_id: 'neon-capsule',
    cost: 600,
    items: [{ item_id: 'hoverboard', rarity: 'epic' }],
  },
  start: gachaOpenStart,
});
export const handler = httpHandler(endpoint);
