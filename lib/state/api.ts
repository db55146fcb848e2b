import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { nowEpochSeconds, UserId } from '../events/envelope';
import { TOKEN_SPEND_REQUESTED } from '../pipeline/spend-tokens';
import { LEDGER_PAGE_MAX } from './read';

/** What the player-state endpoints accept and answer (their OpenAPI schemas come from these). */

export const CyberTokenSpendRequest = z.strictObject({
  user_id: UserId,
  amount: z.number().int().positive().max(1_000_000_000),
  reason: z.string().min(1).max(200),
  item_id: z.string().min(1).max(128).optional(),
});

/** The spend request as the first event of the spend pipeline (its id is the correlation id). */
export function cyberTokenSpendStart({
  user_id,
  item_id,
  ...spend
}: z.output<typeof CyberTokenSpendRequest>) {
  const id = randomUUID();
  return {
    topic: 'cyber_tokens' as const,
    event: {
      event_id: id,
      event_type: TOKEN_SPEND_REQUESTED,
      user_id,
      timestamp: nowEpochSeconds(),
      correlation_id: id,
      data: { ...spend, ...(item_id !== undefined && { item_id }) },
    },
  };
}

const Streak = z.object({ kind: z.enum(['win', 'loss']), length: z.number().int().positive() });

export const PlayerResponse = z
  .object({
    user_id: z.string(),
    token_balance: z.number().int().nonnegative().describe('Cyber tokens: the sum of the ledger'),
    lifetime_spend: z.number().nonnegative().describe('Every purchase (gacha cost) counted once'),
    vip_tier: z.string().nullable().describe('The highest tier reached; null below the first tier'),
    battle_pass: z.array(
      z.object({
        season: z.string(),
        level: z.number().int().positive(),
        xp: z.number().int().nonnegative(),
      }),
    ),
    slots: z.object({
      spins: z.number().int().nonnegative(),
      total_bet: z.number().nonnegative(),
      total_payout: z.number().nonnegative(),
      wins: z.number().int().nonnegative(),
      losses: z.number().int().nonnegative(),
      streak: Streak.nullable().describe('The current win or loss streak; null before the first spin'),
      best_win_streak: z.number().int().nonnegative(),
    }),
  })
  .describe("A player's state as the stages keep it (read consistently)");

export const LedgerResponse = z
  .object({
    entries: z.array(
      z.object({
        user_id: z.string(),
        seq: z.number().int().positive().describe('1, 2, 3… per player, in the order applied'),
        event_id: z.string(),
        kind: z.enum(['earn', 'grant', 'spend']),
        amount: z.number().int().describe('Positive for earns and grants, negative for spends'),
        balance_after: z.number().int().nonnegative(),
        reason: z.string(),
        item_id: z.string().optional(),
        source: z.string().optional(),
        event_time: z.number().optional(),
        recorded_at: z.string(),
      }),
    ),
    next_cursor: z
      .string()
      .nullable()
      .describe('Pass as ?cursor= for the next (older) page; null on the last'),
  })
  .describe(`The token ledger newest first, at most ${LEDGER_PAGE_MAX} entries a page`);
