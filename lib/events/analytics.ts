import { z } from 'zod';
import { topicEvent } from './envelope';
import { Rarity } from './game-events';

/** Analytics records are open-ended metrics; `metric` names what is measured. */
export const AnalyticsData = z.looseObject({ metric: z.string().min(1).max(64).optional() });
export const AnalyticsEvent = topicEvent(AnalyticsData);
export type AnalyticsEvent = z.infer<typeof AnalyticsEvent>;

/*
 * The records the analysis stages read. The topic itself stays open (any metric may be sent), so
 * these shapes are checked by the stage that needs them, which dead-letters a record that lacks them.
 */

/** `GAME_COMPLETED`: one finished slot spin, as process-user-action reports it. */
export const GameCompletedData = z.looseObject({
  metric: z.literal('game_completed'),
  bet_amount: z.number().finite().nonnegative(),
  payout: z.number().finite().nonnegative(),
  /** The reels, when the game server reported them (a near miss needs them). */
  symbols: z.array(z.string().min(1).max(64)).min(1).max(64).optional(),
  game_id: z.string().min(1).max(128).optional(),
});
export type GameCompleted = z.infer<typeof GameCompletedData>;

/** `GACHA_SPEND`: what one gacha pull cost, as process-gacha-open reports it. */
export const GachaSpendData = z.looseObject({
  metric: z.literal('gacha_spend'),
  gacha_id: z.string().min(1).max(128),
  amount: z.number().finite().nonnegative(),
  item_count: z.number().int().positive(),
  best_rarity: Rarity,
  /** The user's total spend including this pull, when the game server reported it. */
  lifetime_spend: z.number().finite().nonnegative().optional(),
});
export type GachaSpend = z.infer<typeof GachaSpendData>;
