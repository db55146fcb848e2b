import { createHash } from 'node:crypto';

/**
 * The API keys the local stage runs with (serverless.yml `params.local`): the game server's opens
 * the endpoints that produce, the operator's the operator's (lib/middleware/caller.ts).
 */
export const GAME_KEY = process.env.GAME_API_KEY ?? 'local-game-key-0123456789';
export const ADMIN_KEY = process.env.ADMIN_API_KEY ?? 'local-admin-key-0123456789';

export const keyHeader = (caller: 'gameServer' | 'operator'): Record<string, string> => ({
  'x-api-key': caller === 'gameServer' ? GAME_KEY : ADMIN_KEY,
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What deploy/functions.cjs gives each protected function: the hash of its caller's key. */
export function useKeyHashes(): void {
  process.env.GAME_SERVER_API_KEY_SHA256 = sha256(GAME_KEY);
  process.env.OPERATOR_API_KEY_SHA256 = sha256(ADMIN_KEY);
}
