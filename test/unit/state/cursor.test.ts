import { AppError } from '../../../lib/errors';
import { decodeCursor, encodeCursor, isKeyText, isSeq } from '../../../lib/state/cursor';
import { InvalidCursorError } from '../../../lib/state/errors';

const refusal = (run: () => unknown): InvalidCursorError => {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidCursorError) return error;
    throw error;
  }
  throw new Error('the cursor was accepted');
};

describe('page cursors', () => {
  it('round-trips a position for its player', () => {
    expect(decodeCursor(encodeCursor('user_1', 42), 'user_1', isSeq)).toBe(42);
    expect(decodeCursor(encodeCursor('user_1', '0001#abc'), 'user_1', isKeyText)).toBe('0001#abc');
  });

  it('is opaque URL-safe text', () => {
    expect(encodeCursor('user with spaces/and+slashes', 7)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('refuses a cursor issued for another player', () => {
    const error = refusal(() => decodeCursor(encodeCursor('user_1', 42), 'user_2', isSeq));
    expect(error.message).toContain('another player');
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$%^'],
    ['not JSON', Buffer.from('not json').toString('base64url')],
    ['JSON of another shape', Buffer.from('[1,2]').toString('base64url')],
    ['another version', Buffer.from('{"v":2,"u":"user_1","p":3}').toString('base64url')],
    ['a position of the wrong type', Buffer.from('{"v":1,"u":"user_1","p":"3"}').toString('base64url')],
    ['a negative position', Buffer.from('{"v":1,"u":"user_1","p":-3}').toString('base64url')],
    ['a fractional position', Buffer.from('{"v":1,"u":"user_1","p":1.5}').toString('base64url')],
    ['too long', 'A'.repeat(5000)],
  ])('refuses a malformed cursor (%s) as a 400 naming the cursor', (_case, cursor) => {
    const error = refusal(() => decodeCursor(cursor, 'user_1', isSeq));
    expect(error).toBeInstanceOf(AppError);
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('invalid_cursor');
    expect(error.retriable).toBe(false);
    expect(error.issues).toEqual([{ path: 'cursor', message: expect.any(String) }]);
  });
});
