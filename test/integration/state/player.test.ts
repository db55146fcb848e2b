/**
 * Monetisation, battle pass and slots against the local DynamoDB, and the player read side.
 */
import { randomUUID } from 'node:crypto';
import { addBattlePassXp, creditTokens, getPlayer, recordPurchase, recordSlotSpin } from '../../../lib/state';
import { createTestState, type TestState } from '../../helpers/dynamodb';

let state: TestState;
beforeAll(async () => {
  state = await createTestState('player');
});
afterAll(() => state.close());

const user = () => `user-${randomUUID()}`;

describe('monetisation', () => {
  it('reaches VIP tiers from the stored lifetime spend: two 600 gacha opens make silver', async () => {
    const userId = user();
    const first = await recordPurchase({ userId, eventId: randomUUID(), amount: 600 }, state.store);
    expect(first).toEqual({
      amount: 600,
      lifetime_spend: 600,
      purchases: 1,
      vip_tier: null,
      tiers_reached: [],
      replayed: false,
    });
    const second = await recordPurchase({ userId, eventId: randomUUID(), amount: 600 }, state.store);
    expect(second).toMatchObject({
      lifetime_spend: 1_200,
      vip_tier: 'silver',
      tiers_reached: [{ tier: 'silver', minSpend: 1_000 }],
    });
    const third = await recordPurchase({ userId, eventId: randomUUID(), amount: 25_000 }, state.store);
    expect(third.tiers_reached.map((t) => t.tier)).toEqual(['gold', 'platinum']);
    const player = await getPlayer(userId, state.store);
    expect(player).toMatchObject({ lifetime_spend: 26_200, vip_tier: 'platinum' });
  });
});

describe('battle pass', () => {
  it('keeps XP per season and reports each level passed once', async () => {
    const userId = user();
    const gain = await addBattlePassXp({ userId, eventId: randomUUID(), season: 's1', xp: 260 }, state.store);
    expect(gain).toEqual({
      season: 's1',
      xp_gained: 260,
      xp: 260,
      level: 3,
      levels_passed: [
        { level: 2, xp: 100, reward: '50 cyber tokens' },
        { level: 3, xp: 250, reward: 'common chest' },
      ],
      replayed: false,
    });
    const small = await addBattlePassXp({ userId, eventId: randomUUID(), season: 's1', xp: 10 }, state.store);
    expect(small).toMatchObject({ xp: 270, level: 3, levels_passed: [] });
    await addBattlePassXp({ userId, eventId: randomUUID(), season: 's2', xp: 100 }, state.store);
    const player = await getPlayer(userId, state.store);
    expect(player?.battle_pass).toEqual([
      { season: 's1', level: 3, xp: 270 },
      { season: 's2', level: 2, xp: 100 },
    ]);
  });
});

describe('slots', () => {
  it('counts spins, bets, payouts and the streak; celebrates the third win in a row', async () => {
    const userId = user();
    const spins = [
      { bet: 10, payout: 0 },
      { bet: 10, payout: 25 },
      { bet: 20, payout: 40 },
      { bet: 20, payout: 100 },
      { bet: 50, payout: 0 },
    ];
    const outcomes = [];
    for (const spin of spins)
      outcomes.push(await recordSlotSpin({ userId, eventId: randomUUID(), ...spin }, state.store));
    expect(outcomes.map((o) => [o.result, o.streak.length, o.celebrated])).toEqual([
      ['loss', 1, false],
      ['win', 1, false],
      ['win', 2, false],
      ['win', 3, true],
      ['loss', 1, false],
    ]);
    expect(outcomes.at(-1)).toMatchObject({
      spins: 5,
      total_bet: 110,
      total_payout: 165,
      wins: 3,
      losses: 2,
      best_win_streak: 3,
    });
    expect((await getPlayer(userId, state.store))?.slots).toEqual({
      spins: 5,
      total_bet: 110,
      total_payout: 165,
      wins: 3,
      losses: 2,
      streak: { kind: 'loss', length: 1 },
      best_win_streak: 3,
    });
  });
});

describe('the player read side', () => {
  it('is undefined for an unknown player', async () => {
    expect(await getPlayer(user(), state.store)).toBeUndefined();
  });

  it('shows every kind of state, zero or null where nothing happened yet', async () => {
    const userId = user();
    await creditTokens({ userId, eventId: randomUUID(), amount: 7, reason: 'first' }, state.store);
    expect(await getPlayer(userId, state.store)).toEqual({
      user_id: userId,
      token_balance: 7,
      lifetime_spend: 0,
      vip_tier: null,
      battle_pass: [],
      slots: {
        spins: 0,
        total_bet: 0,
        total_payout: 0,
        wins: 0,
        losses: 0,
        streak: null,
        best_win_streak: 0,
      },
    });
  });
});
