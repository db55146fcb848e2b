import { SlotSpinRequest } from '../../lib/api/requests';
import { scenarioEndpoint } from '../../lib/api/scenario-endpoint';
import { slotSpinStart } from '../../lib/api/scenarios';
import { httpHandler } from '../../lib/middleware';

export const endpoint = scenarioEndpoint({
  name: 'game-slot-spin',
  path: '/game/slot-spin',
  summary: 'Report a slot spin: starts the slot-spin pipeline (user_actions → analytics → feedback)',
  request: SlotSpinRequest,
  example: {
    user_id: 'user_12345',
    bet_amount: 50,
    payout: 500,
    symbols: ['7', '7', '7'],
    game_id: 'neon-slots',
  },
  start: slotSpinStart,
});
export const handler = httpHandler(endpoint);
