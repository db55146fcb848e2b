import { AnalyticsEvent, GameEvent, VipEvent } from '../../../lib/events';
import { analyzeMonetization, vipTierCrossed } from '../../../lib/pipeline/analyze-monetization';
import { VIP_TIERS } from '../../../lib/pipeline/config';
import { bestItem, processGachaOpen } from '../../../lib/pipeline/process-gacha-open';
import { envelope } from './events';
import { fakeState, ruleContext } from './fake-state';

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
  const spend = (data: Record<string, unknown>, type = 'GACHA_SPEND', user = 'u1') =>
    AnalyticsEvent.parse({
      ...envelope(type, {
        metric: 'gacha_spend',
        gacha_id: 'g1',
        item_count: 2,
        best_rarity: 'epic',
        ...data,
      }),
      user_id: user,
    });
  const threshold = VIP_TIERS[0]!.minSpend;
  let state: ReturnType<typeof fakeState>;
  let rule: ReturnType<typeof analyzeMonetization>;
  const run = async (event: ReturnType<typeof spend>) => [...(await rule(event, ruleContext))];
  beforeEach(() => {
    state = fakeState();
    rule = analyzeMonetization(state.purchase);
  });

  it('monetisation metrics for every spend, with the stored lifetime spend', async () => {
    const [metrics, ...rest] = await run(spend({ amount: 300 }));
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
        lifetime_spend: 300,
      },
    });
    expect(rest).toEqual([]);
  });

  it('a VIP record when the spend crosses the VIP threshold', async () => {
    const emits = await run(spend({ amount: threshold }));
    expect(emits[0]!.data).toMatchObject({ vip_tier_reached: 'silver' });
    expect(emits[1]).toEqual({
      topic: 'vip_events',
      event_type: 'VIP_TIER_REACHED',
      data: { tier: 'silver', total_spend: threshold, threshold },
      kind: 'vip-silver',
    });
    expect(VipEvent.shape.data.safeParse(emits[1]!.data).success).toBe(true);
  });

  it('two 600 pulls: the second crosses silver from the stored total (no lifetime_spend sent)', async () => {
    expect(await run(spend({ amount: 600 }))).toHaveLength(1);
    const second = await run(spend({ amount: 600 }));
    expect(second.map((e) => e.event_type)).toEqual(['MONETIZATION_METRICS', 'VIP_TIER_REACHED']);
    expect(second[1]!.data).toMatchObject({ tier: 'silver', total_spend: 1200 });
    expect(await run(spend({ amount: 600 }))).toHaveLength(1);
  });

  it("ignores the caller's lifetime_spend: the stored total decides", async () => {
    expect(await run(spend({ amount: 300, lifetime_spend: threshold + 100 }))).toHaveLength(1);
    expect((await run(spend({ amount: 300, lifetime_spend: 0 })))[0]!.data).toMatchObject({
      lifetime_spend: 600,
    });
  });

  it('one VIP record per tier crossed, lowest first; the same outcome on redelivery', async () => {
    const event = spend({ amount: 100_000 });
    const emits = await run(event);
    const tiers = emits.filter((e) => e.event_type === 'VIP_TIER_REACHED').map((e) => e.data.tier);
    expect(tiers).toEqual(VIP_TIERS.map((t) => t.tier));
    expect(emits[0]!.data).toMatchObject({ vip_tier_reached: VIP_TIERS.at(-1)!.tier });
    expect(await run(event)).toEqual(emits);
  });

  it('each player has their own total', async () => {
    await run(spend({ amount: threshold - 1 }, 'GACHA_SPEND', 'a'));
    expect(await run(spend({ amount: 1 }, 'GACHA_SPEND', 'b'))).toHaveLength(1);
    expect(await run(spend({ amount: 1 }, 'GACHA_SPEND', 'a'))).toHaveLength(2);
  });

  it('the highest tier crossed wins', () => {
    expect(vipTierCrossed(100_000)?.tier).toBe('platinum');
    expect(vipTierCrossed(4_500, 5_200)?.tier).toBe('gold');
    expect(vipTierCrossed(10, 10)).toBeUndefined();
  });

  it('ignores other analytics records, rejects a spend without its amount', async () => {
    expect(await run(spend({ amount: 1 }, 'GAME_COMPLETED'))).toEqual([]);
    await expect(run(spend({}))).rejects.toMatchObject({ reason: 'invalid_spend' });
  });
});
