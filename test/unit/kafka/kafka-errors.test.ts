import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
} from 'kafkajs';
import { BrokerUnavailableError, PayloadTooLargeError, ValidationError } from '../../../lib/errors';
import { toKafkaError } from '../../../lib/kafka/kafka-errors';
import { ProtocolError, SaslError } from '../../helpers/kafkajs-errors';

// Unit tests may build kafkajs errors: they describe the client's failure modes, no broker involved.
describe('toKafkaError', () => {
  it('turns a request the cluster refuses as asked (a topic creation with an unknown config) into a 400', () => {
    const aggregate = Object.assign(new Error('Topic creation errors'), {
      errors: [
        new ProtocolError({
          type: 'INVALID_CONFIG',
          code: 40,
          retriable: false,
          message: 'Unknown topic config name: 0',
        }),
      ],
    });
    const mapped = toKafkaError(aggregate);
    expect(mapped).toBeInstanceOf(ValidationError);
    expect((mapped as ValidationError).statusCode).toBe(400);
    expect((mapped as ValidationError).message).toContain('Unknown topic config name');
  });

  it('turns an unreachable broker into a 503 with Retry-After', () => {
    const mapped = toKafkaError(
      new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'),
    );
    expect(mapped).toBeInstanceOf(BrokerUnavailableError);
    expect((mapped as BrokerUnavailableError).statusCode).toBe(503);
    expect((mapped as BrokerUnavailableError).headers['Retry-After']).toBe('5');
    expect((mapped as BrokerUnavailableError).message).not.toContain('127.0.0.1');
  });

  it('looks through retries to the cause', () => {
    const exhausted = new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('ECONNREFUSED'), {
      retryCount: 3,
      retryTime: 1000,
    });
    expect(toKafkaError(exhausted)).toBeInstanceOf(BrokerUnavailableError);
  });

  it('turns a record the broker refuses as too large into a 413', () => {
    const tooLarge = new ProtocolError({
      type: 'MESSAGE_TOO_LARGE',
      code: 10,
      retriable: false,
      message: 'too large',
    });
    expect(toKafkaError(tooLarge)).toBeInstanceOf(PayloadTooLargeError);
  });

  it('reports rejected credentials clearly', () => {
    const mapped = toKafkaError(new SaslError('SASL SCRAM SHA512 authentication failed'));
    expect(mapped).toBeInstanceOf(BrokerUnavailableError);
    expect((mapped as Error).message).toBe('Kafka rejected the client credentials');
  });

  it.each(['ILLEGAL_SASL_STATE', 'UNSUPPORTED_SASL_MECHANISM', 'SASL_AUTHENTICATION_FAILED'])(
    'reports a %s refusal as rejected credentials (a 503, never a 500)',
    (type) => {
      const refused = new ProtocolError({ type, code: 34, retriable: false, message: 'refused' });
      const mapped = toKafkaError(refused);
      expect(mapped).toBeInstanceOf(BrokerUnavailableError);
      expect((mapped as Error).message).toBe('Kafka rejected the client credentials');
    },
  );

  it('leaves our own and unknown errors alone', () => {
    const ours = new ValidationError('bad', []);
    expect(toKafkaError(ours)).toBe(ours);
    const plain = new Error('boom');
    expect(toKafkaError(plain)).toBe(plain);
    const nonRetriable = new KafkaJSNonRetriableError('Invalid messages array');
    expect(toKafkaError(nonRetriable)).toBe(nonRetriable);
  });

  it('treats retriable kafkajs errors as temporary unavailability', () => {
    expect(toKafkaError(new KafkaJSError('leader moved', { retriable: true }))).toBeInstanceOf(
      BrokerUnavailableError,
    );
  });
});
