import type { CyberTokenEvent } from '../events/cyber-tokens';
import type { HqClient, TokenGrant } from '../hq/client';
import type { Applied, TokenCredit, TokenCreditInput } from '../state';
import { amount, notify } from './notify';
import type { Emit, StageRule } from './stage';

/** The store operation the stage credits the ledger with (lib/state creditTokens); tests pass a fake. */
export type CreditTokens = (input: TokenCreditInput) => Promise<Applied<TokenCredit>>;

/** The notice of a grant the headquarters confirmed, with the balance it left. */
export function tokenGrantNotice(event: CyberTokenEvent, grant: TokenGrant, credit: TokenCredit): Emit[] {
  const { amount: tokens, reason } = event.data;
  return [
    notify('TOKENS_GRANTED', {
      title: `+${amount(tokens)} cyber tokens`,
      body: `${amount(tokens)} cyber tokens for ${reason} were added to your account (balance ${amount(credit.balance)}).`,
      relatedEventId: event.event_id,
      details: { amount: tokens, reason, hq_grant_id: grant.grant_id, balance: credit.balance },
    }),
  ];
}

/**
 * cyber_tokens `TOKEN_EARNED` → the grant at the headquarters (keyed by the event id) → the player's
 * ledger credited once HQ confirmed (keyed by the same id: a redelivery credits nothing more) → a
 * notice with the balance. A timeout or 5xx throws, so the batch is retried and no grant is lost; a
 * 4xx is dead-lettered, and nothing is credited.
 */
export const syncTokensToHq =
  (hq: () => HqClient, credit: CreditTokens): StageRule<'cyber_tokens'> =>
  async (event) => {
    if (event.event_type !== 'TOKEN_EARNED') return [];
    const { amount: tokens, reason, source } = event.data;
    const grant = await hq().grantTokens({
      idempotencyKey: event.event_id,
      user_id: event.user_id,
      amount: tokens,
      reason,
      ...(source !== undefined && { source }),
      earned_at: event.timestamp,
    });
    const credited = await credit({
      userId: event.user_id,
      eventId: event.event_id,
      amount: tokens,
      reason,
      kind: 'earn',
      ...(source !== undefined && { source }),
      eventTime: event.timestamp,
    });
    return tokenGrantNotice(event, grant, credited);
  };
