import {
  compileFilter,
  FilterPatternError,
  filterableValue,
  matchesPattern,
} from '../../../lib/offline/src/filter';
import { toLambdaKafkaRecord } from '../../../lib/offline/src/lambda-event';

const record = (value: string | Buffer | null, extra: { partition?: number; key?: string } = {}) =>
  toLambdaKafkaRecord({
    topic: 'bets',
    partition: extra.partition ?? 0,
    offset: 1,
    timestamp: 0,
    key: extra.key ?? null,
    value,
  });

const json = (value: unknown) => record(JSON.stringify(value));

const delivers = (patterns: unknown[], r: ReturnType<typeof record>) => compileFilter(patterns).matches(r);

describe('EventBridge matchers on JSON values', () => {
  const deposit = json({
    type: 'deposit',
    amount: 150,
    currency: 'EUR',
    user: { id: 'u1', tier: 'vip-gold', tags: ['a', 'b'] },
    note: null,
    empty: '',
  });

  it.each([
    ['exact string', { type: ['deposit'] }, true],
    ['exact string, other value', { type: ['withdrawal'] }, false],
    ['one of several values', { type: ['withdrawal', 'deposit'] }, true],
    ['exact number', { amount: [150] }, true],
    ['string does not equal number', { amount: ['150'] }, false],
    ['null', { note: [null] }, true],
    ['empty string', { empty: [''] }, true],
    ['prefix', { currency: [{ prefix: 'EU' }] }, true],
    ['prefix, case matters', { currency: [{ prefix: 'eu' }] }, false],
    ['prefix ignoring case', { currency: [{ prefix: { 'equals-ignore-case': 'eu' } }] }, true],
    ['suffix', { currency: [{ suffix: 'UR' }] }, true],
    ['suffix ignoring case', { currency: [{ suffix: { 'equals-ignore-case': 'ur' } }] }, true],
    ['equals-ignore-case', { type: [{ 'equals-ignore-case': 'DePoSiT' }] }, true],
    ['anything-but value', { type: [{ 'anything-but': 'withdrawal' }] }, true],
    ['anything-but list', { type: [{ 'anything-but': ['withdrawal', 'deposit'] }] }, false],
    ['anything-but prefix', { type: [{ 'anything-but': { prefix: 'dep' } }] }, false],
    ['anything-but suffix', { type: [{ 'anything-but': { suffix: 'xx' } }] }, true],
    [
      'anything-but ignoring case',
      { type: [{ 'anything-but': { 'equals-ignore-case': ['DEPOSIT'] } }] },
      false,
    ],
    ['numeric range', { amount: [{ numeric: ['>', 100, '<=', 150] }] }, true],
    ['numeric range, outside', { amount: [{ numeric: ['>', 150] }] }, false],
    ['numeric equals', { amount: [{ numeric: ['=', 150] }] }, true],
    ['numeric does not match a string', { currency: [{ numeric: ['>', 0] }] }, false],
    ['exists true', { currency: [{ exists: true }] }, true],
    ['exists true on a null field', { note: [{ exists: true }] }, true],
    ['exists false', { missing: [{ exists: false }] }, true],
    ['exists false on a present field', { currency: [{ exists: false }] }, false],
    ['nested object', { user: { tier: [{ prefix: 'vip' }] } }, true],
    ['nested missing field', { user: { country: ['DE'] } }, false],
    ['nested exists false under a missing object', { account: { id: [{ exists: false }] } }, true],
    ['array field: any element matches', { user: { tags: ['b'] } }, true],
    ['array field: none matches', { user: { tags: ['c'] } }, false],
    ['all keys must match (AND)', { type: ['deposit'], amount: [{ numeric: ['<', 100] }] }, false],
    ['$or', { $or: [{ type: ['withdrawal'] }, { amount: [{ numeric: ['>=', 100] }] }] }, true],
    [
      '$or, no alternative',
      { $or: [{ type: ['withdrawal'] }, { amount: [{ numeric: ['>=', 1000] }] }] },
      false,
    ],
  ])('%s', (_name, valuePattern, expected) => {
    expect(delivers([{ value: valuePattern }], deposit)).toBe(expected);
  });

  it('ORs the patterns of a list: delivered when one matches', () => {
    const patterns = [
      { value: { type: ['withdrawal'] } },
      { value: { user: { tier: [{ prefix: 'vip' }] } } },
    ];
    expect(delivers(patterns, deposit)).toBe(true);
    expect(delivers(patterns, json({ type: 'bet', user: { tier: 'basic' } }))).toBe(false);
  });

  it('compares numbers by value (300 and 300.0 are the same in JSON.parse)', () => {
    expect(delivers([{ value: { n: [300] } }], record('{"n":300.0}'))).toBe(true);
  });
});

