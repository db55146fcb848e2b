/**
 * Schemathesis (scripts/schemathesis.sh: a pinned version from PyPI in .kafka/venv-tools/) against the
 * service's own OpenAPI document, through a real `serverless offline start`: every documented
 * endpoint exercised by a tool that does not share our assumptions. Part of `npm run test:faults`
 * (it needs PyPI once, and a minute or two). Admin calls are made without the key, so nothing is
 * created; accepted events go to the catalogue topics as any client's would.
 */
jest.setTimeout(600_000);

import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort, type OfflineServer, startOffline } from '../helpers/offline-server';
import { waitFor } from '../helpers/wait';

const ROOT = path.resolve(__dirname, '../..');
let server: OfflineServer | undefined;

afterAll(async () => {
  await server?.stop();
});

it('schemathesis finds no server error and no answer outside the document', async () => {
  server = await startOffline({
    cwd: ROOT,
    httpPort: await freePort(),
    lambdaPort: await freePort(),
    args: ['--kafkaEnabled', 'false'],
    env: { LOG_LEVEL: 'warn' },
  });
  // Schemathesis gives the document 10 s; a worker's first start on a busy machine can take longer.
  await waitFor(
    async () =>
      (await fetch(`${server?.httpUrl}/api/kafka/openapi.json`)).status === 200 ? true : undefined,
    { timeoutMs: 60_000, what: 'the OpenAPI document to be served' },
  );
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(path.join(ROOT, 'scripts/schemathesis.sh'), [server?.httpUrl ?? ''], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 540_000);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  const text = output.join('');
  process.stderr.write(`--- schemathesis ---\n${text.slice(-6000)}\n`);
  expect({ code, tail: code === 0 ? '' : text.slice(-3000) }).toEqual({ code: 0, tail: '' });
});
