import { messageEndpoint } from '../../lib/api/message-endpoint';
import { httpHandler } from '../../lib/middleware';

export const endpoint = messageEndpoint('user-action', 'user_actions', {
  // The seed's own test message: a spin whose outcome is not known yet is a bet placed.
  event_type: 'user_action',
  user_id: 'user_12345',
  timestamp: 1690614300.123,
  data: { action: 'SLOT_SPIN', bet_amount: 50 },
});
export const handler = httpHandler(endpoint);
