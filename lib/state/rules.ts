import { BATTLE_PASS_LEVELS, VIP_TIERS } from '../pipeline/config';

/**
 * The pure rules the player store decides with: from the stored state before a change and the
 * change, what the state becomes and what happened. No I/O, so every rule is unit-tested alone.
 */

export interface VipTier {
  tier: string;
  minSpend: number;
}

export interface LevelReached {
  level: number;
  xp: number;
  reward: string;
}

export type StreakKind = 'win' | 'loss';

export interface Streak {
  kind: StreakKind;
  length: number;
}

/** A win streak of this many spins in a row (and each further multiple of it) is celebrated. */
export const CELEBRATED_WIN_STREAK = 3;

/** The highest tier a lifetime spend has reached; null below the first tier. */
export function vipTierFor(lifetimeSpend: number): string | null {
  return VIP_TIERS.filter((t) => t.minSpend <= lifetimeSpend).at(-1)?.tier ?? null;
}

/** Every tier whose threshold lies in (before, after]: each is reached once, by the spend that crosses it. */
export function vipTiersCrossed(before: number, after: number): VipTier[] {
  return VIP_TIERS.filter((t) => before < t.minSpend && t.minSpend <= after).map((t) => ({ ...t }));
}

/** The battle-pass level a season's total XP reaches (level 1 at 0 XP). */
export function levelFor(xp: number): number {
  return BATTLE_PASS_LEVELS.filter((l) => l.xp <= xp).at(-1)?.level ?? 1;
}

/** Every level passed going from `before` to `after` XP, lowest first: one LEVEL_UP each. */
export function levelsPassed(before: number, after: number): LevelReached[] {
  const from = levelFor(before);
  const to = levelFor(after);
  return BATTLE_PASS_LEVELS.filter((l) => l.level > from && l.level <= to).map((l) => ({ ...l }));
}

/** A spin that pays anything is a win (as the feedback rules count it); otherwise a loss. */
export const spinResult = (payout: number): StreakKind => (payout > 0 ? 'win' : 'loss');

/** The streak after a spin: one longer if the spin continues it, else a new streak of one. */
export function nextStreak(current: Streak | undefined, result: StreakKind): Streak {
  return current?.kind === result
    ? { kind: result, length: current.length + 1 }
    : { kind: result, length: 1 };
}

/** Whether this streak has just reached a length worth celebrating. */
export const isCelebrated = (streak: Streak): boolean =>
  streak.kind === 'win' && streak.length > 0 && streak.length % CELEBRATED_WIN_STREAK === 0;

export type SpendDecision = { accepted: true; balanceAfter: number } | { accepted: false; shortfall: number };

/** A spend is accepted only if the balance covers it; the balance never goes below zero. */
export function decideSpend(balance: number, amount: number): SpendDecision {
  return amount <= balance
    ? { accepted: true, balanceAfter: balance - amount }
    : { accepted: false, shortfall: amount - balance };
}
