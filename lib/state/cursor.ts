import { InvalidCursorError } from './errors';

/**
 * Opaque page cursors: base64url of a small JSON naming the player and the position. A cursor is
 * refused (400) unless it decodes to exactly that shape for the player asked about, so one cannot
 * be replayed against another player or forged into a scan of something else.
 */

const VERSION = 1;

export function encodeCursor(userId: string, position: string | number): string {
  return Buffer.from(JSON.stringify({ v: VERSION, u: userId, p: position }), 'utf8').toString('base64url');
}

export function decodeCursor<P extends string | number>(
  cursor: string,
  userId: string,
  isPosition: (value: unknown) => value is P,
): P {
  if (
    typeof cursor !== 'string' ||
    cursor.length === 0 ||
    cursor.length > 2048 ||
    !/^[A-Za-z0-9_-]+$/.test(cursor)
  ) {
    throw new InvalidCursorError('is not a cursor this API issued');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('is not a cursor this API issued');
  }
  const { v, u, p } = (parsed ?? {}) as Record<string, unknown>;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    v !== VERSION ||
    typeof u !== 'string' ||
    !isPosition(p)
  ) {
    throw new InvalidCursorError('is not a cursor this API issued');
  }
  if (u !== userId) throw new InvalidCursorError('was issued for another player');
  return p;
}

export const isSeq = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

export const isKeyText = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= 1024;
