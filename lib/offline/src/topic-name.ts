const LEGAL = /^[a-zA-Z0-9._-]+$/;
const MAX_LENGTH = 249;

/**
 * Kafka's own topic-name rules, checked before any request reaches the broker. Names starting
 * with `__` are Kafka's internal topics (`__consumer_offsets`, `__transaction_state`) and are refused.
 */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_LENGTH) return `must be at most ${MAX_LENGTH} characters`;
  if (name === '.' || name === '..') return 'must not be "." or ".."';
  if (!LEGAL.test(name)) return 'may contain only ASCII letters, digits, ".", "_" and "-"';
  if (name.startsWith('__')) return 'names starting with "__" are reserved for Kafka internal topics';
  return undefined;
}
