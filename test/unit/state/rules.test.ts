import fc from 'fast-check';
import { BATTLE_PASS_LEVELS, VIP_TIERS } from '../../../lib/pipeline/config';
import {
  CELEBRATED_WIN_STREAK,
  decideSpend,
  isCelebrated,
  levelFor,
  levelsPassed,
  nextStreak,
  type Streak,
  spinResult,
  vipTierFor,
  vipTiersCrossed,
} from '../../../lib/state/rules';

describe('VIP tiers', () => {
  it('names the highest tier reached, null below the first', () => {
    expect(vipTierFor(0)).toBeNull();
    expect(vipTierFor(999.99)).toBeNull();
    expect(vipTierFor(1_000)).toBe('silver');
    expect(vipTierFor(4_999)).toBe('silver');
    expect(vipTierFor(5_000)).toBe('gold');
    expect(vipTierFor(1_000_000)).toBe('platinum');
  });

  it('crosses a tier when the total goes from below its threshold to at or above it', () => {
    expect(vipTiersCrossed(0, 999)).toEqual([]);
    expect(vipTiersCrossed(600, 1_200)).toEqual([{ tier: 'silver', minSpend: 1_000 }]);
    expect(vipTiersCrossed(999, 1_000)).toEqual([{ tier: 'silver', minSpend: 1_000 }]);
    expect(vipTiersCrossed(1_000, 1_500)).toEqual([]);
  });

  it('reports every tier one large purchase jumps over, lowest first', () => {
    expect(vipTiersCrossed(500, 25_000).map((t) => t.tier)).toEqual(['silver', 'gold', 'platinum']);
  });

  it('reaches each tier exactly once over any sequence of purchases', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 8_000 }), { maxLength: 40 }), (purchases) => {
        let total = 0;
        const reached: string[] = [];
        for (const amount of purchases) {
          reached.push(...vipTiersCrossed(total, total + amount).map((t) => t.tier));
          total += amount;
        }
        expect(reached).toEqual(VIP_TIERS.filter((t) => t.minSpend <= total).map((t) => t.tier));
        expect(vipTierFor(total)).toBe(reached.at(-1) ?? null);
      }),
    );
  });
});

describe('battle-pass levels', () => {
  it('starts at level 1 and follows the level table', () => {
    expect(levelFor(0)).toBe(1);
    expect(levelFor(99)).toBe(1);
    expect(levelFor(100)).toBe(2);
    expect(levelFor(249)).toBe(2);
    expect(levelFor(6_000)).toBe(15);
    expect(levelFor(60_000)).toBe(15);
  });

  it('lists each level passed, with its reward, lowest first', () => {
    expect(levelsPassed(90, 260)).toEqual([
      { level: 2, xp: 100, reward: '50 cyber tokens' },
      { level: 3, xp: 250, reward: 'common chest' },
    ]);
    expect(levelsPassed(100, 249)).toEqual([]);
  });

  it('passes each level exactly once over any sequence of gains', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 900 }), { maxLength: 40 }), (gains) => {
        let xp = 0;
        const passed: number[] = [];
        for (const gain of gains) {
          passed.push(...levelsPassed(xp, xp + gain).map((l) => l.level));
          xp += gain;
        }
        const expected = BATTLE_PASS_LEVELS.filter((l) => l.level > 1 && l.xp <= xp).map((l) => l.level);
        expect(passed).toEqual(expected);
      }),
    );
  });
});

describe('slot streaks', () => {
  it('counts a paying spin as a win and any other as a loss', () => {
    expect(spinResult(1)).toBe('win');
    expect(spinResult(0)).toBe('loss');
  });

  it('extends a streak of the same result and restarts on the other', () => {
    const wins: Streak = { kind: 'win', length: 2 };
    expect(nextStreak(undefined, 'win')).toEqual({ kind: 'win', length: 1 });
    expect(nextStreak(wins, 'win')).toEqual({ kind: 'win', length: 3 });
    expect(nextStreak(wins, 'loss')).toEqual({ kind: 'loss', length: 1 });
  });

  it(`celebrates ${CELEBRATED_WIN_STREAK} wins in a row, and each further ${CELEBRATED_WIN_STREAK}`, () => {
    let streak: Streak | undefined;
    const celebrated: number[] = [];
    for (let spin = 1; spin <= 7; spin += 1) {
      streak = nextStreak(streak, 'win');
      if (isCelebrated(streak)) celebrated.push(spin);
    }
    expect(celebrated).toEqual([3, 6]);
    expect(isCelebrated({ kind: 'loss', length: 3 })).toBe(false);
  });
});

describe('token spends', () => {
  it('accepts a spend the balance covers, down to zero', () => {
    expect(decideSpend(100, 40)).toEqual({ accepted: true, balanceAfter: 60 });
    expect(decideSpend(100, 100)).toEqual({ accepted: true, balanceAfter: 0 });
  });

  it('refuses a spend beyond the balance, naming the shortfall', () => {
    expect(decideSpend(30, 100)).toEqual({ accepted: false, shortfall: 70 });
    expect(decideSpend(0, 1)).toEqual({ accepted: false, shortfall: 1 });
  });

  it('never leaves a negative balance', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ spend: fc.boolean(), amount: fc.integer({ min: 1, max: 500 }) }), {
          maxLength: 60,
        }),
        (changes) => {
          let balance = 0;
          for (const { spend, amount } of changes) {
            if (!spend) {
              balance += amount;
              continue;
            }
            const decision = decideSpend(balance, amount);
            if (decision.accepted) balance = decision.balanceAfter;
            else expect(decision.shortfall).toBe(amount - balance);
            expect(balance).toBeGreaterThanOrEqual(0);
          }
        },
      ),
    );
  });
});
