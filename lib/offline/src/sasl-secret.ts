/**
 * A `{"username","password"}` secret, as AWS's `saslScram512Auth` / `basicAuth` secrets hold Kafka
 * credentials. Dependency-free on purpose: the application's Lambda bundles import it (subpath
 * `serverless-offline-kafka-esm/sasl-secret`), and a schema library here would ship in every one.
 */

export interface SaslSecret {
  username: string;
  password: string;
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** A secret's `{"username","password"}` JSON, or undefined for anything else (never echo it: it is the secret). */
export function parseSaslSecret(raw: string | undefined): SaslSecret | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw ?? '');
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { username, password } = parsed as Record<string, unknown>;
  return nonEmpty(username) && nonEmpty(password) ? { username, password } : undefined;
}
