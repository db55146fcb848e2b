import { createHash, createHmac } from 'node:crypto';

/**
 * Amazon MSK's IAM access control over SASL/OAUTHBEARER: the token is a SigV4-presigned
 * `kafka-cluster:Connect` URL, base64url-encoded, the format of AWS's own signer
 * (`aws-msk-iam-sasl-signer-js`). Signed with node:crypto, so the package needs no AWS SDK for it
 * (the credentials come from the environment, or from `@aws-sdk/credential-provider-node` if installed).
 */
const SERVICE = 'kafka-cluster';
const TOKEN_LIFETIME_SECONDS = 900;
/** Names this client to MSK the way AWS's signer names itself (its unsigned `User-Agent` parameter). */
const USER_AGENT = 'serverless-offline-kafka-esm';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialProvider = () => Promise<AwsCredentials>;

export interface MskIamToken {
  value: string;
  /** Milliseconds since the epoch after which MSK refuses the token. */
  expiresAt: number;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 percent-encoding, as SigV4 canonicalises query strings. */
const uriEscape = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const queryString = (params: Record<string, string>): string =>
  Object.keys(params)
    .sort()
    .map((key) => `${uriEscape(key)}=${uriEscape(params[key] ?? '')}`)
    .join('&');

/**
 * Sign one token. `now` only for tests: SigV4 dates the signature with it. `userAgent` names the
 * client in the cluster's logs.
 */
export function signMskIamToken(
  region: string,
  credentials: AwsCredentials,
  now: Date = new Date(),
  userAgent: string = USER_AGENT,
): MskIamToken {
  const hostname = `kafka.${region}.amazonaws.com`;
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, ''); // 20261121T093000Z
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/${SERVICE}/aws4_request`;
  // Temporary credentials (a Lambda role's) may expire before the usual 15 minutes.
  const lifetime = credentials.expiration
    ? Math.min(Math.floor((credentials.expiration.getTime() - now.getTime()) / 1000), TOKEN_LIFETIME_SECONDS)
    : TOKEN_LIFETIME_SECONDS;
  const params: Record<string, string> = {
    Action: `${SERVICE}:Connect`,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(lifetime),
    ...(credentials.sessionToken && { 'X-Amz-Security-Token': credentials.sessionToken }),
    'X-Amz-SignedHeaders': 'host',
  };
  const canonicalRequest = [
    'GET',
    '/',
    queryString(params),
    `host:${hostname}\n`,
    'host',
    sha256Hex(''),
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = [day, region, SERVICE, 'aws4_request'].reduce<string | Buffer>(
    (key, part) => hmac(key, part),
    `AWS4${credentials.secretAccessKey}`,
  );
  const signature = hmac(signingKey, stringToSign).toString('hex');
  const url = `https://${hostname}/?${queryString({ ...params, 'X-Amz-Signature': signature, 'User-Agent': userAgent })}`;
  return {
    value: Buffer.from(url, 'utf8').toString('base64url'),
    expiresAt: Math.floor(now.getTime() / 1000) * 1000 + lifetime * 1000,
  };
}

/** The credentials Lambda gives every function in its environment (its execution role's). */
export const environmentCredentials: CredentialProvider = async () => {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY)
    throw new Error('no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)');
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN && { sessionToken: AWS_SESSION_TOKEN }),
  };
};

/**
 * The default AWS credential chain (the function's role in Lambda; environment, profile or SSO
 * locally). `require`: the Lambda runtime's SDK copy is found through NODE_PATH, which only
 * CommonJS resolution reads, and esbuild leaves the package out of the bundles (serverless.yml).
 * Should a runtime lack it, the role's credentials are still in the environment.
 */
const defaultCredentials = (): CredentialProvider => {
  try {
    // An optional peer: only a project that signs in with IAM needs it.
    const { defaultProvider } = require('@aws-sdk/credential-provider-node') as {
      defaultProvider: () => CredentialProvider;
    };
    return defaultProvider();
  } catch {
    return environmentCredentials;
  }
};

/** kafkajs's `oauthBearerProvider` for MSK: a fresh token for every connection it opens. */
export function mskIamTokenProvider(
  region: string,
  credentials: CredentialProvider = defaultCredentials(),
  userAgent: string = USER_AGENT,
): () => Promise<{ value: string }> {
  return async () => {
    try {
      return { value: signMskIamToken(region, await credentials(), new Date(), userAgent).value };
    } catch (error) {
      throw new Error(`Could not sign in to Kafka with AWS IAM: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
}
