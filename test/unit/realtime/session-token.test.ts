import { parseRealtimeConfig } from '../../../lib/realtime/config';
import { createSession } from '../../../lib/realtime/session';
import { issueToken, verifyToken } from '../../../lib/realtime/session-token';

const SECRET = 'a-secret-for-the-unit-tests';
const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);

describe('session tokens', () => {
  it('verifies its own token and names the player', () => {
    const token = issueToken('player-1', NOW / 1000 + 60, SECRET);
    expect(verifyToken(token, SECRET, NOW)).toEqual({
      valid: true,
      claims: { sub: 'player-1', exp: NOW / 1000 + 60 },
    });
  });

  it('refuses a missing, malformed, forged, tampered or expired token, saying which', () => {
    const token = issueToken('player-1', NOW / 1000 + 60, SECRET);
    const [payload, signature] = token.split('.') as [string, string];
    const otherPlayer = Buffer.from(JSON.stringify({ sub: 'player-2', exp: NOW / 1000 + 60 })).toString(
      'base64url',
    );
    expect(verifyToken(undefined, SECRET, NOW)).toEqual({ valid: false, reason: 'missing' });
    expect(verifyToken('not-a-token', SECRET, NOW)).toEqual({ valid: false, reason: 'malformed' });
    expect(
      verifyToken(issueToken('player-1', NOW / 1000 + 60, 'another-secret-entirely'), SECRET, NOW),
    ).toEqual({
      valid: false,
      reason: 'forged',
    });
    expect(verifyToken(`${otherPlayer}.${signature}`, SECRET, NOW)).toEqual({
      valid: false,
      reason: 'forged',
    });
    expect(verifyToken(`${payload}.${signature}x`, SECRET, NOW)).toEqual({ valid: false, reason: 'forged' });
    expect(verifyToken(token, SECRET, NOW + 60_000)).toEqual({ valid: false, reason: 'expired' });
  });

  it('makes a session: the token, the URL with it and its expiry', () => {
    const cfg = parseRealtimeConfig({ SESSION_TOKEN_SECRET: SECRET, SESSION_TTL_SECONDS: '120' });
    const session = createSession('player 7', NOW, cfg);
    expect(session.expires_at).toBe(new Date(NOW + 120_000).toISOString());
    expect(new URL(session.url).searchParams.get('token')).toBe(session.token);
    expect(session.url.startsWith('ws://localhost:3001/?token=')).toBe(true);
    expect(verifyToken(session.token, SECRET, NOW)).toMatchObject({
      valid: true,
      claims: { sub: 'player 7' },
    });
  });

  it('refuses a blank user and a short secret, never printing the secret', () => {
    expect(() => createSession('   ', NOW, parseRealtimeConfig({}))).toThrow(/user_id/);
    let message = '';
    try {
      parseRealtimeConfig({ SESSION_TOKEN_SECRET: 'short-secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/SESSION_TOKEN_SECRET: must be at least 16 characters/);
    expect(message).not.toContain('short-secret');
  });
});
