import { z } from 'zod';
import { ConfigError, fieldIssues } from '../errors';

/**
 * The real-time delivery settings, parsed once per container. Locally every value has a default
 * (serverless-offline's WebSocket server on port 3001); deployed, serverless.yml gives the API's URLs
 * and the session secret from the deployer's environment. The secret is never logged.
 */

export const LOCAL_SESSION_SECRET = 'local-session-secret-0123456789';
export const LOCAL_WEBSOCKET_URL = 'ws://localhost:3001';

export interface RealtimeConfig {
  /** The HMAC key session tokens are signed with (at least 16 characters). */
  sessionSecret: string;
  sessionTtlSeconds: number;
  /** What a client opens (`?token=` is appended). */
  websocketUrl: string;
  /**
   * The API Gateway Management API the functions post to: serverless-offline's `@connections`
   * server locally (not the `https://domainName/stage` URL AWS uses); undefined = derive it from the
   * WebSocket event (only the WebSocket routes can).
   */
  managementEndpoint: string | undefined;
  region: string;
}

const schema = z.object({
  SESSION_TOKEN_SECRET: z.string().min(16, 'must be at least 16 characters').default(LOCAL_SESSION_SECRET),
  SESSION_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  WEBSOCKET_URL: z.url({ protocol: /^wss?$/ }).default(LOCAL_WEBSOCKET_URL),
  WEBSOCKET_MANAGEMENT_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  AWS_REGION: z.string().min(1).default('ap-northeast-2'),
});

export function parseRealtimeConfig(env: NodeJS.ProcessEnv): RealtimeConfig {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(set);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error.issues);
    // Only the names and the rule: a refused secret's value must not reach a log.
    throw new ConfigError(
      `Invalid real-time configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      issues,
    );
  }
  const v = parsed.data;
  return {
    sessionSecret: v.SESSION_TOKEN_SECRET,
    sessionTtlSeconds: v.SESSION_TTL_SECONDS,
    websocketUrl: v.WEBSOCKET_URL,
    managementEndpoint: v.WEBSOCKET_MANAGEMENT_ENDPOINT,
    region: v.AWS_REGION,
  };
}

let cached: RealtimeConfig | undefined;

export function realtimeConfig(): RealtimeConfig {
  cached ??= parseRealtimeConfig(process.env);
  return cached;
}
