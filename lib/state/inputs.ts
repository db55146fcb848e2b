import { RejectedError } from '../errors';

/**
 * Guards on what the stages pass in. The stages validate their records with zod first, so a failure
 * here is a record that can never be applied: it goes to the dead-letter topic, not back to Kafka.
 */

export function requireText(value: string, what: string, max = 256): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new RejectedError(
      `${what} must be a non-empty string of at most ${max} characters`,
      `invalid_${what}`,
    );
  }
}

export function requirePositiveInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RejectedError(`${what} must be a positive integer, not ${value}`, `invalid_${what}`);
  }
}

export function requireNonNegative(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RejectedError(`${what} must be a finite number ≥ 0, not ${value}`, `invalid_${what}`);
  }
}

export function requireIdentity(userId: string, eventId: string): void {
  requireText(userId, 'user_id');
  requireText(eventId, 'event_id');
}
