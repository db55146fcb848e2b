import { RejectedError } from '../errors';
import { type AnalyticsEvent, type GameCompleted, GameCompletedData } from '../events/analytics';
import { BIG_WIN_MULTIPLIER } from './config';
import { amount, round2 } from './notify';
import type { Emit } from './stage';

export type SpinFeedbackType = 'BIG_WIN' | 'WIN' | 'NEAR_MISS' | 'LOSS';

export interface SpinFeedback {
  feedback_type: SpinFeedbackType;
  /** 0..1: how strongly the client should celebrate (or console). */
  intensity: number;
  message: string;
}

/** All reels but one show the same symbol: the "so close" spin. Needs at least three reels. */
export function isNearMiss(symbols: readonly string[]): boolean {
  if (symbols.length < 3) return false;
  const counts = new Map<string, number>();
  for (const symbol of symbols) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
  return Math.max(...counts.values()) === symbols.length - 1;
}

/**
 * What a finished spin should make the player feel: a big win (paid at least BIG_WIN_MULTIPLIER ×
 * the bet, stronger the bigger), a win, a near miss, or a plain loss.
 */
export function classifySpin({
  bet_amount,
  payout,
  symbols,
}: Pick<GameCompleted, 'bet_amount' | 'payout' | 'symbols'>): SpinFeedback {
  const multiplier = bet_amount > 0 ? payout / bet_amount : payout > 0 ? Number.POSITIVE_INFINITY : 0;
  if (payout > 0 && multiplier >= BIG_WIN_MULTIPLIER) {
    const intensity = Math.min(1, 0.7 + 0.1 * Math.log2(multiplier / BIG_WIN_MULTIPLIER));
    const times = Number.isFinite(multiplier) ? ` (${round2(multiplier)}× your bet)` : '';
    return {
      feedback_type: 'BIG_WIN',
      intensity: round2(intensity),
      message: `Big win: ${amount(payout)} coins${times}!`,
    };
  }
  if (payout > 0) {
    const intensity = 0.3 + 0.4 * Math.min(1, multiplier / BIG_WIN_MULTIPLIER);
    return {
      feedback_type: 'WIN',
      intensity: round2(intensity),
      message: `You won ${amount(payout)} coins.`,
    };
  }
  if (symbols !== undefined && isNearMiss(symbols)) {
    return {
      feedback_type: 'NEAR_MISS',
      intensity: 0.5,
      message: 'So close! One more reel and it was yours.',
    };
  }
  return { feedback_type: 'LOSS', intensity: 0.1, message: 'No win this time.' };
}

/** analytics `GAME_COMPLETED` → feedback on `real_time_feedback`. Other analytics records are not this stage's. */
export function analyzeGameResult(event: AnalyticsEvent): Emit[] {
  if (event.event_type !== 'GAME_COMPLETED') return [];
  const parsed = GameCompletedData.safeParse(event.data);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new RejectedError(`GAME_COMPLETED lacks what the feedback needs: ${fields}`, 'invalid_game_result');
  }
  const result = parsed.data;
  return [
    {
      topic: 'real_time_feedback',
      event_type: 'DOPAMINE_TRIGGER',
      data: {
        ...classifySpin(result),
        source: 'slot',
        ...(result.game_id !== undefined && { game_id: result.game_id }),
        bet_amount: result.bet_amount,
        payout: result.payout,
      },
    },
  ];
}
