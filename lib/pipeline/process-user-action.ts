import { RejectedError } from '../errors';
import { SlotSpinData, type UserActionEvent } from '../events/user-actions';
import { amount, notify, round2 } from './notify';
import type { Emit } from './stage';

/**
 * user_actions → for a slot spin whose outcome is known (it has a `payout`): a reward notice when it
 * paid, and a `GAME_COMPLETED` record on `analytics` (analyze-game-result turns it into feedback).
 * A spin without its outcome (the seed's `{"action":"SLOT_SPIN","bet_amount":50}`) is a bet placed:
 * a `BET_PLACED` record on `analytics`, nothing for the player yet. Other actions lead nowhere yet.
 */
export function processUserAction(event: UserActionEvent): Emit[] {
  if (event.data.action !== 'SLOT_SPIN') return [];
  const parsed = SlotSpinData.safeParse(event.data);
  if (!parsed.success) throw new RejectedError('A SLOT_SPIN without a valid bet_amount', 'invalid_spin');
  const { bet_amount, payout, symbols, game_id, session_id } = parsed.data;
  const game = { ...(game_id !== undefined && { game_id }), ...(session_id !== undefined && { session_id }) };
  if (payout === undefined) {
    return [
      {
        topic: 'analytics',
        event_type: 'BET_PLACED',
        data: { metric: 'bet_placed', game: 'slot', ...game, bet_amount },
      },
    ];
  }
  const reels = symbols === undefined ? '' : ` (${symbols.join(' ')})`;
  const emits: Emit[] = [];
  if (payout > 0) {
    emits.push(
      notify('REWARD', {
        title: `You won ${amount(payout)} coins!`,
        body: `Your ${amount(bet_amount)}-coin spin paid ${amount(payout)} coins${reels}.`,
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
      ...(symbols !== undefined && { symbols }),
    },
  });
  return emits;
}
