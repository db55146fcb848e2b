import { scenarioEndpoint } from '../../lib/api/scenario-endpoint';
import { httpHandler } from '../../lib/middleware';
import { CyberTokenSpendRequest, cyberTokenSpendStart } from '../../lib/state/api';

export const endpoint = scenarioEndpoint({
  name: 'game-cyber-token-spend',
  path: '/game/cyber-token-spend',
  summary:
    "Spend a player's cyber tokens: the spend pipeline debits the balance once and notifies TOKENS_SPENT, or TOKENS_SPEND_REJECTED with the shortfall",
  request: CyberTokenSpendRequest,
  example: { user_id: 'user_12345', amount: 40, reason: 'neon skin', item_id: 'skin_neon' },
  start: cyberTokenSpendStart,
});
export const handler = httpHandler(endpoint);
