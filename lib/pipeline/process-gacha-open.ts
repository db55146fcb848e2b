import { RejectedError } from '../errors';
import { type GachaOpened, GachaOpenedData, type GameEvent, type Rarity } from '../events/game-events';
import { RARITY_FEEDBACK, RARITY_ORDER } from './config';
import type { Emit } from './stage';

/** The rarest item of a pull (the first of them when several share the rarity). */
export function bestItem(items: GachaOpened['items']): GachaOpened['items'][number] {
  const rank = (rarity: Rarity) => RARITY_ORDER.indexOf(rarity);
  return items.reduce((best, item) => (rank(item.rarity) > rank(best.rarity) ? item : best));
}

/**
 * game_events `GACHA_OPENED` → a dopamine trigger by the best rarity on `real_time_feedback`, and
 * the spend on `analytics` (analyze-monetization reads it). Its event source's filter delivers only
 * gacha events; anything else that arrives is not this stage's.
 */
export function processGachaOpen(event: GameEvent): Emit[] {
  if (event.event_type !== 'GACHA_OPENED') return [];
  const parsed = GachaOpenedData.safeParse(event.data);
  if (!parsed.success) throw new RejectedError('A GACHA_OPENED without its cost and items', 'invalid_gacha');
  const { gacha_id, cost, items, lifetime_spend } = parsed.data;
  const best = bestItem(items);
  const rarities = Object.fromEntries(
    RARITY_ORDER.map((r) => [r, items.filter((i) => i.rarity === r).length] as const).filter(
      ([, n]) => n > 0,
    ),
  );
  return [
    {
      topic: 'real_time_feedback',
      event_type: 'DOPAMINE_TRIGGER',
      data: {
        feedback_type: `GACHA_${best.rarity.toUpperCase()}`,
        intensity: RARITY_FEEDBACK[best.rarity].intensity,
        message: `You pulled ${best.item_id} (${best.rarity})!`,
        source: 'gacha',
        gacha_id,
        rarity: best.rarity,
        item_id: best.item_id,
      },
    },
    {
      topic: 'analytics',
      event_type: 'GACHA_SPEND',
      data: {
        metric: 'gacha_spend',
        gacha_id,
        amount: cost,
        item_count: items.length,
        best_rarity: best.rarity,
        rarities,
        ...(lifetime_spend !== undefined && { lifetime_spend }),
      },
    },
  ];
}
