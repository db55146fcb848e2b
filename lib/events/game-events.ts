import { z } from 'zod';
import { type DataCondition, Money, topicEvent, withDataCondition } from './envelope';

export const Rarity = z.enum(['common', 'rare', 'epic', 'legendary']);
export const GachaItem = z.strictObject({ item_id: z.string().min(1).max(128), rarity: Rarity });

/** A gacha pull: what it cost and what came out. Its `event_type` is `GACHA_OPENED`. */
export const GachaOpenedData = z.looseObject({
  gacha_id: z.string().min(1).max(128),
  cost: Money,
  items: z.array(GachaItem).min(1).max(100),
  /** The user's total spend including this pull, when the game server knows it (for VIP thresholds). */
  lifetime_spend: Money.optional(),
});

export const GameEventData = z.looseObject({});
export const gachaOpenedCondition: DataCondition = {
  field: 'event_type',
  equals: 'GACHA_OPENED',
  data: GachaOpenedData,
};
export const GameEvent = withDataCondition(topicEvent(GameEventData), gachaOpenedCondition);
export type Rarity = z.infer<typeof Rarity>;
export type GachaOpened = z.infer<typeof GachaOpenedData>;
export type GameEvent = z.infer<typeof GameEvent>;
