import { SlotSpinRequest } from '../../lib/api/requests';
import { scenarioHandler } from '../../lib/api/scenario-handler';
import { slotSpinStart } from '../../lib/api/scenarios';

export const handler = scenarioHandler('game-slot-spin', SlotSpinRequest, slotSpinStart);
