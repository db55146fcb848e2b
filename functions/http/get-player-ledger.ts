import { declareEndpoint } from '../../lib/api/endpoint';
import { ValidationError } from '../../lib/errors';
import { httpHandler, ok } from '../../lib/middleware';
import { LEDGER_PAGE_MAX, listLedger } from '../../lib/state';
import { LedgerResponse } from '../../lib/state/api';

const limitOf = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d{1,3}$/.test(value)) {
    throw new ValidationError(`limit must be an integer from 1 to ${LEDGER_PAGE_MAX}`, [
      { path: 'limit', message: `must be an integer from 1 to ${LEDGER_PAGE_MAX}` },
    ]);
  }
  return Number(value);
};

export const endpoint = declareEndpoint({
  name: 'get-player-ledger',
  method: 'GET',
  path: '/players/{user_id}/ledger',
  summary: `A player's cyber-token ledger, newest first (?limit= up to ${LEDGER_PAGE_MAX}, ?cursor= for older pages)`,
  tag: 'players',
  caller: 'gameServer',
  response: LedgerResponse,
  status: 200,
  errors: ['validation_failed', 'invalid_cursor', 'unavailable'],
  state: 'stateRead',
  handle: async ({ pathParameters, query }) => {
    const limit = limitOf(query.limit);
    const page = await listLedger(pathParameters.user_id ?? '', {
      ...(query.cursor !== undefined && { cursor: query.cursor }),
      ...(limit !== undefined && { limit }),
    });
    return ok(page);
  },
});
export const handler = httpHandler(endpoint);