describe('Kafka value formats', () => {
  it('matches a plain-text value against a list pattern', () => {
    expect(delivers([{ value: [{ 'anything-but': ['error'] }] }], record('hello'))).toBe(true);
    expect(delivers([{ value: [{ 'anything-but': ['error'] }] }], record('error'))).toBe(false);
    expect(delivers([{ value: [{ prefix: 'hel' }] }], record('hello'))).toBe(true);
  });

  it('treats JSON that is not an object as text', () => {
    expect(filterableValue(record('42').value)).toEqual({ kind: 'text', data: '42' });
    expect(delivers([{ value: ['42'] }], record('42'))).toBe(true);
  });

  it('ignores the value condition when formats disagree (AWS: "filters on the other metadata only")', () => {
    // JSON value + list pattern, text value + object pattern, tombstone, invalid UTF-8.
    expect(delivers([{ value: ['x'] }], json({ a: 1 }))).toBe(true);
    expect(delivers([{ value: { a: [1] } }], record('plain text'))).toBe(true);
    expect(delivers([{ value: { a: [1] } }], record(null))).toBe(true);
    expect(delivers([{ value: { a: [1] } }], record(Buffer.from([0xc3, 0x28])))).toBe(true);
    expect(filterableValue(record(Buffer.from([0xff])).value)).toEqual({ kind: 'none' });
  });

  it('still applies metadata conditions when the value condition is ignored', () => {
    expect(delivers([{ partition: [1], value: { a: [1] } }], record('text', { partition: 1 }))).toBe(true);
    expect(delivers([{ partition: [1], value: { a: [1] } }], record('text', { partition: 0 }))).toBe(false);
  });

  it('matches metadata fields as they appear in the event', () => {
    expect(delivers([{ partition: [2] }], record('x', { partition: 2 }))).toBe(true);
    expect(delivers([{ topic: [{ prefix: 'be' }] }], record('x'))).toBe(true);
    expect(delivers([{ timestampType: ['LOG_APPEND_TIME'] }], record('x'))).toBe(false);
  });

  it('delivers everything without patterns', () => {
    expect(compileFilter(undefined).size).toBe(0);
    expect(compileFilter([]).matches(record('anything'))).toBe(true);
  });

  it('accepts FilterCriteria JSON strings too', () => {
    expect(compileFilter(['{"value":{"a":[1]}}']).matches(json({ a: 1 }))).toBe(true);
  });
});

describe('invalid patterns are rejected up front (AWS rejects the mapping)', () => {
  it.each([
    ['not an object', [['x']], /must be an object/],
    ['a string that is not JSON', ['x'], /not valid JSON/],
    ['a bare value instead of a list', [{ value: { a: 1 } }], /must be a list/],
    ['an empty list', [{ value: { a: [] } }], /empty list/],
    ['an unsupported operator', [{ value: { a: [{ wildcard: 'a*' }] } }], /"wildcard" is not supported/],
    ['cidr', [{ value: { ip: [{ cidr: '10.0.0.0/24' }] } }], /not supported/],
    [
      'two operators in one matcher',
      [{ value: { a: [{ prefix: 'a', suffix: 'b' }] } }],
      /exactly one operator/,
    ],
    ['numeric with a bad operator', [{ value: { a: [{ numeric: ['!=', 1] }] } }], /operator/],
    ['numeric with an odd list', [{ value: { a: [{ numeric: ['>'] }] } }], /numeric/],
    ['exists with a string', [{ value: { a: [{ exists: 'yes' }] } }], /exists/],
    ['prefix with a number', [{ value: { a: [{ prefix: 1 }] } }], /prefix/],
    [
      'anything-but with an object list',
      [{ value: { a: [{ 'anything-but': [{ a: 1 }] }] } }],
      /anything-but/,
    ],
    ['$or with one alternative', [{ value: { $or: [{ a: [1] }] } }], /\$or/],
  ])('%s', (_name, patterns, message) => {
    expect(() => compileFilter(patterns, 'filterPatterns')).toThrow(FilterPatternError);
    expect(() => compileFilter(patterns, 'filterPatterns')).toThrow(message);
  });

  it('names where the problem is', () => {
    expect(() =>
      compileFilter([{ value: {} }, { value: { a: [{ nope: 1 }] } }], 'fn.filterPatterns'),
    ).toThrow(/fn\.filterPatterns\[1\]\.value\.a\[0\]/);
  });
});

describe('matchesPattern (the generic core)', () => {
  it('an empty pattern matches anything', () => {
    expect(matchesPattern({}, { a: 1 })).toBe(true);
    expect(matchesPattern({}, undefined)).toBe(true);
  });
});
