import { parseConfig, redactedConfig } from '../../../lib/config';
import { BrokerUnavailableError, ConfigError } from '../../../lib/errors';
import { getKafka } from '../../../lib/kafka/client';
import { connectionConfig, setSecretReader } from '../../../lib/kafka/credentials';

const ARN = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:casino/kafka-AbCdEf';
const withSecret = (extra: Record<string, string> = {}) =>
  parseConfig({ KAFKA_SASL_SECRET_ARN: ARN, KAFKA_SSL: 'true', ...extra }).kafka;

afterEach(() => setSecretReader(undefined));

describe('Kafka credentials from Secrets Manager', () => {
  it('leaves a configuration without a secret as it is, reading nothing', async () => {
    const read = jest.fn();
    setSecretReader(read);
    const cfg = parseConfig({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    }).kafka;
    expect(await connectionConfig(cfg)).toBe(cfg);
    expect(read).not.toHaveBeenCalled();
  });

  it('connects with the user name and password of the secret (SCRAM-SHA-512 unless told)', async () => {
    const read = jest.fn(async () => JSON.stringify({ username: 'casino', password: 's3cret' }));
    setSecretReader(read);
    expect((await connectionConfig(withSecret())).sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'casino',
      password: 's3cret',
    });
    expect(read).toHaveBeenCalledWith(ARN);
    setSecretReader(async () => JSON.stringify({ username: 'casino', password: 'p' }));
    expect(
      (await connectionConfig(withSecret({ KAFKA_SASL_MECHANISM: 'scram-sha-256' }))).sasl?.mechanism,
    ).toBe('scram-sha-256');
  });

  it('turns an unreadable secret into a 503, naming the secret but not leaking anything', async () => {
    setSecretReader(async () => {
      throw Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    });
    const error = await connectionConfig(withSecret()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect((error as Error).message).toBe('Could not read the Kafka credentials from Secrets Manager');
  });

  it('refuses a secret that is not {"username","password"} JSON without echoing it', async () => {
    for (const value of ['not json hunter2', JSON.stringify({ user: 'x', pass: 'hunter2' }), undefined]) {
      setSecretReader(async () => value);
      const error = await connectionConfig(withSecret()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('takes the place of a user name and password in the environment, never both', () => {
    expect(() => withSecret({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toThrow(
      /KAFKA_SASL_SECRET_ARN/,
    );
    expect(() => parseConfig({ KAFKA_SASL_SECRET_ARN: 'casino/kafka' })).toThrow(
      /Secrets Manager secret ARN/,
    );
  });

  it('shows the secret ARN, never credentials, in the redacted configuration', () => {
    expect(redactedConfig({ kafka: withSecret() })).toMatchObject({
      kafka: { saslSecret: { arn: ARN, mechanism: 'scram-sha-512' }, sasl: null },
    });
  });

  it('builds a new client once the secret holds a rotated password, and keeps it otherwise', async () => {
    process.env.KAFKA_SASL_SECRET_ARN = ARN;
    try {
      let password = 'first';
      setSecretReader(async () => JSON.stringify({ username: 'casino', password }));
      const first = await getKafka();
      expect(await getKafka()).toBe(first);
      password = 'rotated';
      expect(await getKafka()).not.toBe(first);
    } finally {
      delete process.env.KAFKA_SASL_SECRET_ARN;
    }
  });
});
