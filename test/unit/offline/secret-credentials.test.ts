import { OptionsError, resolveOptions } from '../../../lib/offline/src/options';
import { parseSaslSecret } from '../../../lib/offline/src/sasl-secret';
import { withSecretCredentials } from '../../../lib/offline/src/secret-credentials';

const ARN = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:AmazonMSK_casino-AbCdEf';
const options = resolveOptions({ saslSecretArn: ARN }, {}, {});

describe('withSecretCredentials: SASL credentials read from Secrets Manager at start', () => {
  it('fills in sasl from the {"username","password"} secret, with the mechanism the options name', async () => {
    const read = jest.fn(async () => JSON.stringify({ username: 'casino', password: 's3cret' }));
    const connection = await withSecretCredentials(options, read);
    expect(read).toHaveBeenCalledWith(ARN);
    expect(connection.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'casino', password: 's3cret' });
  });

  it('leaves options without a secret unchanged and reads nothing', async () => {
    const plain = resolveOptions({}, {}, {});
    const read = jest.fn(async () => '{}');
    expect(await withSecretCredentials(plain, read)).toBe(plain);
    expect(read).not.toHaveBeenCalled();
  });

  it('names the secret, never its value, when it is not {"username","password"} JSON', async () => {
    const failure = await withSecretCredentials(options, async () => 'hunter2').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OptionsError);
    expect((failure as Error).message).toBe(
      `The Kafka credentials secret ${ARN} must be JSON {"username","password"}`,
    );
    expect((failure as Error).message).not.toContain('hunter2');
  });

  it("reports a failed read by the error's name (an SDK message may quote the request)", async () => {
    const denied = Object.assign(new Error('User: arn:aws:iam::1:user/x is not authorized'), {
      name: 'AccessDeniedException',
    });
    await expect(
      withSecretCredentials(options, async () => {
        throw denied;
      }),
    ).rejects.toThrow(`Could not read the Kafka credentials secret ${ARN}: AccessDeniedException`);
  });
});

describe('parseSaslSecret: the {"username","password"} secret shape, shared with the application', () => {
  it.each([
    ['not JSON', 'user:pw'],
    ['JSON null', 'null'],
    ['an array', '["u","p"]'],
    ['an empty username', '{"username":"","password":"p"}'],
    ['a numeric password', '{"username":"u","password":7}'],
    ['a missing password', '{"username":"u"}'],
  ])('refuses %s', (_, raw) => {
    expect(parseSaslSecret(raw)).toBeUndefined();
  });

  it('keeps exactly the two fields of a valid secret', () => {
    expect(parseSaslSecret('{"username":"u","password":"p","extra":1}')).toEqual({
      username: 'u',
      password: 'p',
    });
  });
});
