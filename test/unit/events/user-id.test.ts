import { UserId } from '../../../lib/events';

describe('UserId: at most 128 characters, not blank', () => {
  it.each([
    ['empty', ''],
    ['spaces and tabs', ' \t \n'],
    ['a no-break space (the fuzzer found it: blank to both JavaScript and Python)', '\u00a0'],
    ['a byte order mark (not blank to Python, blank to JavaScript)', '\ufeff'],
    ['information separators (blank to Python, not to JavaScript)', '\u001c\u001d\u001e\u001f'],
    ['a next-line control (blank to Python only)', '\u0085'],
    ['an ideographic space', '\u3000'],
  ])('refuses %s', (_, id) => {
    expect(UserId.safeParse(id).success).toBe(false);
  });

  it.each([['user_12345'], [' padded '], ['플레이어'], ['\u3000x'], ['a'.repeat(128)]])(
    'accepts %j',
    (id) => {
      expect(UserId.safeParse(id).success).toBe(true);
    },
  );

  it('refuses 129 characters', () => {
    expect(UserId.safeParse('a'.repeat(129)).success).toBe(false);
  });
});
