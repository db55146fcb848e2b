import { RejectedError } from '../errors';
import { type AnalyticsEvent, GachaSpendData } from '../events/analytics';
import { RARITY_ORDER, VIP_TIERS } from './config';
import { round2 } from './notify';
import type { Emit } from './stage';

/**
 * The highest VIP tier whose threshold this spend crosses: the user's total goes from below it to
 * at or above it. Without the lifetime total, the spend alone is the total (a first purchase).
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
 * analytics `GACHA_SPEND` → monetisation metrics on `analytics`, and `VIP_TIER_REACHED` on
 * `vip_events` when the spend crosses a VIP threshold.
 */
export function analyzeMonetization(event: AnalyticsEvent): Emit[] {
  if (event.event_type !== 'GACHA_SPEND') return [];
  const parsed = GachaSpendData.safeParse(event.data);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new RejectedError(`GACHA_SPEND lacks what the metrics need: ${fields}`, 'invalid_spend');
  }
  const spend = parsed.data;
  const after = spend.lifetime_spend ?? spend.amount;
  const crossed = vipTierCrossed(spend.amount, spend.lifetime_spend);
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
        ...(spend.lifetime_spend !== undefined && { lifetime_spend: spend.lifetime_spend }),
        ...(crossed && { vip_tier_reached: crossed.tier }),
      },
    },
  ];
  if (crossed) {
    emits.push({
      topic: 'vip_events',
      event_type: 'VIP_TIER_REACHED',
      data: { tier: crossed.tier, total_spend: after, threshold: crossed.minSpend },
    });
  }
  return emits;
}
