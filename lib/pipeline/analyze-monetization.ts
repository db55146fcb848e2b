import { RejectedError } from '../errors';
import { type AnalyticsEvent, GachaSpendData } from '../events/analytics';
import type { Applied, Purchase, PurchaseInput } from '../state';
import { RARITY_ORDER, VIP_TIERS } from './config';
import { round2 } from './notify';
import type { Emit, StageRule } from './stage';

/** The store operation the stage adds a purchase with (lib/state recordPurchase); tests pass a fake. */
export type RecordPurchase = (input: PurchaseInput) => Promise<Applied<Purchase>>;

/**
 * The highest VIP tier whose threshold a spend crosses: the total goes from below it to at or above
 * it. Without the lifetime total, the spend alone is the total (a first purchase).
 */
export function vipTierCrossed(
  spend: number,
  lifetimeSpend?: number,
): { tier: string; minSpend: number } | undefined {
  const after = lifetimeSpend ?? spend;
  const before = Math.max(0, after - spend);
  return VIP_TIERS.filter((t) => before < t.minSpend && t.minSpend <= after).at(-1);
}

/**
 * analytics `GACHA_SPEND` → the purchase added to the player's stored lifetime spend (once per event
 * id), monetisation metrics on `analytics`, and one `VIP_TIER_REACHED` on `vip_events` per tier this
 * purchase crossed: each tier is reached once per player, by the purchase that crossed it. A caller's
 * `lifetime_spend` is still accepted but ignored: the stored total decides.
 */
export const analyzeMonetization =
  (record: RecordPurchase): StageRule<'analytics'> =>
  async (event: AnalyticsEvent) => {
    if (event.event_type !== 'GACHA_SPEND') return [];
    const parsed = GachaSpendData.safeParse(event.data);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
      throw new RejectedError(`GACHA_SPEND lacks what the metrics need: ${fields}`, 'invalid_spend');
    }
    const spend = parsed.data;
    const purchase = await record({ userId: event.user_id, eventId: event.event_id, amount: spend.amount });
    const highest = purchase.tiers_reached.at(-1);
    const emits: Emit[] = [
      {
        topic: 'analytics',
        event_type: 'MONETIZATION_METRICS',
        data: {
          metric: 'monetization',
          source: 'gacha',
          gacha_id: spend.gacha_id,
          spend: spend.amount,
          item_count: spend.item_count,
          cost_per_item: round2(spend.amount / spend.item_count),
          best_rarity: spend.best_rarity,
          premium_pull: RARITY_ORDER.indexOf(spend.best_rarity) >= RARITY_ORDER.indexOf('epic'),
          lifetime_spend: purchase.lifetime_spend,
          ...(highest && { vip_tier_reached: highest.tier }),
        },
      },
    ];
    for (const tier of purchase.tiers_reached) {
      emits.push({
        topic: 'vip_events',
        event_type: 'VIP_TIER_REACHED',
        data: { tier: tier.tier, total_spend: purchase.lifetime_spend, threshold: tier.minSpend },
        kind: `vip-${tier.tier}`,
      });
    }
    return emits;
  };
