import { InvalidTopicError } from '../../../lib/errors';
import { assertValidTopicName, topicNameProblem } from '../../../lib/kafka/topic-name';

describe('topic names', () => {
  it.each(['user_actions', 'a', 'a.b-c_D9', 'x'.repeat(249)])('accepts %s', (name) => {
    expect(topicNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['.', '"."'],
    ['..', '".."'],
    ['x'.repeat(250), '249'],
    ['has space', 'may contain only'],
    ['slash/name', 'may contain only'],
    ['ünïcode', 'may contain only'],
    ['__consumer_offsets', 'reserved'],
    ['__transaction_state', 'reserved'],
  ])('rejects %j (%s)', (name, reason) => {
    expect(topicNameProblem(name)).toContain(reason);
    expect(() => assertValidTopicName(name)).toThrow(InvalidTopicError);
  });
});
