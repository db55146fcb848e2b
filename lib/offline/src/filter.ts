/**
 * Kafka event filtering as Lambda does it (FilterCriteria): EventBridge pattern syntax, the subset
 * Lambda supports — exact values, `null`, `""`, `prefix`, `suffix`, `equals-ignore-case`,
 * `anything-but`, `numeric`, `exists`, `$or`. Patterns are OR-ed; a record is delivered when one matches.
 *
 * The pattern's `value` is matched against the record's value decoded the way Lambda does it:
 * UTF-8, then JSON when it parses to an object (object pattern), otherwise the text itself (list
 * pattern). When the formats disagree (JSON value + list pattern, text + object pattern, a
 * tombstone, bytes that are not UTF-8) the `value` condition is not applied, as AWS documents
 * ("Lambda filters on the other metadata properties only"). Other keys are matched against the
 * record's fields as they appear in the event (`partition`, `topic`, ...).
 */
import type { LambdaKafkaRecord } from './lambda-event';

export class FilterPatternError extends Error {
  override readonly name = 'FilterPatternError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type PatternObject = { [key: string]: Json };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const NUMERIC_OPERATORS = new Set(['<', '<=', '=', '>', '>=']);

// ---- validation (AWS rejects an invalid FilterCriteria when the mapping is created) ----

function validateNumeric(spec: Json, where: string): void {
  if (!Array.isArray(spec) || spec.length === 0 || spec.length % 2 !== 0 || spec.length > 4) {
    throw new FilterPatternError(`${where}: "numeric" takes [op, number] or [op, number, op, number]`);
  }
  for (let i = 0; i < spec.length; i += 2) {
    if (
      typeof spec[i] !== 'string' ||
      !NUMERIC_OPERATORS.has(spec[i] as string) ||
      typeof spec[i + 1] !== 'number'
    ) {
      throw new FilterPatternError(
        `${where}: "numeric" needs an operator (<, <=, =, >, >=) followed by a number`,
      );
    }
  }
}

const isScalar = (value: Json): boolean => typeof value === 'string' || typeof value === 'number';

function validateAnythingBut(spec: Json, where: string): void {
  if (isScalar(spec)) return;
  if (Array.isArray(spec) && spec.length > 0 && spec.every(isScalar)) return;
  if (isPlainObject(spec)) {
    const [op, arg, ...more] = Object.entries(spec).flat() as [string, Json, ...unknown[]];
    if (more.length === 0 && (op === 'prefix' || op === 'suffix') && typeof arg === 'string') return;
    if (more.length === 0 && op === 'equals-ignore-case') {
      if (
        typeof arg === 'string' ||
        (Array.isArray(arg) && arg.length > 0 && arg.every((a) => typeof a === 'string'))
      )
        return;
    }
  }
  throw new FilterPatternError(
    `${where}: "anything-but" takes a value, a list of values, or {prefix|suffix|equals-ignore-case: ...}`,
  );
}

function validateCondition(condition: Json, where: string): void {
  if (condition === null || typeof condition !== 'object') return; // exact value, null, ""
  if (Array.isArray(condition)) throw new FilterPatternError(`${where}: a list cannot be nested in a list`);
  const entries = Object.entries(condition);
  if (entries.length !== 1)
    throw new FilterPatternError(`${where}: each matcher object has exactly one operator`);
  const [op, arg] = entries[0] as [string, Json];
  switch (op) {
    case 'prefix':
    case 'suffix':
      if (typeof arg === 'string') return;
      if (
        isPlainObject(arg) &&
        Object.keys(arg).length === 1 &&
        typeof arg['equals-ignore-case'] === 'string'
      )
        return;
      throw new FilterPatternError(`${where}: "${op}" takes a string or {"equals-ignore-case": string}`);
    case 'equals-ignore-case':
      if (typeof arg === 'string') return;
      throw new FilterPatternError(`${where}: "equals-ignore-case" takes a string`);
    case 'exists':
      if (typeof arg === 'boolean') return;
      throw new FilterPatternError(`${where}: "exists" takes true or false`);
    case 'numeric':
      validateNumeric(arg, where);
      return;
    case 'anything-but':
      validateAnythingBut(arg, where);
      return;
    default:
      throw new FilterPatternError(`${where}: operator "${op}" is not supported by Lambda event filtering`);
  }
}

function validatePattern(pattern: Json, where: string): void {
  if (!isPlainObject(pattern)) throw new FilterPatternError(`${where}: a pattern must be an object`);
  for (const [key, sub] of Object.entries(pattern)) {
    const path = `${where}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(sub) || sub.length < 2)
        throw new FilterPatternError(`${path}: "$or" takes a list of at least two patterns`);
      for (const [i, alternative] of sub.entries()) validatePattern(alternative, `${path}[${i}]`);
    } else if (Array.isArray(sub)) {
      if (sub.length === 0) throw new FilterPatternError(`${path}: an empty list matches nothing`);
      for (const [i, condition] of sub.entries()) validateCondition(condition, `${path}[${i}]`);
    } else if (isPlainObject(sub)) {
      validatePattern(sub, path);
    } else {
      throw new FilterPatternError(`${path}: must be a list of matchers or a nested pattern object`);
    }
  }
}

// ---- matching (EventBridge semantics) ----

const holds = (op: Json, value: number, bound: number): boolean => {
  switch (op) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '=':
      return value === bound;
    case '>':
      return value > bound;
    default:
      return value >= bound;
  }
};

const compareNumeric = (spec: Json[], value: number): boolean => {
  for (let i = 0; i < spec.length; i += 2) {
    if (!holds(spec[i] ?? null, value, spec[i + 1] as number)) return false;
  }
  return true;
};

const lower = (s: string): string => s.toLowerCase();

function stringAffix(op: 'prefix' | 'suffix', arg: Json, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const ignoreCase = isPlainObject(arg);
  const affix = ignoreCase ? String(arg['equals-ignore-case']) : String(arg);
  const subject = ignoreCase ? lower(value) : value;
  const wanted = ignoreCase ? lower(affix) : affix;
  return op === 'prefix' ? subject.startsWith(wanted) : subject.endsWith(wanted);
}

function anythingBut(arg: Json, value: unknown): boolean {
  if (isPlainObject(arg)) {
    const [op, inner] = Object.entries(arg)[0] as [string, Json];
    if (typeof value !== 'string') return false;
    if (op === 'equals-ignore-case') {
      const banned = (Array.isArray(inner) ? inner : [inner]).map((s) => lower(String(s)));
      return !banned.includes(lower(value));
    }
    return !stringAffix(op as 'prefix' | 'suffix', inner, value);
  }
  const banned = Array.isArray(arg) ? arg : [arg];
  return !banned.some((b) => b === value);
}

function matchesCondition(condition: Json, value: unknown): boolean {
  if (condition === null || typeof condition !== 'object') return value === condition;
  const [op, arg] = Object.entries(condition)[0] as [string, Json];
  switch (op) {
    case 'prefix':
    case 'suffix':
      return stringAffix(op, arg, value);
    case 'equals-ignore-case':
      return typeof value === 'string' && lower(value) === lower(String(arg));
    case 'numeric':
      return typeof value === 'number' && compareNumeric(arg as Json[], value);
    case 'anything-but':
      return anythingBut(arg, value);
    default:
      return false;
  }
}

/** A list of matchers against one field: `exists` looks at presence, the rest at any value (arrays are flattened). */
function matchesLeaf(conditions: Json[], present: boolean, value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return conditions.some((condition) => {
    if (isPlainObject(condition) && 'exists' in condition) return condition.exists === present;
    return present && values.some((v) => matchesCondition(condition, v));
  });
}

/** Whether `data` matches an EventBridge pattern object. */
export function matchesPattern(pattern: PatternObject, data: unknown): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or')
      return (sub as PatternObject[]).some((alternative) => matchesPattern(alternative, data));
    const present = isPlainObject(data) && Object.hasOwn(data, key);
    const field = present ? (data as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(sub)) return matchesLeaf(sub, present, field);
    // A nested pattern against a list of objects matches when one element does.
    if (Array.isArray(field)) return field.some((element) => matchesPattern(sub as PatternObject, element));
    return matchesPattern(sub as PatternObject, field);
  });
}

// ---- Kafka specifics ----

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The record's value as Lambda filters it: a JSON object, text, or nothing filterable. */
export function filterableValue(
  value: string | undefined,
): { kind: 'json'; data: Record<string, unknown> } | { kind: 'text'; data: string } | { kind: 'none' } {
  if (value === undefined) return { kind: 'none' };
  let text: string;
  try {
    text = utf8.decode(Buffer.from(value, 'base64'));
  } catch {
    return { kind: 'none' };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (isPlainObject(parsed)) return { kind: 'json', data: parsed };
  } catch {
    // not JSON: filtered as text
  }
  return { kind: 'text', data: text };
}

export interface RecordFilter {
  /** How many patterns (0 = every record is delivered). */
  readonly size: number;
  matches(record: LambdaKafkaRecord): boolean;
}

/**
 * Validate `filterPatterns` (as written in serverless.yml, or as the JSON strings of a
 * FilterCriteria) and return the record predicate. Throws `FilterPatternError` naming the problem.
 */
export function compileFilter(
  patterns: readonly unknown[] | undefined,
  where = 'filterPatterns',
): RecordFilter {
  const compiled: PatternObject[] = (patterns ?? []).map((raw, i) => {
    let pattern = raw as Json;
    if (typeof raw === 'string') {
      try {
        pattern = JSON.parse(raw) as Json;
      } catch {
        throw new FilterPatternError(`${where}[${i}]: not valid JSON`);
      }
    }
    validatePattern(pattern, `${where}[${i}]`);
    return pattern as PatternObject;
  });
  return {
    size: compiled.length,
    matches(record) {
      if (compiled.length === 0) return true;
      const value = filterableValue(record.value);
      const { value: _raw, ...metadata } = record;
      return compiled.some((pattern) => {
        const { value: valuePattern, ...rest } = pattern;
        if (valuePattern === undefined) return matchesPattern(rest, metadata);
        const applies =
          (value.kind === 'json' && isPlainObject(valuePattern)) ||
          (value.kind === 'text' && Array.isArray(valuePattern));
        if (!applies) return matchesPattern(rest, metadata);
        return matchesPattern(pattern, { ...metadata, value: value.data });
      });
    },
  };
}
