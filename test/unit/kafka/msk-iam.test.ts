import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js';
import fc from 'fast-check';
import { KafkaJSNonRetriableError } from 'kafkajs';
import { parseConfig } from '../../../lib/config';
import { BrokerUnavailableError, ConfigError } from '../../../lib/errors';
import { kafkaJsOptions } from '../../../lib/kafka/client';
import { toKafkaError } from '../../../lib/kafka/kafka-errors';
import { environmentCredentials, mskIamTokenProvider, signMskIamToken } from '../../../lib/kafka/msk-iam';

const REGION = 'ap-northeast-2';
const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session/token+with=reserved',
};
const NOW = new Date('2026-11-21T09:30:00Z');

/** The presigned URL a token carries, with its query as a map. */
const decode = (token: string) => {
  const url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
  return { url, query: Object.fromEntries(url.searchParams) };
};

describe('MSK IAM token', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it("is signed exactly as AWS's own signer (aws-msk-iam-sasl-signer-js) signs it", async () => {
    // Random keys, secrets and session tokens (reserved URL characters included), regions and dates.
    const printable = fc.string({
      unit: fc.constantFrom(..."ABCZaz09+/=%&?:~-_. !*()'".split('')),
      minLength: 1,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          accessKeyId: fc.stringMatching(/^A[A-Z0-9]{15,19}$/),
          secretAccessKey: printable,
          sessionToken: fc.option(printable, { nil: undefined }),
        }),
        fc.constantFrom('ap-northeast-2', 'us-east-1', 'eu-central-1', 'us-gov-west-1'),
        fc.date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2035-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        async (credentials, region, date) => {
          const now = new Date(Math.floor(date.getTime() / 1000) * 1000);
          jest.setSystemTime(now);
          const theirs = await generateAuthTokenFromCredentialsProvider({
            region,
            awsCredentialsProvider: async () => credentials,
          });
          const ours = signMskIamToken(region, credentials, now);
          const { url: theirUrl, query: theirQuery } = decode(theirs.token);
          const { url, query } = decode(ours.value);
          // Only the unsigned User-Agent parameter names a different client.
          const { 'User-Agent': theirAgent, ...theirSigned } = theirQuery;
          const { 'User-Agent': ourAgent, ...ourSigned } = query;
          expect(ourSigned).toEqual(theirSigned);
          expect(theirAgent).toMatch(/^aws-msk-iam-sasl-signer-js\//);
          expect(ourAgent).toBe('casino-club-f2p-msk-iam');
          expect(url.origin).toBe(theirUrl.origin);
          expect(ours.expiresAt).toBe(theirs.expiryTime);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('presigns kafka-cluster:Connect for 15 minutes with the session token', async () => {
    const token = await signMskIamToken(REGION, CREDENTIALS, NOW);
    expect(token.value).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
    const { query } = decode(token.value);
    expect(query).toMatchObject({
      Action: 'kafka-cluster:Connect',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `AKIDEXAMPLE/20261121/${REGION}/kafka-cluster/aws4_request`,
      'X-Amz-Date': '20261121T093000Z',
      'X-Amz-Expires': '900',
      'X-Amz-Security-Token': CREDENTIALS.sessionToken,
      'X-Amz-SignedHeaders': 'host',
    });
    expect(query['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(token.expiresAt).toBe(NOW.getTime() + 900_000);
  });

  it('expires no later than the temporary credentials that signed it', async () => {
    const expiration = new Date(NOW.getTime() + 120_000);
    const token = await signMskIamToken(REGION, { ...CREDENTIALS, expiration }, NOW);
    expect(decode(token.value).query['X-Amz-Expires']).toBe('120');
    expect(token.expiresAt).toBe(expiration.getTime());
  });

  it('gives kafkajs a fresh token per connection from the credential provider', async () => {
    const credentials = jest.fn(async () => CREDENTIALS);
    const provide = mskIamTokenProvider(REGION, credentials);
    const first = await provide();
    expect(decode(first.value).query.Action).toBe('kafka-cluster:Connect');
    await provide();
    expect(credentials).toHaveBeenCalledTimes(2);
  });

  it('turns missing AWS credentials into a 503 that says so, which kafkajs does not retry', async () => {
    const provide = mskIamTokenProvider(REGION, async () => {
      throw new Error('Could not load credentials from any providers');
    });
    const failure = await provide().catch((error: unknown) => error);
    // kafkajs retries whatever says `retriable`, on a connection already in its SASL handshake.
    expect(failure).toBeInstanceOf(KafkaJSNonRetriableError);
    expect((failure as KafkaJSNonRetriableError).retriable).toBe(false);
    const mapped = toKafkaError(failure);
    expect(mapped).toBeInstanceOf(BrokerUnavailableError);
    expect((mapped as BrokerUnavailableError).statusCode).toBe(503);
    expect((mapped as BrokerUnavailableError).retriable).toBe(true);
    expect((mapped as Error).message).toBe(
      'Could not sign in to Kafka with AWS IAM: Could not load credentials from any providers',
    );
  });
});

describe('environmentCredentials (the fallback when the runtime has no credential chain)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("reads the role's credentials Lambda puts in the environment", async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'token';
    expect(await environmentCredentials()).toEqual({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });

  it('says which variables are missing', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await expect(environmentCredentials()).rejects.toThrow('AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY');
  });
});

describe('KAFKA_SASL_MECHANISM=aws-msk-iam', () => {
  it('signs in over TLS with OAUTHBEARER tokens for the region', async () => {
    const { kafka } = parseConfig({ KAFKA_SASL_MECHANISM: 'aws-msk-iam', AWS_REGION: REGION });
    expect(kafka.mskIam).toEqual({ region: REGION });
    expect(kafka.sasl).toBeUndefined();
    expect(kafka.ssl).toEqual({ rejectUnauthorized: true });
    const options = kafkaJsOptions(kafka);
    expect(options.ssl).toEqual({ rejectUnauthorized: true });
    expect(options.sasl).toMatchObject({ mechanism: 'oauthbearer' });
    expect(typeof (options.sasl as { oauthBearerProvider?: unknown }).oauthBearerProvider).toBe('function');
  });

  it.each([
    [{ AWS_REGION: REGION, KAFKA_SASL_USERNAME: 'svc' }, 'KAFKA_SASL_USERNAME'],
    [{ AWS_REGION: REGION, KAFKA_SASL_PASSWORD: 'p' }, 'KAFKA_SASL_PASSWORD'],
    [
      {
        AWS_REGION: REGION,
        KAFKA_SASL_SECRET_ARN: 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:x',
      },
      'KAFKA_SASL_SECRET_ARN',
    ],
    [{}, 'AWS_REGION'],
  ])('refuses %j, naming %s', (env, variable) => {
    let error: unknown;
    try {
      parseConfig({ KAFKA_SASL_MECHANISM: 'aws-msk-iam', ...env });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual([variable]);
  });
});
