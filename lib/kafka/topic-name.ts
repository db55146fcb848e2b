import { topicNameProblem } from 'serverless-offline-kafka-esm/topic-name';
import { InvalidTopicError } from '../errors';

/** Kafka's own topic-name rules (the emulator package's copy of them), and what breaking one means here. */
export { topicNameProblem };

export function assertValidTopicName(name: string): void {
  const problem = topicNameProblem(name);
  if (problem) throw new InvalidTopicError(name, problem);
}
