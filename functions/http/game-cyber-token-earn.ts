import { CyberTokenEarnRequest } from '../../lib/api/requests';
import { scenarioHandler } from '../../lib/api/scenario-handler';
import { cyberTokenEarnStart } from '../../lib/api/scenarios';

export const handler = scenarioHandler('game-cyber-token-earn', CyberTokenEarnRequest, cyberTokenEarnStart);
