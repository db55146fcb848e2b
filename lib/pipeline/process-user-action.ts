import { NonRetriableError } from '../errors';
import { SlotSpinData, type UserActionEvent } from '../events/user-actions';
import type { Emit } from '../middleware/stage-handler';
import { amount, notify, round2 } from './notify';

/**
 * user_actions → a reward notice when a slot spin paid, and a `GAME_COMPLETED` record on
 * `analytics` for every spin (analyze-game-result turns it into feedback). Other actions lead nowhere yet.
 */
export function processUserAction(event: UserActionEvent): Emit[] {
  if (event.data.action !== 'SLOT_SPIN') return [];
  const parsed = SlotSpinData.safeParse(event.data);
  if (!parsed.success)
    throw new NonRetriableError('A SLOT_SPIN without its bet, payout and symbols', 'invalid_spin');
  const { bet_amount, payout, symbols, game_id, session_id } = parsed.data;
  const game = { ...(game_id !== undefined && { game_id }), ...(session_id !== undefined && { session_id }) };
  const emits: Emit[] = [];
  if (payout > 0) {
    emits.push(
      notify('REWARD', {
        title: `You won ${amount(payout)} coins!`,
        body: `Your ${amount(bet_amount)}-coin spin paid ${amount(payout)} coins (${symbols.join(' ')}).`,
        relatedEventId: event.event_id,
        details: { bet_amount, payout, ...game },
      }),
    );
  }
  emits.push({
    topic: 'analytics',
    event_type: 'GAME_COMPLETED',
    data: {
      metric: 'game_completed',
      game: 'slot',
      ...game,
      bet_amount,
      payout,
      net: round2(payout - bet_amount),
      multiplier: bet_amount > 0 ? round2(payout / bet_amount) : null,
      symbols,
    },
  });
  return emits;
}
