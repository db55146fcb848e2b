import { type Applied, applyOnce } from './apply-once';
import { type StateStore, stateStore } from './client';
import { requireIdentity, requireNonNegative, requirePositiveInteger, requireText } from './inputs';
import {
  isCelebrated,
  type LevelReached,
  levelFor,
  levelsPassed,
  nextStreak,
  type Streak,
  spinResult,
  type VipTier,
  vipTierFor,
  vipTiersCrossed,
} from './rules';

/**
 * Monetisation, battle pass and slots: each a players item of its own (SPEND, SEASON#<season>,
 * SLOTS), changed once per input event id. The outcomes carry what the stages announce: the VIP
 * tiers and levels this event reached (each exactly once per player) and a celebrated win streak.
 */

export const SPEND_SK = 'SPEND';
export const SLOTS_SK = 'SLOTS';
export const SEASON_PREFIX = 'SEASON#';
export const seasonSk = (season: string) => `${SEASON_PREFIX}${season}`;

interface SpendItem extends Record<string, unknown> {
  lifetime_spend: number;
  purchases: number;
  vip_tier: string | null;
}

export interface PurchaseInput {
  userId: string;
  eventId: string;
  /** What the game server charged (e.g. a gacha's cost); counts toward VIP. */
  amount: number;
}

export interface Purchase {
  amount: number;
  lifetime_spend: number;
  purchases: number;
  vip_tier: string | null;
  /** The tiers this purchase crossed, lowest first; empty for most purchases. */
  tiers_reached: VipTier[];
}

/** Adds a purchase to the player's lifetime spend once per event id. */
export function recordPurchase(
  input: PurchaseInput,
  store: StateStore = stateStore(),
): Promise<Applied<Purchase>> {
  requireIdentity(input.userId, input.eventId);
  requireNonNegative(input.amount, 'amount');
  return applyOnce<SpendItem, Purchase>(store, {
    scope: 'purchase',
    eventId: input.eventId,
    userId: input.userId,
    sk: SPEND_SK,
    decide: (current) => {
      const before = current?.lifetime_spend ?? 0;
      const after = before + input.amount;
      const purchases = (current?.purchases ?? 0) + 1;
      const vipTier = vipTierFor(after);
      return {
        outcome: {
          amount: input.amount,
          lifetime_spend: after,
          purchases,
          vip_tier: vipTier,
          tiers_reached: vipTiersCrossed(before, after),
        },
        next: { lifetime_spend: after, purchases, vip_tier: vipTier },
      };
    },
  });
}

interface SeasonItem extends Record<string, unknown> {
  season: string;
  xp: number;
  level: number;
}

export interface XpInput {
  userId: string;
  eventId: string;
  season: string;
  xp: number;
}

export interface XpGain {
  season: string;
  xp_gained: number;
  /** The season's total XP after this gain. */
  xp: number;
  level: number;
  /** One per level passed, lowest first: one LEVEL_UP each. */
  levels_passed: LevelReached[];
}

/** Adds battle-pass XP for a season once per event id. */
export function addBattlePassXp(input: XpInput, store: StateStore = stateStore()): Promise<Applied<XpGain>> {
  requireIdentity(input.userId, input.eventId);
  requireText(input.season, 'season', 64);
  requirePositiveInteger(input.xp, 'xp');
  return applyOnce<SeasonItem, XpGain>(store, {
    scope: 'xp',
    eventId: input.eventId,
    userId: input.userId,
    sk: seasonSk(input.season),
    decide: (current) => {
      const before = current?.xp ?? 0;
      const after = before + input.xp;
      const level = levelFor(after);
      return {
        outcome: {
          season: input.season,
          xp_gained: input.xp,
          xp: after,
          level,
          levels_passed: levelsPassed(before, after),
        },
        next: { season: input.season, xp: after, level },
      };
    },
  });
}

interface SlotsItem extends Record<string, unknown> {
  spins: number;
  total_bet: number;
  total_payout: number;
  wins: number;
  losses: number;
  streak_kind: Streak['kind'];
  streak_length: number;
  best_win_streak: number;
}

export interface SpinInput {
  userId: string;
  eventId: string;
  bet: number;
  payout: number;
}

export interface SpinRecorded {
  result: Streak['kind'];
  spins: number;
  total_bet: number;
  total_payout: number;
  wins: number;
  losses: number;
  streak: Streak;
  best_win_streak: number;
  /** The win streak just reached a celebrated length (every CELEBRATED_WIN_STREAK wins in a row). */
  celebrated: boolean;
}

/** Counts a slot spin once per event id: totals and the current win/loss streak. */
export function recordSlotSpin(
  input: SpinInput,
  store: StateStore = stateStore(),
): Promise<Applied<SpinRecorded>> {
  requireIdentity(input.userId, input.eventId);
  requireNonNegative(input.bet, 'bet');
  requireNonNegative(input.payout, 'payout');
  return applyOnce<SlotsItem, SpinRecorded>(store, {
    scope: 'slots',
    eventId: input.eventId,
    userId: input.userId,
    sk: SLOTS_SK,
    decide: (current) => {
      const result = spinResult(input.payout);
      const streak = nextStreak(
        current && { kind: current.streak_kind, length: current.streak_length },
        result,
      );
      const state: SlotsItem = {
        spins: (current?.spins ?? 0) + 1,
        total_bet: (current?.total_bet ?? 0) + input.bet,
        total_payout: (current?.total_payout ?? 0) + input.payout,
        wins: (current?.wins ?? 0) + (result === 'win' ? 1 : 0),
        losses: (current?.losses ?? 0) + (result === 'loss' ? 1 : 0),
        streak_kind: streak.kind,
        streak_length: streak.length,
        best_win_streak: Math.max(current?.best_win_streak ?? 0, streak.kind === 'win' ? streak.length : 0),
      };
      const { streak_kind: _k, streak_length: _l, ...totals } = state;
      return {
        outcome: { result, ...totals, streak, celebrated: isCelebrated(streak) },
        next: state,
      };
    },
  });
}
