import { parseConfig, redactedConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';

describe('parseConfig', () => {
  it('applies the local defaults when nothing is set', () => {
    const { kafka } = parseConfig({});
    expect(kafka.brokers).toEqual(['localhost:9092']);
    expect(kafka.clientId).toBe('casino-club-f2p');
    expect(kafka.ssl).toBe(false);
    expect(kafka.sasl).toBeUndefined();
    expect(kafka.producer).toEqual({ retries: 3, compression: 'gzip', idempotent: true, batchLimit: 1000 });
    expect(kafka.topics).toEqual({ partitions: 3, replicationFactor: 1 });
  });

  it('reads an empty variable as unset', () => {
    const { kafka } = parseConfig({ KAFKA_SASL_MECHANISM: '', KAFKA_SSL: '', KAFKA_REQUEST_TIMEOUT_MS: '' });
    expect(kafka.sasl).toBeUndefined();
    expect(kafka.ssl).toBe(false);
    expect(kafka.requestTimeoutMs).toBe(10_000);
  });

  it('splits and trims a broker list', () => {
    expect(parseConfig({ KAFKA_BROKERS: ' a:9092, b:19092 ,' }).kafka.brokers).toEqual(['a:9092', 'b:19092']);
  });

  it('reads SASL and TLS settings', () => {
    const { kafka } = parseConfig({
      KAFKA_SSL: 'true',
      KAFKA_SSL_REJECT_UNAUTHORIZED: 'false',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 's3cret',
    });
    expect(kafka.ssl).toEqual({ rejectUnauthorized: false });
    expect(kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'svc', password: 's3cret' });
  });

  it.each([
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS'],
    [{ KAFKA_TOPIC_PARTITIONS: '0' }, 'KAFKA_TOPIC_PARTITIONS'],
    [{ KAFKA_SSL: 'maybe' }, 'KAFKA_SSL'],
    [{ KAFKA_SASL_MECHANISM: 'kerberos' }, 'KAFKA_SASL_MECHANISM'],
    [{ KAFKA_SASL_MECHANISM: 'plain' }, 'KAFKA_SASL_USERNAME'],
    [{ KAFKA_PRODUCER_COMPRESSION: 'zstd' }, 'KAFKA_PRODUCER_COMPRESSION'],
  ])('fails fast naming the variable for %j', (env, variable) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    try {
      parseConfig(env);
    } catch (error) {
      expect((error as ConfigError).message).toContain(variable);
      expect((error as ConfigError).issues.map((i) => i.path)).toContain(variable);
    }
  });
});

describe('redactedConfig', () => {
  it('never contains the password', () => {
    const cfg = parseConfig({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'hunter2-very-secret',
    });
    const text = JSON.stringify(redactedConfig(cfg));
    expect(text).not.toContain('hunter2-very-secret');
    expect(text).toContain('"mechanism":"plain"');
  });
});
