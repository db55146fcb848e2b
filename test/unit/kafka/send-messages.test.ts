import { FakeKafka } from '../../fixtures/fake-kafka';

const fake = new FakeKafka();
jest.mock('../../../lib/kafka/client', () => ({ getKafka: async () => fake.asKafka() }));

import { CompressionTypes, KafkaJSProtocolError } from 'kafkajs';
import { BrokerUnavailableError, PayloadTooLargeError } from '../../../lib/errors';
import {
  disconnectProducer,
  GZIP_MIN_BYTES,
  producerConnects,
  sendMessages,
} from '../../../lib/kafka/producer';

// kafkajs' typings omit the constructor it really has (an error description).
const protocolError = (type: string, code: number): Error =>
  new (KafkaJSProtocolError as unknown as new (e: object) => KafkaJSProtocolError)({
    type,
    code,
    retriable: false,
    message: type,
  });

const messages = () => Array.from({ length: 30 }, (_, i) => ({ key: `user_${i}`, value: `{"i":${i}}` }));

beforeEach(async () => {
  fake.sent = [];
  fake.dropPartitions = new Set();
  fake.dropTimes = 0;
  fake.failNextSend = undefined;
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

  // kafkajs rolls the sequence back after a failure the broker may have written: reusing that
  // producer would get the next message acknowledged as a duplicate and never stored.
  it('replaces the producer after any failed send, and answers a broker refusal with a 503', async () => {
    await sendMessages('t', messages().slice(0, 1));
    const before = producerConnects();
    fake.failNextSend = protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', 45);
    const refused = await sendMessages('t', messages().slice(0, 1)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BrokerUnavailableError);
    expect((refused as Error).message).toContain('OUT_OF_ORDER_SEQUENCE_NUMBER');
    await sendMessages('t', messages().slice(0, 1));
    expect(producerConnects()).toBe(before + 1);
  });

  it('resends what kafka left out with a fresh producer', async () => {
    await sendMessages('t', messages().slice(0, 1));
    const before = producerConnects();
    fake.dropPartitions = new Set([0, 1, 2]);
    fake.dropTimes = 1;
    await sendMessages('t', messages());
    expect(producerConnects()).toBe(before + 1);
  });

  it('keeps the producer when the broker refused a batch as too large (nothing was written)', async () => {
    await sendMessages('t', messages().slice(0, 1));
    const before = producerConnects();
    fake.failNextSend = protocolError('MESSAGE_TOO_LARGE', 10);
    await expect(sendMessages('t', messages().slice(0, 1))).rejects.toBeInstanceOf(PayloadTooLargeError);
    await sendMessages('t', messages().slice(0, 1));
    expect(producerConnects()).toBe(before);
  });

  it('gzips a send from GZIP_MIN_BYTES of keys and values on, and leaves a single small event alone', async () => {
    await sendMessages('t', [{ key: 'user_1', value: '{"small":true}' }]);
    await sendMessages('t', [
      { key: 'user_1', value: JSON.stringify({ padding: 'x'.repeat(GZIP_MIN_BYTES) }) },
    ]);
    // Many small events add up: a batch is compressed as a whole.
    const batch = Array.from({ length: 40 }, (_, i) => ({
      key: `user_${i}`,
      value: `{"action":"LOGIN","i":${i}}`,
    }));
    await sendMessages('t', batch);
    expect(fake.sent.map((r) => r.compression)).toEqual([
      CompressionTypes.None,
      CompressionTypes.GZIP,
      CompressionTypes.GZIP,
    ]);
  });
});
