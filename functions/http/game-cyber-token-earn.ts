import { CyberTokenEarnRequest } from '../../lib/api/requests';
import { scenarioEndpoint } from '../../lib/api/scenario-endpoint';
import { cyberTokenEarnStart } from '../../lib/api/scenarios';
import { httpHandler } from '../../lib/middleware';

export const endpoint = scenarioEndpoint({
  name: 'game-cyber-token-earn',
  path: '/game/cyber-token-earn',
  summary:
    'Report cyber tokens earned: starts the token pipeline (cyber_tokens → headquarters → notification)',
  request: CyberTokenEarnRequest,
  example: { user_id: 'user_12345', amount: 100, reason: 'daily login' },
  start: cyberTokenEarnStart,
});
export const handler = httpHandler(endpoint);
