import { GachaOpenRequest } from '../../lib/api/requests';
import { scenarioHandler } from '../../lib/api/scenario-handler';
import { gachaOpenStart } from '../../lib/api/scenarios';

export const handler = scenarioHandler('game-gacha-open', GachaOpenRequest, gachaOpenStart);
