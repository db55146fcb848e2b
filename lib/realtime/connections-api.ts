import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { ConfigError, DependencyUnavailableError } from '../errors';
import { type RealtimeConfig, realtimeConfig } from './config';

/**
 * Sending to one WebSocket connection through the API Gateway Management API (`postToConnection`):
 * API Gateway deployed, serverless-offline's `@connections` server locally. `gone` means the
 * connection no longer exists (410): its owner forgets it; any other failure is retriable.
 */

export type SendOutcome = 'sent' | 'gone';

export interface ConnectionSender {
  send(connectionId: string, data: string): Promise<SendOutcome>;
}

const clients = new Map<string, ApiGatewayManagementApiClient>();

function clientFor(endpoint: string, cfg: RealtimeConfig): ApiGatewayManagementApiClient {
  let client = clients.get(endpoint);
  if (!client) {
    // serverless-offline checks no signature, yet the SDK must sign: dummy credentials locally.
    const local = /^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(endpoint);
    client = new ApiGatewayManagementApiClient({
      endpoint,
      region: cfg.region,
      ...(local &&
        !process.env.AWS_ACCESS_KEY_ID && {
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }),
    });
    clients.set(endpoint, client);
  }
  return client;
}

const statusOf = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;

const isGone = (error: unknown): boolean =>
  (error as { name?: string } | undefined)?.name === 'GoneException' || statusOf(error) === 410;

/**
 * A sender for the configured endpoint, or, in a WebSocket route deployed, the API that invoked it
 * (`https://<domainName>/<stage>`).
 */
export function connectionSender(
  fromEvent?: { domainName?: string; stage?: string },
  cfg: RealtimeConfig = realtimeConfig(),
): ConnectionSender {
  const endpoint =
    cfg.managementEndpoint ??
    (fromEvent?.domainName && fromEvent.stage
      ? `https://${fromEvent.domainName}/${fromEvent.stage}`
      : undefined);
  if (!endpoint) throw new ConfigError('WEBSOCKET_MANAGEMENT_ENDPOINT is not set');
  const client = clientFor(endpoint, cfg);
  return {
    async send(connectionId, data) {
      try {
        await client.send(
          new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(data) }),
        );
        return 'sent';
      } catch (error) {
        if (isGone(error)) return 'gone';
        throw new DependencyUnavailableError(
          `posting to connection ${connectionId} failed (${statusOf(error) ?? (error as Error).name})`,
          { cause: error },
        );
      }
    },
  };
}
