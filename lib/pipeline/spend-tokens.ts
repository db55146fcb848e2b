import { z } from 'zod';
import { RejectedError } from '../errors';
import type { CyberTokenEvent } from '../events/cyber-tokens';
import type { Applied, TokenSpend, TokenSpendInput } from '../state';
import { amount, notify } from './notify';
import type { StageRule } from './stage';

/** The event type a spend request is produced as on `cyber_tokens` (POST /game/cyber-token-spend). */
export const TOKEN_SPEND_REQUESTED = 'TOKEN_SPEND_REQUESTED';

/** The store operation the stage debits with (lib/state spendTokens); tests pass a fake. */
export type SpendTokens = (input: TokenSpendInput) => Promise<Applied<TokenSpend>>;

const SpendData = z.looseObject({ item_id: z.string().min(1).max(128).optional() });

/**
 * cyber_tokens `TOKEN_SPEND_REQUESTED` → the spend applied to the player's balance once per event id
 * → `TOKENS_SPENT` with the new balance, or `TOKENS_SPEND_REJECTED` naming the shortfall when the
 * balance does not cover it (nothing is debited then; a redelivery gets the same refusal).
 */
export const spendTokensRule =
  (spend: SpendTokens): StageRule<'cyber_tokens'> =>
  async (event: CyberTokenEvent) => {
    if (event.event_type !== TOKEN_SPEND_REQUESTED) return [];
    const { amount: tokens, reason } = event.data;
    const extra = SpendData.safeParse(event.data);
    if (!extra.success)
      throw new RejectedError('item_id must be a string of 1 to 128 characters', 'invalid_item');
    const itemId = extra.data.item_id;
    const outcome = await spend({
      userId: event.user_id,
      eventId: event.event_id,
      amount: tokens,
      reason,
      ...(itemId !== undefined && { itemId }),
      eventTime: event.timestamp,
    });
    const item = itemId === undefined ? {} : { item_id: itemId };
    if (outcome.status === 'spent') {
      return [
        notify('TOKENS_SPENT', {
          title: `-${amount(tokens)} cyber tokens`,
          body: `${amount(tokens)} cyber tokens spent on ${reason} (balance ${amount(outcome.balance)}).`,
          relatedEventId: event.event_id,
          details: { amount: tokens, reason, ...item, balance: outcome.balance },
        }),
      ];
    }
    return [
      notify('TOKENS_SPEND_REJECTED', {
        title: 'Not enough cyber tokens',
        body: `${reason} costs ${amount(tokens)} cyber tokens; you have ${amount(outcome.balance)}, ${amount(outcome.shortfall)} short. Nothing was spent.`,
        relatedEventId: event.event_id,
        details: { amount: tokens, reason, ...item, balance: outcome.balance, shortfall: outcome.shortfall },
      }),
    ];
  };
