import type { AdultContentEvent } from '../events/adult-content';
import { ADULT_MINIMUM_AGE } from './config';
import { notify } from './notify';
import type { Emit } from './stage';

export type AccessDecision =
  | { decision: 'allowed'; reason: 'verified_adult' }
  | { decision: 'denied'; reason: 'not_verified' | 'age_unknown' | 'under_age' };

/**
 * Deny by default: only a user the identity service verified, aged ADULT_MINIMUM_AGE (19, Korea's
 * legal age) or over, is allowed. Anything missing or short of that is a denial.
 */
export function decideAccess(data: AdultContentEvent['data']): AccessDecision {
  if (data.verification_state !== 'verified') return { decision: 'denied', reason: 'not_verified' };
  if (data.verified_age === undefined) return { decision: 'denied', reason: 'age_unknown' };
  if (data.verified_age < ADULT_MINIMUM_AGE) return { decision: 'denied', reason: 'under_age' };
  return { decision: 'allowed', reason: 'verified_adult' };
}

const DENIAL_BODY: Record<Extract<AccessDecision, { decision: 'denied' }>['reason'], string> = {
  not_verified: 'This content needs identity verification. Verify your age to continue.',
  age_unknown: 'We could not confirm your age. Verify your identity again to continue.',
  under_age: `This content is only available to players aged ${ADULT_MINIMUM_AGE} or over.`,
};

/**
 * adult_content access request → an audit record of the decision on `analytics` (every decision),
 * and a notice to the user when denied. A malformed request never reaches this rule: the stage
 * dead-letters it, so it is never allowed.
 */
export function gateAdultContent(event: AdultContentEvent): Emit[] {
  const { content_id, verified_age, verification_state } = event.data;
  const verdict = decideAccess(event.data);
  const emits: Emit[] = [
    {
      topic: 'analytics',
      event_type: 'ADULT_CONTENT_DECISION',
      data: {
        metric: 'adult_content_access',
        content_id,
        ...verdict,
        minimum_age: ADULT_MINIMUM_AGE,
        verified_age: verified_age ?? null,
        verification_state: verification_state ?? null,
        request_type: event.event_type,
      },
    },
  ];
  if (verdict.decision === 'denied') {
    emits.push(
      notify('ACCESS_DENIED', {
        title: 'Content unavailable',
        body: DENIAL_BODY[verdict.reason],
        relatedEventId: event.event_id,
        details: { content_id, reason: verdict.reason },
      }),
    );
  }
  return emits;
}
