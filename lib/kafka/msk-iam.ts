import { KafkaJSNonRetriableError } from 'kafkajs';
import {
  type AwsCredentials,
  type CredentialProvider,
  type MskIamToken,
  signMskIamToken as packageSign,
  mskIamTokenProvider as packageTokenProvider,
} from 'serverless-offline-kafka-esm/msk-iam';
import { BrokerUnavailableError } from '../errors';
import { log } from '../log';

/**
 * Amazon MSK's IAM access control for the functions' own clients: SASL/OAUTHBEARER with a SigV4
 * presigned `kafka-cluster:Connect` token, the format of AWS's own signer
 * (`aws-msk-iam-sasl-signer-js`; the unit tests check our signatures equal its). The signer is the
 * emulator package's (node:crypto only: AWS's signer, or even the SDK's SignatureV4 alone, adds
 * 145 KB to 500 KB to every function bundle for one HMAC chain); what a failure means here is ours.
 */
export {
  type AwsCredentials,
  type CredentialProvider,
  environmentCredentials,
  type MskIamToken,
} from 'serverless-offline-kafka-esm/msk-iam';

const USER_AGENT = 'casino-club-f2p-msk-iam';

/** One token, naming this service in the cluster's logs. `now` only for tests. */
export const signMskIamToken = (region: string, credentials: AwsCredentials, now = new Date()): MskIamToken =>
  packageSign(region, credentials, now, USER_AGENT);

/** kafkajs's `oauthBearerProvider` for MSK: a fresh token for every connection it opens; a failure is a 503. */
export function mskIamTokenProvider(
  region: string,
  credentials?: CredentialProvider,
): () => Promise<{ value: string }> {
  const provide = packageTokenProvider(region, credentials, USER_AGENT);
  return async () => {
    try {
      return await provide();
    } catch (error) {
      log.error('could not sign an MSK IAM token', { region, error: (error as Error).message });
      const unavailable = new BrokerUnavailableError((error as Error).message, 30, { cause: error });
      // Non-retriable for kafkajs: it would retry the sign-in on the same half-authenticated
      // connection, which the broker refuses as an illegal SASL state, hiding the real problem.
      throw Object.assign(new KafkaJSNonRetriableError(unavailable), { cause: unavailable });
    }
  };
}
