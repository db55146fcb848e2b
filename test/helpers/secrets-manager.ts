/**
 * A local AWS Secrets Manager (moto's server, scripts/moto-server.sh) for the tests that prove the
 * functions take their Kafka credentials from a secret. The AWS SDK reaches it through the standard
 * AWS_ENDPOINT_URL_SECRETS_MANAGER variable, as any SDK client would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { freePort } from './offline-server';
import { waitFor } from './wait';

const SCRIPT = path.resolve(__dirname, '../../scripts/moto-server.sh');
export const LOCAL_AWS = {
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
};

export interface LocalSecretsManager {
  /** The AWS_* variables that point an SDK client at this server. */
  env: Record<string, string>;
  createSecret(name: string, value: unknown): Promise<string>;
  stop(): Promise<void>;
}

export async function startSecretsManager(): Promise<LocalSecretsManager> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let output = '';
  // Its own process group, so stopping it reaches the Python server behind the shell script.
  const child: ChildProcess = spawn(SCRIPT, [String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = once(child, 'exit');
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  };
  const client = new SecretsManagerClient({ ...sdkOptions(endpoint) });
  try {
    // The first run installs moto into a virtualenv (a minute); later ones start in a second.
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`moto exited (${child.exitCode}):\n${output}`);
        const answer = await fetch(`${endpoint}/moto-api/`).catch(() => undefined);
        return answer?.ok ? true : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 500, what: 'the local Secrets Manager (moto)' },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    env: { ...LOCAL_AWS, AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint },
    async createSecret(name, value) {
      const created = await client.send(
        new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }),
      );
      if (!created.ARN) throw new Error(`moto created ${name} without an ARN`);
      return created.ARN;
    },
    async stop() {
      client.destroy();
      await stop();
    },
  };
}

const sdkOptions = (endpoint: string) => ({
  region: LOCAL_AWS.AWS_REGION,
  endpoint,
  credentials: { accessKeyId: LOCAL_AWS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS.AWS_SECRET_ACCESS_KEY },
});
