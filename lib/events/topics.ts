import { type CreateTopicsResult, createTopics, type TopicSpec } from '../kafka/admin';
import { catalogueTopics, deadLetterTopic } from './catalogue';

/** The nine catalogue topics and their dead-letter topics, with the configured partitions. */
export function catalogueTopicSpecs(): TopicSpec[] {
  return catalogueTopics.flatMap((topic) => [{ topic }, { topic: deadLetterTopic(topic) }]);
}

export const ensureCatalogueTopics = (
  kafka?: Parameters<typeof createTopics>[1],
): Promise<CreateTopicsResult> => createTopics(catalogueTopicSpecs(), kafka);
