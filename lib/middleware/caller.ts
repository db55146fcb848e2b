import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { AppError, ConfigError, ForbiddenError } from '../errors';

/**
 * Who may call an endpoint. API Gateway admits only requests carrying one of the stage's API keys
 * (`private: true`, with a usage plan's throttling); which key it is decides the role, checked here
 * against the SHA-256 of the role's keys, the only thing the function is given of them.
 */
export type Caller = 'public' | 'gameServer' | 'operator';

/** The environment variable holding a role's key hashes (comma-separated, for rotation). */
export const KEY_HASH_VARIABLE: Record<Exclude<Caller, 'public'>, string> = {
  gameServer: 'GAME_SERVER_API_KEY_SHA256',
  operator: 'OPERATOR_API_KEY_SHA256',
};

const ROLE_NAME: Record<Exclude<Caller, 'public'>, string> = {
  gameServer: "the game server's",
  operator: "the operator's",
};

export const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

const parseHashes = (listed: string): Buffer[] =>
  listed
    .split(',')
    .map((hex) => hex.trim())
    .filter((hex) => /^[0-9a-f]{64}$/i.test(hex))
    .map((hex) => Buffer.from(hex, 'hex'));

/** Admit only callers presenting one of the role's keys in `x-api-key` (headers already lower-cased). */
export function requireCaller(caller: Caller): MiddlewareObj<APIGatewayProxyEvent> {
  // Parsed once per value of the variable, not per request.
  let parsed: { listed: string; hashes: Buffer[] } | undefined;
  return {
    before: ({ event }) => {
      if (caller === 'public') return;
      const variable = KEY_HASH_VARIABLE[caller];
      const listed = process.env[variable] ?? '';
      if (parsed?.listed !== listed) parsed = { listed, hashes: parseHashes(listed) };
      const { hashes } = parsed;
      // Fail closed: a protected function deployed without its role's keys admits nobody.
      if (hashes.length === 0) throw new ConfigError(`${variable} is not set: nobody may call this endpoint`);
      const key = event.headers?.['x-api-key'];
      if (!key)
        throw new AppError('unauthorized', `Send ${ROLE_NAME[caller]} API key in the x-api-key header`);
      const presented = sha256(key);
      if (!hashes.some((hash) => timingSafeEqual(hash, presented)))
        throw new ForbiddenError(`This endpoint needs ${ROLE_NAME[caller]} API key`);
    },
  };
}
