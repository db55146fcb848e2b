import { z } from 'zod';
import { topicEvent } from './envelope';

/** Battle-pass progress, e.g. `XP_GAINED` with the season and the new XP total. */
export const BattlePassData = z.looseObject({
  season: z.string().min(1).max(64),
  xp_gained: z.number().int().nonnegative().optional(),
  /** The caller's idea of the total, kept for compatibility; the stored XP decides (README, Player state). */
  total_xp: z.number().int().nonnegative().optional(),
});
export const BattlePassEvent = topicEvent(BattlePassData);
export type BattlePassEvent = z.infer<typeof BattlePassEvent>;
