import {
  cliOptionDefinitions,
  customConfigSchema,
  OptionsError,
  optionsFromCli,
  resolveOptions,
} from '../../../lib/offline/src/options';

describe('plugin options: defaults < custom.kafkaOffline < CLI', () => {
  it('has defaults, brokers from KAFKA_BROKERS', () => {
    expect(resolveOptions(undefined, {}, {})).toEqual({
      enabled: true,
      brokers: ['localhost:9092'],
      clientId: 'sls-offline-kafka',
      ssl: false,
      connectionTimeoutMs: 3000,
      requestTimeoutMs: 30_000,
      sessionTimeoutMs: 10_000,
      retryInitialDelayMs: 1000,
      retryMaxDelayMs: 30_000,
      startupTimeoutMs: 30_000,
      shutdownTimeoutMs: 30_000,
    });
    expect(resolveOptions({}, {}, { KAFKA_BROKERS: 'a:1, b:2' }).brokers).toEqual(['a:1', 'b:2']);
  });

  it('custom overrides defaults, CLI overrides custom', () => {
    const custom = {
      brokers: ['c:1'],
      clientId: 'from-yml',
      retryInitialDelayMs: 50,
      ssl: { rejectUnauthorized: false },
    };
    const options = resolveOptions(
      custom,
      { kafkaClientId: 'from-cli', kafkaRetryInitialDelayMs: '10' },
      { KAFKA_BROKERS: 'env:1' },
    );
    expect(options).toMatchObject({
      brokers: ['c:1'],
      clientId: 'from-cli',
      retryInitialDelayMs: 10,
      ssl: { rejectUnauthorized: false },
    });
    expect(resolveOptions(custom, { kafkaBrokers: 'x:1,y:2' }, {}).brokers).toEqual(['x:1', 'y:2']);
  });

  it('merges SASL field by field', () => {
    const custom = { sasl: { mechanism: 'scram-sha-512', username: 'yml', password: 'p' } };
    expect(resolveOptions(custom, { kafkaSaslPassword: 'cli-secret' }, {}).sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'yml',
      password: 'cli-secret',
    });
  });

  it("takes TLS and SASL from the functions' KAFKA_* variables unless serverless.yml or the CLI say otherwise", () => {
    const env = {
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_PEM: '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----',
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'env-user',
      KAFKA_SASL_PASSWORD: 'env-pass',
    };
    expect(resolveOptions({}, {}, env)).toMatchObject({
      ssl: { ca: env.KAFKA_SSL_CA_PEM, rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-256', username: 'env-user', password: 'env-pass' },
    });
    expect(resolveOptions({ ssl: false }, { kafkaSaslPassword: 'cli-pass' }, env)).toMatchObject({
      ssl: false,
      sasl: { mechanism: 'scram-sha-256', username: 'env-user', password: 'cli-pass' },
    });
    expect(resolveOptions({}, {}, {})).toMatchObject({ ssl: false });
    expect(resolveOptions({}, {}, {}).sasl).toBeUndefined();
  });

  it('signs in to MSK with IAM like the functions do when KAFKA_SASL_MECHANISM=aws-msk-iam', () => {
    const env = { KAFKA_SASL_MECHANISM: 'aws-msk-iam', AWS_REGION: 'ap-northeast-2' };
    const options = resolveOptions({}, {}, env);
    expect(options).toMatchObject({
      ssl: { rejectUnauthorized: true },
      mskIam: { region: 'ap-northeast-2' },
    });
    expect(options.sasl).toBeUndefined();
    // A user name and password given to the emulator itself take the place of IAM.
    const withSasl = resolveOptions({ sasl: { mechanism: 'plain', username: 'u', password: 'p' } }, {}, env);
    expect(withSasl.mskIam).toBeUndefined();
  });

  it('reads the SASL credentials from a Secrets Manager secret named in serverless.yml, the CLI or KAFKA_SASL_SECRET_ARN', () => {
    const arn = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:AmazonMSK_casino-AbCdEf';
    const fromEnv = resolveOptions(
      {},
      {},
      { KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_SECRET_ARN: arn },
    );
    expect(fromEnv.saslSecret).toEqual({ arn, mechanism: 'scram-sha-256' });
    expect(fromEnv.sasl).toBeUndefined();
    // MSK keeps SCRAM-SHA-512 secrets only: the mechanism when none is named.
    expect(resolveOptions({ saslSecretArn: arn }, {}, {}).saslSecret).toEqual({
      arn,
      mechanism: 'scram-sha-512',
    });
    expect(resolveOptions({}, { kafkaSaslSecretArn: arn }, {}).saslSecret?.arn).toBe(arn);
    // A user name and password given outright win over the secret.
    const given = resolveOptions(
      { saslSecretArn: arn, sasl: { mechanism: 'plain', username: 'u', password: 'p' } },
      {},
      {},
    );
    expect(given.saslSecret).toBeUndefined();
    expect(() => resolveOptions({ saslSecretArn: 'kafka-creds' }, {}, {})).toThrow(
      /saslSecretArn: must be a Secrets Manager secret ARN/,
    );
  });

  it('names a bad security variable instead of starting without it', () => {
    expect(() => resolveOptions({}, {}, { KAFKA_SASL_MECHANISM: 'kerberos' })).toThrow(
      /KAFKA_SASL_MECHANISM/,
    );
  });

  it('reads CLI booleans and integers', () => {
    expect(resolveOptions({}, { kafkaEnabled: 'false', kafkaSsl: '' }, {})).toMatchObject({
      enabled: false,
      ssl: { rejectUnauthorized: true },
    });
    expect(() => optionsFromCli({ kafkaEnabled: 'maybe' })).toThrow(/--kafkaEnabled must be true or false/);
    expect(() => optionsFromCli({ kafkaRetryMaxDelayMs: '1.5' })).toThrow(
      /--kafkaRetryMaxDelayMs must be an integer/,
    );
  });

  it('rejects unknown keys and bad values, naming them', () => {
    expect(() => resolveOptions({ broker: 'x:1' }, {}, {})).toThrow(OptionsError);
    expect(() => resolveOptions({ broker: 'x:1' }, {}, {})).toThrow(
      /custom\.kafkaOffline: unknown option\(s\) "broker"/,
    );
    expect(() =>
      resolveOptions({ sasl: { mechanism: 'plain', username: 'u', password: 'p', extra: 1 } }, {}, {}),
    ).toThrow(/sasl/);
    expect(() => resolveOptions({ sessionTimeoutMs: 100 }, {}, {})).toThrow(/sessionTimeoutMs/);
    expect(() => resolveOptions({ brokers: ['nohost'] }, {}, {})).toThrow(/host:port/);
    expect(() => resolveOptions({}, { kafkaBrokers: 'a:1,bad' }, {})).toThrow(/"bad" must be host:port/);
  });

  it('declares every CLI flag as a string option of `offline start`', () => {
    const flags = cliOptionDefinitions();
    expect(Object.keys(flags)).toEqual(
      expect.arrayContaining(['kafkaBrokers', 'kafkaEnabled', 'kafkaRetryInitialDelayMs']),
    );
    expect(Object.values(flags).every((f) => f.type === 'string' && f.usage.length > 0)).toBe(true);
  });

  it('gives serverless a JSON schema that refuses unknown keys', () => {
    const schema = customConfigSchema() as {
      type: string;
      additionalProperties: boolean;
      properties: Record<string, unknown>;
    };
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['brokers', 'sasl', 'ssl', 'retryInitialDelayMs']),
    );
    expect(JSON.stringify(schema)).not.toContain('$schema');
  });
});
