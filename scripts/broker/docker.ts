import path from 'node:path';
import { run } from './exec';
import { REPO_ROOT } from './layout';

const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.yml');
const compose = (args: string[]): string[] => ['compose', '-f', COMPOSE_FILE, ...args];

/**
 * Whether Docker can run the compose file: the engine answers `docker info` and the compose
 * plugin exists. Both have a timeout, since a DOCKER_HOST that does not answer can hang for long.
 */
export async function dockerUsable(): Promise<boolean> {
  const info = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 5000 });
  if (info.code !== 0) return false;
  const plugin = await run('docker', ['compose', 'version'], { timeoutMs: 5000 });
  return plugin.code === 0;
}

async function composeRun(args: string[], what: string, timeoutMs: number): Promise<void> {
  const result = await run('docker', compose(args), { cwd: REPO_ROOT, timeoutMs });
  if (result.code !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`${what} failed (${result.failure ?? `exit code ${result.code}`})\n${output}`);
  }
}

/** `docker compose up -d --wait`: returns once the healthcheck passes (or fails). */
export const composeUp = (): Promise<void> =>
  composeRun(['up', '-d', '--wait', '--wait-timeout', '120'], 'docker compose up', 10 * 60_000);

/** Remove the container; with `volumes`, its data too. */
export const composeDown = (volumes: boolean): Promise<void> =>
  composeRun(['down', ...(volumes ? ['--volumes'] : [])], 'docker compose down', 120_000);

/** Ids of the compose project's running containers. */
export async function composeContainers(): Promise<string[]> {
  const result = await run('docker', compose(['ps', '-q']), { cwd: REPO_ROOT, timeoutMs: 10_000 });
  return result.code === 0 ? result.stdout.split('\n').filter(Boolean) : [];
}
