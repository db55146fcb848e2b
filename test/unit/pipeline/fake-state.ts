import type { RuleContext } from '../../../lib/pipeline/stage';
import type {
  Applied,
  Purchase,
  PurchaseInput,
  SpinInput,
  SpinRecorded,
  Streak,
  TokenCredit,
  TokenCreditInput,
  TokenSpend,
  TokenSpendInput,
  XpGain,
  XpInput,
} from '../../../lib/state';
import {
  decideSpend,
  isCelebrated,
  levelFor,
  levelsPassed,
  nextStreak,
  spinResult,
  vipTierFor,
  vipTiersCrossed,
} from '../../../lib/state/rules';

/**
 * The store's operations in memory, for the rules' unit tests (the real ones are tested against the
 * local DynamoDB in test/integration): the same pure rules decide, and an event id applied before
 * gets its first outcome back with `replayed: true`.
 */
export function fakeState() {
  const outcomes = new Map<string, unknown>();
  const balances = new Map<string, number>();
  const spend = new Map<string, number>();
  const xp = new Map<string, number>();
  const streaks = new Map<string, Streak>();
  let seq = 0;

  const once = async <O>(scope: string, eventId: string, apply: () => O): Promise<Applied<O>> => {
    const key = `${scope}#${eventId}`;
    if (outcomes.has(key)) return { ...(outcomes.get(key) as O), replayed: true };
    const outcome = apply();
    outcomes.set(key, outcome);
    return { ...outcome, replayed: false };
  };

  return {
    balances,
    credit: (input: TokenCreditInput) =>
      once<TokenCredit>('tokens', input.eventId, () => {
        const balance = (balances.get(input.userId) ?? 0) + input.amount;
        balances.set(input.userId, balance);
        return { kind: input.kind ?? 'earn', amount: input.amount, balance, ledger_seq: ++seq };
      }),
    spend: (input: TokenSpendInput) =>
      once<TokenSpend>('tokens', input.eventId, () => {
        const balance = balances.get(input.userId) ?? 0;
        const decision = decideSpend(balance, input.amount);
        if (!decision.accepted)
          return { status: 'rejected', amount: input.amount, balance, shortfall: decision.shortfall };
        balances.set(input.userId, decision.balanceAfter);
        return { status: 'spent', amount: input.amount, balance: decision.balanceAfter, ledger_seq: ++seq };
      }),
    purchase: (input: PurchaseInput) =>
      once<Purchase>('purchase', input.eventId, () => {
        const before = spend.get(input.userId) ?? 0;
        const after = before + input.amount;
        spend.set(input.userId, after);
        return {
          amount: input.amount,
          lifetime_spend: after,
          purchases: 1,
          vip_tier: vipTierFor(after),
          tiers_reached: vipTiersCrossed(before, after),
        };
      }),
    addXp: (input: XpInput) =>
      once<XpGain>('xp', input.eventId, () => {
        const key = `${input.userId}/${input.season}`;
        const before = xp.get(key) ?? 0;
        const after = before + input.xp;
        xp.set(key, after);
        return {
          season: input.season,
          xp_gained: input.xp,
          xp: after,
          level: levelFor(after),
          levels_passed: levelsPassed(before, after),
        };
      }),
    spin: (input: SpinInput) =>
      once<SpinRecorded>('slots', input.eventId, () => {
        const result = spinResult(input.payout);
        const streak = nextStreak(streaks.get(input.userId), result);
        streaks.set(input.userId, streak);
        return {
          result,
          spins: 0,
          total_bet: 0,
          total_payout: 0,
          wins: 0,
          losses: 0,
          streak,
          best_win_streak: 0,
          celebrated: isCelebrated(streak),
        };
      }),
  };
}

/** What a rule is called with beside its event; these rules do not look at it. */
export const ruleContext = { attempt: 1 } as RuleContext;
