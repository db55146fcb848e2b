import { parseSaslSecret } from 'serverless-offline-kafka-esm/sasl-secret';
import { config, type KafkaConfig } from '../config';
import { BrokerUnavailableError, ConfigError } from '../errors';
import { log } from '../log';

/**
 * A deployment keeps the Kafka user name and password in AWS Secrets Manager, in the
 * `{"username","password"}` secret its event source mappings already use (accessConfigurations),
 * instead of in plain Lambda environment variables. The secret is read whenever a connection
 * opens: once per container, and again after a failure resets the connection, so a rotated
 * password is picked up without a redeploy.
 */

export type SecretReader = (arn: string) => Promise<string | undefined>;

// The SDK ships with the Lambda Node.js runtime (esbuild leaves it out of the bundles) and is only
// loaded when a secret is configured. `require`, not `import()`: the runtime's copy is found through
// NODE_PATH, which only CommonJS resolution reads. Region, credentials and endpoint come from the
// standard AWS variables (AWS_REGION, AWS_ENDPOINT_URL_SECRETS_MANAGER for a local emulator).
const readWithSdk: SecretReader = async (arn) => {
  const { SecretsManagerClient, GetSecretValueCommand } =
    require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({});
  try {
    return (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
  } finally {
    client.destroy();
  }
};

let reader: SecretReader = readWithSdk;

/** Replace how secrets are read (unit tests). */
export const setSecretReader = (next: SecretReader | undefined): void => {
  reader = next ?? readWithSdk;
};

/** The Kafka settings to connect with: `config().kafka`, with the SASL credentials read from the secret if one is configured. */
export async function connectionConfig(cfg: KafkaConfig = config().kafka): Promise<KafkaConfig> {
  if (!cfg.saslSecret) return cfg;
  const { arn, mechanism } = cfg.saslSecret;
  let raw: string | undefined;
  try {
    raw = await reader(arn);
  } catch (error) {
    log.error('could not read the Kafka credentials secret', { arn, error: (error as Error).name });
    throw new BrokerUnavailableError('Could not read the Kafka credentials from Secrets Manager', 30, {
      cause: error,
    });
  }
  const secret = parseSaslSecret(raw);
  if (!secret) {
    // Never echo the value: it is the secret.
    throw new ConfigError(
      `The secret KAFKA_SASL_SECRET_ARN names must be JSON {"username","password"} (${arn})`,
      [{ path: 'KAFKA_SASL_SECRET_ARN', message: 'secret is not {"username","password"} JSON' }],
    );
  }
  return { ...cfg, sasl: { mechanism, ...secret } };
}
