import { z } from 'zod';
import { fieldIssues, ValidationError } from '../errors';
import { UserId } from '../events/envelope';
import { type RealtimeConfig, realtimeConfig } from './config';
import { issueToken } from './session-token';

export const SessionResponse = z.object({
  token: z.string().describe('Signed, short-lived: opens one WebSocket for this player'),
  url: z.string().describe('The WebSocket URL to open, token included (ws://localhost:3001?token=… locally)'),
  expires_at: z
    .string()
    .describe('When the token stops opening sockets (ISO 8601); an open socket stays open'),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

/** A session for `userId`: the token and the URL to open with it. */
export function createSession(
  userId: string,
  nowMs: number = Date.now(),
  cfg: RealtimeConfig = realtimeConfig(),
): SessionResponse {
  const checked = UserId.safeParse(userId);
  if (!checked.success) {
    const issues = fieldIssues(checked.error.issues).map((i) => ({ path: 'user_id', message: i.message }));
    throw new ValidationError(`user_id: ${issues.map((i) => i.message).join('; ')}`, issues);
  }
  const expiresAt = Math.floor(nowMs / 1000) + cfg.sessionTtlSeconds;
  const token = issueToken(checked.data, expiresAt, cfg.sessionSecret);
  const url = new URL(cfg.websocketUrl);
  url.searchParams.set('token', token);
  return { token, url: url.toString(), expires_at: new Date(expiresAt * 1000).toISOString() };
}
