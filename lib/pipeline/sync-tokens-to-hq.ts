import type { CyberTokenEvent } from '../events/cyber-tokens';
import type { HqClient, TokenGrant } from '../hq/client';
import { amount, notify } from './notify';
import type { Emit, StageRule } from './stage';

/** The notice of a grant the headquarters confirmed. */
export function tokenGrantNotice(event: CyberTokenEvent, grant: TokenGrant): Emit[] {
  const { amount: tokens, reason } = event.data;
  return [
    notify('TOKENS_GRANTED', {
      title: `+${amount(tokens)} cyber tokens`,
      body: `${amount(tokens)} cyber tokens for ${reason} were added to your account.`,
      relatedEventId: event.event_id,
      details: { amount: tokens, reason, hq_grant_id: grant.grant_id },
    }),
  ];
}

/**
 * cyber_tokens `TOKEN_EARNED` → the grant at the headquarters (keyed by the event id) → a notice.
 * A timeout or 5xx throws, so the batch is retried and no grant is lost; a 4xx is dead-lettered.
 */
export const syncTokensToHq =
  (hq: () => HqClient): StageRule<'cyber_tokens'> =>
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
    return tokenGrantNotice(event, grant);
  };
