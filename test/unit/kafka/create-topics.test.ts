import type { Admin, Kafka } from 'kafkajs';
import { createTopics } from '../../../lib/kafka/admin';
import { ProtocolError } from '../../helpers/kafkajs-errors';

/** kafkajs' error for a broker that has not learned of a topic yet. */
const unknownTopic = () =>
  new ProtocolError({
    type: 'UNKNOWN_TOPIC_OR_PARTITION',
    code: 3,
    retriable: true,
    message: 'This server does not host this topic-partition',
  });

/** An admin on a cluster whose brokers learn of a new topic only after `lagging` metadata answers. */
function lateMetadataCluster(lagging: number) {
  let answers = 0;
  const admin = {
    connect: jest.fn(async () => undefined),
    disconnect: jest.fn(async () => undefined),
    listTopics: jest.fn(async () => ['existing']),
    createTopics: jest.fn(async () => true),
    fetchTopicOffsets: jest.fn(async (topic: string) => {
      answers += 1;
      if (answers <= lagging) throw unknownTopic();
      return [{ partition: 0, offset: '0', high: '0', low: '0', topic }];
    }),
  };
  const kafka = { admin: () => admin as unknown as Admin } as unknown as Kafka;
  return { admin, kafka };
}

describe('createTopics', () => {
  it("waits for the new topic's leaders itself, through a broker that does not know the topic yet", async () => {
    const { admin, kafka } = lateMetadataCluster(3);
    const result = await createTopics(
      [{ topic: 'fresh', partitions: 3, replicationFactor: 3 }, { topic: 'existing' }],
      kafka,
    );
    expect(result).toEqual({ created: ['fresh'], existing: ['existing'] });
    // kafkajs' waitForLeaders would give up on UNKNOWN_TOPIC_OR_PARTITION: a created topic reported as failed.
    expect(admin.createTopics).toHaveBeenCalledWith(
      expect.objectContaining({
        waitForLeaders: false,
        topics: [expect.objectContaining({ topic: 'fresh', numPartitions: 3, replicationFactor: 3 })],
      }),
    );
    expect(admin.fetchTopicOffsets).toHaveBeenCalledTimes(4);
    expect(admin.disconnect).toHaveBeenCalled();
  });

  it('creates nothing when every topic exists', async () => {
    const { admin, kafka } = lateMetadataCluster(0);
    expect(await createTopics([{ topic: 'existing' }], kafka)).toEqual({
      created: [],
      existing: ['existing'],
    });
    expect(admin.createTopics).not.toHaveBeenCalled();
  });
});
