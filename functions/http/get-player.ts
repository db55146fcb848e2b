import { declareEndpoint } from '../../lib/api/endpoint';
import { NotFoundError } from '../../lib/errors';
import { httpHandler, ok } from '../../lib/middleware';
import { getPlayer } from '../../lib/state';
import { PlayerResponse } from '../../lib/state/api';

export const endpoint = declareEndpoint({
  name: 'get-player',
  method: 'GET',
  path: '/players/{user_id}',
  summary: "A player's state: token balance, lifetime spend, VIP tier, battle-pass levels, slot stats",
  tag: 'players',
  caller: 'gameServer',
  response: PlayerResponse,
  status: 200,
  errors: ['not_found', 'unavailable'],
  state: 'stateRead',
  handle: async ({ pathParameters }) => {
    const userId = pathParameters.user_id ?? '';
    const player = await getPlayer(userId);
    if (!player)
      throw new NotFoundError(`No player ${JSON.stringify(userId)}: nothing has been recorded for them`);
    return ok(player);
  },
});
export const handler = httpHandler(endpoint);
