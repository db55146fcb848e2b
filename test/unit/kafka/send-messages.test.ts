import { FakeKafka } from '../../fixtures/fake-kafka';

const fake = new FakeKafka();
jest.mock('../../../lib/kafka/client', () => ({ getKafka: () => fake.asKafka() }));

import { BrokerUnavailableError } from '../../../lib/errors';
import { disconnectProducer, sendMessages } from '../../../lib/kafka/producer';

const messages = () => Array.from({ length: 30 }, (_, i) => ({ key: `user_${i}`, value: `{"i":${i}}` }));

beforeEach(async () => {
  fake.sent = [];
  fake.dropPartitions = new Set();
  fake.dropTimes = 0;
  await disconnectProducer();
});

describe('sendMessages', () => {
  it('places every message at a distinct partition and offset', async () => {
    const placed = await sendMessages('t', messages());
    expect(new Set(placed.map((p) => `${p.partition}:${p.offset}`)).size).toBe(30);
    expect(new Set(placed.map((p) => p.partition))).toEqual(new Set([0, 1, 2]));
  });

  it('sends again what kafka silently left out, and reports the real offsets', async () => {
    fake.dropPartitions = new Set([1]);
    fake.dropTimes = 1;
    const placed = await sendMessages('t', messages());
    expect(fake.sent).toHaveLength(2);
    const resent = fake.sent[1]!.messages;
    expect(resent.length).toBe(placed.filter((p) => p.partition === 1).length);
    const offsets = placed.filter((p) => p.partition === 1).map((p) => Number(p.offset));
    expect(offsets).toEqual(offsets.map((_, i) => offsets[0]! + i));
  });

  it('fails instead of claiming messages kafka never acknowledged', async () => {
    fake.dropPartitions = new Set([2]);
    fake.dropTimes = 100;
    await expect(sendMessages('t', messages())).rejects.toBeInstanceOf(BrokerUnavailableError);
  });
});
