import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A player's session token: `<payload>.<signature>`, both base64url, the payload `{"sub","exp"}`
 * (user id, expiry in epoch seconds) and the signature its HMAC-SHA256 under the session secret.
 * Short-lived on purpose: it only opens a WebSocket, and a leaked one soon stops working.
 */

export interface SessionClaims {
  /** The player. */
  sub: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

export type TokenCheck =
  | { valid: true; claims: SessionClaims }
  | { valid: false; reason: 'missing' | 'malformed' | 'forged' | 'expired' };

const sign = (payload: string, secret: string) => createHmac('sha256', secret).update(payload).digest();

export function issueToken(userId: string, expiresAtSeconds: number, secret: string): string {
  const claims: SessionClaims = { sub: userId, exp: Math.floor(expiresAtSeconds) };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${sign(payload, secret).toString('base64url')}`;
}

export function verifyToken(token: string | undefined, secret: string, nowMs: number): TokenCheck {
  if (!token) return { valid: false, reason: 'missing' };
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { valid: false, reason: 'malformed' };
  const [payload, signature] = parts as [string, string];
  const expected = sign(payload, secret);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { valid: false, reason: 'forged' };
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (!isClaims(claims)) return { valid: false, reason: 'malformed' };
  if (claims.exp * 1000 <= nowMs) return { valid: false, reason: 'expired' };
  return { valid: true, claims };
}

const isClaims = (value: unknown): value is SessionClaims =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as SessionClaims).sub === 'string' &&
  (value as SessionClaims).sub.length > 0 &&
  Number.isFinite((value as SessionClaims).exp);
