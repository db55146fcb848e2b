import { type Applied, applyOnce } from './apply-once';
import { type StateStore, stateStore } from './client';
import { requireIdentity, requirePositiveInteger, requireText } from './inputs';
import { decideSpend } from './rules';

/**
 * Cyber tokens: the players item TOKENS holds the balance; every accepted earn, grant or spend
 * appends one ledger entry whose `seq` is the item's new version, so entries are numbered 1, 2, 3…
 * per player in the order they were applied and each records the balance it left.
 */

export const TOKENS_SK = 'TOKENS';
export type LedgerKind = 'earn' | 'grant' | 'spend';

interface TokensItem extends Record<string, unknown> {
  token_balance: number;
  earned_total: number;
  spent_total: number;
}

/** A type, not an interface, so it is a plain record the engine can write. */
export type LedgerEntry = {
  user_id: string;
  seq: number;
  event_id: string;
  kind: LedgerKind;
  /** Signed: positive for earns and grants, negative for spends. */
  amount: number;
  balance_after: number;
  reason: string;
  item_id?: string;
  source?: string;
  /** The input event's own time (epoch seconds), when given. */
  event_time?: number;
  recorded_at: string;
};

export interface TokenCreditInput {
  userId: string;
  eventId: string;
  amount: number;
  reason: string;
  /** `earn` (the game) or `grant` (headquarters, rewards); both add to the balance. */
  kind?: 'earn' | 'grant';
  source?: string;
  eventTime?: number;
}

export interface TokenCredit {
  kind: 'earn' | 'grant';
  amount: number;
  balance: number;
  ledger_seq: number;
}

export interface TokenSpendInput {
  userId: string;
  eventId: string;
  amount: number;
  reason: string;
  itemId?: string;
  eventTime?: number;
}

export type TokenSpend =
  | { status: 'spent'; amount: number; balance: number; ledger_seq: number }
  /** Nothing debited: the balance was `shortfall` tokens short of `amount`. */
  | { status: 'rejected'; amount: number; balance: number; shortfall: number };

const SCOPE = 'tokens';

const ledgerEntry = (entry: LedgerEntry) => ({
  table: 'tokenLedger' as const,
  item: entry,
  keyAttribute: 'seq',
});

/** Adds tokens once per event id: one ledger entry, the balance raised. */
export function creditTokens(
  input: TokenCreditInput,
  store: StateStore = stateStore(),
): Promise<Applied<TokenCredit>> {
  requireIdentity(input.userId, input.eventId);
  requirePositiveInteger(input.amount, 'amount');
  requireText(input.reason, 'reason', 1000);
  const kind = input.kind ?? 'earn';
  return applyOnce<TokensItem, TokenCredit>(store, {
    scope: SCOPE,
    eventId: input.eventId,
    userId: input.userId,
    sk: TOKENS_SK,
    decide: (current, version) => {
      const balance = (current?.token_balance ?? 0) + input.amount;
      const seq = version + 1;
      return {
        outcome: { kind, amount: input.amount, balance, ledger_seq: seq },
        next: {
          token_balance: balance,
          earned_total: (current?.earned_total ?? 0) + input.amount,
          spent_total: current?.spent_total ?? 0,
        },
        appends: [
          ledgerEntry({
            user_id: input.userId,
            seq,
            event_id: input.eventId,
            kind,
            amount: input.amount,
            balance_after: balance,
            reason: input.reason,
            ...(input.source !== undefined && { source: input.source }),
            ...(input.eventTime !== undefined && { event_time: input.eventTime }),
            recorded_at: new Date(store.now()).toISOString(),
          }),
        ],
      };
    },
  });
}

/**
 * Spends tokens once per event id if the balance covers them. A refusal is an outcome too, recorded
 * like a spend (without a ledger entry), so a redelivery gets the same refusal even if the balance
 * has grown since.
 */
export function spendTokens(
  input: TokenSpendInput,
  store: StateStore = stateStore(),
): Promise<Applied<TokenSpend>> {
  requireIdentity(input.userId, input.eventId);
  requirePositiveInteger(input.amount, 'amount');
  requireText(input.reason, 'reason', 1000);
  return applyOnce<TokensItem, TokenSpend>(store, {
    scope: SCOPE,
    eventId: input.eventId,
    userId: input.userId,
    sk: TOKENS_SK,
    decide: (current, version) => {
      const balance = current?.token_balance ?? 0;
      const decision = decideSpend(balance, input.amount);
      if (!decision.accepted) {
        return {
          outcome: { status: 'rejected', amount: input.amount, balance, shortfall: decision.shortfall },
        };
      }
      const seq = version + 1;
      return {
        outcome: { status: 'spent', amount: input.amount, balance: decision.balanceAfter, ledger_seq: seq },
        next: {
          token_balance: decision.balanceAfter,
          earned_total: current?.earned_total ?? 0,
          spent_total: (current?.spent_total ?? 0) + input.amount,
        },
        appends: [
          ledgerEntry({
            user_id: input.userId,
            seq,
            event_id: input.eventId,
            kind: 'spend',
            amount: -input.amount,
            balance_after: decision.balanceAfter,
            reason: input.reason,
            ...(input.itemId !== undefined && { item_id: input.itemId }),
            ...(input.eventTime !== undefined && { event_time: input.eventTime }),
            recorded_at: new Date(store.now()).toISOString(),
          }),
        ],
      };
    },
  });
}
