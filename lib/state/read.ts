import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../errors';
import { type StateStore, stateStore } from './client';
import { decodeCursor, encodeCursor, isSeq } from './cursor';
import { stateError } from './errors';
import { requireText } from './inputs';
import { SEASON_PREFIX, SLOTS_SK, SPEND_SK } from './progress';
import type { Streak } from './rules';
import { type LedgerEntry, TOKENS_SK } from './tokens';

/** The read side: a player's state in one query, and the token ledger newest first. */

export interface PlayerView {
  user_id: string;
  token_balance: number;
  lifetime_spend: number;
  /** Null below the first tier. */
  vip_tier: string | null;
  battle_pass: { season: string; level: number; xp: number }[];
  slots: {
    spins: number;
    total_bet: number;
    total_payout: number;
    wins: number;
    losses: number;
    /** Null before the first spin. */
    streak: Streak | null;
    best_win_streak: number;
  };
}

type Item = Record<string, unknown>;
const num = (item: Item | undefined, name: string): number => {
  const value = item?.[name];
  return typeof value === 'number' ? value : 0;
};

/** Everything stored about a player, or undefined when nothing is (an unknown player). */
export async function getPlayer(
  userId: string,
  store: StateStore = stateStore(),
): Promise<PlayerView | undefined> {
  requireText(userId, 'user_id');
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await store.client
      .send(
        new QueryCommand({
          TableName: store.tables.players,
          KeyConditionExpression: 'user_id = :u',
          ExpressionAttributeValues: { ':u': userId },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      )
      .catch((error: unknown) => {
        throw stateError(error, `reading player ${userId}`);
      });
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  if (items.length === 0) return undefined;
  const bySk = new Map(items.map((item) => [String(item.sk), item]));
  const tokens = bySk.get(TOKENS_SK);
  const spend = bySk.get(SPEND_SK);
  const slots = bySk.get(SLOTS_SK);
  return {
    user_id: userId,
    token_balance: num(tokens, 'token_balance'),
    lifetime_spend: num(spend, 'lifetime_spend'),
    vip_tier: typeof spend?.vip_tier === 'string' ? spend.vip_tier : null,
    battle_pass: items
      .filter((item) => String(item.sk).startsWith(SEASON_PREFIX))
      .map((item) => ({ season: String(item.season), level: num(item, 'level'), xp: num(item, 'xp') })),
    slots: {
      spins: num(slots, 'spins'),
      total_bet: num(slots, 'total_bet'),
      total_payout: num(slots, 'total_payout'),
      wins: num(slots, 'wins'),
      losses: num(slots, 'losses'),
      streak:
        slots?.streak_kind === 'win' || slots?.streak_kind === 'loss'
          ? { kind: slots.streak_kind, length: num(slots, 'streak_length') }
          : null,
      best_win_streak: num(slots, 'best_win_streak'),
    },
  };
}

export const LEDGER_PAGE_MAX = 100;

export interface LedgerPage {
  entries: LedgerEntry[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  next_cursor: string | null;
}

/** The token ledger newest first, at most LEDGER_PAGE_MAX entries a page. */
export async function listLedger(
  userId: string,
  options: { cursor?: string; limit?: number } = {},
  store: StateStore = stateStore(),
): Promise<LedgerPage> {
  requireText(userId, 'user_id');
  const limit = options.limit ?? LEDGER_PAGE_MAX;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > LEDGER_PAGE_MAX) {
    throw new ValidationError(`limit must be an integer from 1 to ${LEDGER_PAGE_MAX}`, [
      { path: 'limit', message: `must be an integer from 1 to ${LEDGER_PAGE_MAX}` },
    ]);
  }
  const before = options.cursor === undefined ? undefined : decodeCursor(options.cursor, userId, isSeq);
  // One more than asked tells whether an older page exists, so the last page has no cursor.
  const page = await store.client
    .send(
      new QueryCommand({
        TableName: store.tables.tokenLedger,
        KeyConditionExpression: before === undefined ? 'user_id = :u' : 'user_id = :u AND seq < :before',
        ExpressionAttributeValues: { ':u': userId, ...(before !== undefined && { ':before': before }) },
        ScanIndexForward: false,
        Limit: limit + 1,
        ConsistentRead: true,
      }),
    )
    .catch((error: unknown) => {
      throw stateError(error, `reading the ledger of ${userId}`);
    });
  const items = (page.Items ?? []) as LedgerEntry[];
  const entries = items.slice(0, limit);
  const last = entries.at(-1);
  return { entries, next_cursor: items.length > limit && last ? encodeCursor(userId, last.seq) : null };
}
