import { RejectedError } from '../errors';
import { SlotSpinData, type UserActionEvent } from '../events/user-actions';
import type { Applied, SpinInput, SpinRecorded } from '../state';
import { amount, notify, round2 } from './notify';
import type { Emit, StageRule } from './stage';

/** The store operation the stage counts a spin with (lib/state recordSlotSpin); tests pass a fake. */
export type RecordSlotSpin = (input: SpinInput) => Promise<Applied<SpinRecorded>>;

/**
 * user_actions → for a slot spin whose outcome is known (it has a `payout`): a reward notice when it
 * paid, and a `GAME_COMPLETED` record on `analytics` (analyze-game-result turns it into feedback).
 * A spin without its outcome (the seed's `{"action":"SLOT_SPIN","bet_amount":50}`) is a bet placed:
 * a `BET_PLACED` record on `analytics`, nothing for the player yet. Other actions lead nowhere yet.
 * A spin with its outcome is also counted in the player's slot stats (once per event id); a win
 * streak reaching a celebrated length (3, 6, … wins in a row) is a `WIN_STREAK` feedback of its own.
 */
export const processUserAction =
  (recordSpin: RecordSlotSpin): StageRule<'user_actions'> =>
  async (event: UserActionEvent) => {
    if (event.data.action !== 'SLOT_SPIN') return [];
    const parsed = SlotSpinData.safeParse(event.data);
    if (!parsed.success) throw new RejectedError('A SLOT_SPIN without a valid bet_amount', 'invalid_spin');
    const { bet_amount, payout, symbols, game_id, session_id } = parsed.data;
    const game = {
      ...(game_id !== undefined && { game_id }),
      ...(session_id !== undefined && { session_id }),
    };
    if (payout === undefined) {
      return [
        {
          topic: 'analytics',
          event_type: 'BET_PLACED',
          data: { metric: 'bet_placed', game: 'slot', ...game, bet_amount },
        },
      ];
    }
    const spun = await recordSpin({
      userId: event.user_id,
      eventId: event.event_id,
      bet: bet_amount,
      payout,
    });
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
    if (spun.celebrated) emits.push(winStreakFeedback(spun.streak.length, game));
    return emits;
  };

/** The feedback a celebrated win streak gets, beside the spin's own. */
export function winStreakFeedback(length: number, game: { game_id?: string; session_id?: string }): Emit {
  return {
    topic: 'real_time_feedback',
    event_type: 'WIN_STREAK',
    data: {
      feedback_type: 'WIN_STREAK',
      intensity: round2(Math.min(1, 0.6 + 0.1 * (length / 3))),
      message: `${length} wins in a row!`,
      source: 'slot',
      streak: length,
      ...game,
    },
    kind: 'win-streak',
  };
}
