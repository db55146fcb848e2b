/**
 * SASL credentials kept in AWS Secrets Manager, as the mappings' own `saslScram512Auth` /
 * `basicAuth` secrets are: `{"username","password"}` read once when the emulator connects, so no
 * password sits in serverless.yml or the shell. The AWS SDK is an optional peer: only a project that
 * names a secret needs `@aws-sdk/client-secrets-manager`; region, credentials and endpoint come from
 * the standard AWS variables (AWS_REGION, AWS_ENDPOINT_URL_SECRETS_MANAGER for a local stand-in).
 */
import { type OfflineKafkaOptions, OptionsError } from './options';
import { parseSaslSecret } from './sasl-secret';

export type SecretReader = (arn: string) => Promise<string | undefined>;

const readWithSdk: SecretReader = async (arn) => {
  let sdk: typeof import('@aws-sdk/client-secrets-manager');
  try {
    sdk = require('@aws-sdk/client-secrets-manager') as typeof sdk;
  } catch {
    throw new OptionsError(
      `saslSecretArn needs @aws-sdk/client-secrets-manager: npm install --save-dev @aws-sdk/client-secrets-manager`,
    );
  }
  const client = new sdk.SecretsManagerClient({});
  try {
    return (await client.send(new sdk.GetSecretValueCommand({ SecretId: arn }))).SecretString;
  } finally {
    client.destroy();
  }
};

/** The options with `sasl` filled in from the secret `saslSecret` names; unchanged without one. */
export async function withSecretCredentials(
  options: OfflineKafkaOptions,
  read: SecretReader = readWithSdk,
): Promise<OfflineKafkaOptions> {
  if (!options.saslSecret) return options;
  const { arn, mechanism } = options.saslSecret;
  let raw: string | undefined;
  try {
    raw = await read(arn);
  } catch (error) {
    if (error instanceof OptionsError) throw error;
    // The error's name only: an SDK message may quote the request.
    throw new OptionsError(`Could not read the Kafka credentials secret ${arn}: ${(error as Error).name}`);
  }
  const secret = parseSaslSecret(raw);
  if (!secret)
    throw new OptionsError(`The Kafka credentials secret ${arn} must be JSON {"username","password"}`);
  return { ...options, sasl: { mechanism, ...secret } };
}
