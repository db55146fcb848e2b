import { AnalyticsEvent, GameEvent, VipEvent } from '../../../lib/events';
import { analyzeMonetization, vipTierCrossed } from '../../../lib/pipeline/analyze-monetization';
import { VIP_TIERS } from '../../../lib/pipeline/config';
import { bestItem, processGachaOpen } from '../../../lib/pipeline/process-gacha-open';
import { envelope } from './events';

const pull = (items: { item_id: string; rarity: string }[], extra: Record<string, unknown> = {}) =>
  GameEvent.parse(envelope('GACHA_OPENED', { gacha_id: 'g1', cost: 300, items, ...extra }));

describe('process-gacha-open', () => {
  it('a dopamine trigger by the best rarity, and the spend on analytics', () => {
    const [feedback, spend] = processGachaOpen(
      pull([
        { item_id: 'shield', rarity: 'common' },
        { item_id: 'sword', rarity: 'legendary' },
        { item_id: 'bow', rarity: 'rare' },
      ]),
    );
    expect(feedback).toEqual({
      topic: 'real_time_feedback',
      event_type: 'DOPAMINE_TRIGGER',
      data: {
        feedback_type: 'GACHA_LEGENDARY',
        intensity: 1,
        message: 'You pulled sword (legendary)!',
        source: 'gacha',
        gacha_id: 'g1',
        rarity: 'legendary',
        item_id: 'sword',
      },
    });
    expect(spend).toEqual({
      topic: 'analytics',
      event_type: 'GACHA_SPEND',
      data: {
        metric: 'gacha_spend',
        gacha_id: 'g1',
        amount: 300,
        item_count: 3,
        best_rarity: 'legendary',
        rarities: { common: 1, rare: 1, legendary: 1 },
      },
    });
  });

  it('intensity grows with rarity', () => {
    const intensity = (rarity: string) =>
      (processGachaOpen(pull([{ item_id: 'i', rarity }]))[0]!.data as { intensity: number }).intensity;
    const ordered = ['common', 'rare', 'epic', 'legendary'].map(intensity);
    expect([...ordered].sort((a, b) => a - b)).toEqual(ordered);
    expect(new Set(ordered).size).toBe(4);
  });

  it('passes on the lifetime spend when the game server reported it', () => {
    const [, spend] = processGachaOpen(pull([{ item_id: 'i', rarity: 'rare' }], { lifetime_spend: 1200 }));
    expect(spend!.data).toMatchObject({ lifetime_spend: 1200 });
  });

  it('the first of equally rare items wins', () => {
    expect(
      bestItem([
        { item_id: 'a', rarity: 'epic' },
        { item_id: 'b', rarity: 'epic' },
      ]).item_id,
    ).toBe('a');
  });

  it('ignores other game events', () => {
    expect(processGachaOpen(GameEvent.parse(envelope('GAME_COMPLETED', {})))).toEqual([]);
  });
});

describe('analyze-monetization', () => {
  const spend = (data: Record<string, unknown>, type = 'GACHA_SPEND') =>
    AnalyticsEvent.parse(
      envelope(type, { metric: 'gacha_spend', gacha_id: 'g1', item_count: 2, best_rarity: 'epic', ...data }),
    );
  const threshold = VIP_TIERS[0]!.minSpend;

  it('monetisation metrics for every spend', () => {
    const [metrics, ...rest] = analyzeMonetization(spend({ amount: 300 }));
    expect(metrics).toEqual({
      topic: 'analytics',
      event_type: 'MONETIZATION_METRICS',
      data: {
        metric: 'monetization',
        source: 'gacha',
        gacha_id: 'g1',
        spend: 300,
        item_count: 2,
        cost_per_item: 150,
        best_rarity: 'epic',
        premium_pull: true,
      },
    });
    expect(rest).toEqual([]);
  });

  it('a VIP record when the spend crosses the VIP threshold', () => {
    const emits = analyzeMonetization(spend({ amount: threshold }));
    expect(emits[0]!.data).toMatchObject({ vip_tier_reached: 'silver' });
    expect(emits[1]).toEqual({
      topic: 'vip_events',
      event_type: 'VIP_TIER_REACHED',
      data: { tier: 'silver', total_spend: threshold, threshold },
    });
    expect(VipEvent.shape.data.safeParse(emits[1]!.data).success).toBe(true);
  });

  it('uses the lifetime spend: crossing only once, never for a user already past the threshold', () => {
    expect(analyzeMonetization(spend({ amount: 300, lifetime_spend: threshold + 100 }))).toHaveLength(2);
    expect(analyzeMonetization(spend({ amount: 300, lifetime_spend: threshold + 400 }))).toHaveLength(1);
    expect(analyzeMonetization(spend({ amount: 300, lifetime_spend: threshold - 1 }))).toHaveLength(1);
  });

  it('the highest tier crossed wins', () => {
    expect(vipTierCrossed(100_000)?.tier).toBe('platinum');
    expect(vipTierCrossed(4_500, 5_200)?.tier).toBe('gold');
    expect(vipTierCrossed(10, 10)).toBeUndefined();
  });

  it('ignores other analytics records, rejects a spend without its amount', () => {
    expect(analyzeMonetization(spend({ amount: 1 }, 'GAME_COMPLETED'))).toEqual([]);
    expect(() => analyzeMonetization(spend({}))).toThrow(
      expect.objectContaining({ reason: 'invalid_spend' }),
    );
  });
});
