/**
 * Topic names, property-based: our check accepts exactly the names Kafka itself accepts (its
 * `Topic.validate` rules: 1..249 characters of [a-zA-Z0-9._-], not "." or ".."), minus every
 * name starting with "__", Kafka's internal topics (`__consumer_offsets`, `__transaction_state`...).
 */
import fc from 'fast-check';
import { CreateTopicsRequest } from '../../../lib/api/requests';
import { topicNameProblem } from '../../../lib/kafka/topic-name';

const kafkaAccepts = (name: string): boolean =>
  name.length >= 1 && name.length <= 249 && name !== '.' && name !== '..' && /^[a-zA-Z0-9._-]+$/.test(name);

const names = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.stringMatching(/^[a-zA-Z0-9._-]{0,260}$/),
  fc.stringMatching(/^__[a-z_]{0,30}$/),
  fc.constantFrom(
    '__consumer_offsets',
    '__transaction_state',
    '__cluster_metadata',
    '.',
    '..',
    '',
    '_',
    '_x',
  ),
);

it('accepts a name exactly when Kafka would and it is not internal', () => {
  fc.assert(
    fc.property(names, (name) => {
      const accepted = topicNameProblem(name) === undefined;
      expect(accepted).toBe(kafkaAccepts(name) && !name.startsWith('__'));
    }),
    { numRuns: 2000 },
  );
});

it('POST /topics/create refuses every name the check refuses, naming it', () => {
  fc.assert(
    fc.property(
      names.filter((n) => topicNameProblem(n) !== undefined),
      (name) => {
        const parsed = CreateTopicsRequest.safeParse({ topics: [name] });
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues.some((i) => /topic name/.test(i.message))).toBe(true);
      },
    ),
    { numRuns: 1000 },
  );
});
