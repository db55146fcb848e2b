/**
 * Schemathesis (scripts/schemathesis.sh: a pinned version from PyPI in .kafka/venv-tools/) against the
 * service's own OpenAPI document, through a real `serverless offline start`: every documented
 * endpoint exercised by a tool that does not share our assumptions. Part of `npm run test:faults`
 * (it needs PyPI once, and a minute or two); `npm run test:schemathesis` runs it alone. Admin calls are made without the key, so nothing is
 * created; accepted events go to the catalogue topics as any client's would.
 */
jest.setTimeout(600_000);

import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, type OfflineServer, startOffline } from '../helpers/offline-server';
import { waitFor } from '../helpers/wait';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/schemathesis.sh');
let server: OfflineServer | undefined;

// The first run installs schemathesis from PyPI: done before the server starts, so the install's
// load never overlaps the tool's first requests.
beforeAll(async () => {
  await promisify(execFile)(SCRIPT, ['--install'], { cwd: ROOT, timeout: 480_000 });
});

afterAll(async () => {
  await server?.stop();
});

it('schemathesis finds no server error and no answer outside the document', async () => {
  const httpPort = await freePort();
  server = await startOffline({
    cwd: ROOT,
    httpPort,
    lambdaPort: await freePort(),
    args: ['--kafkaEnabled', 'false'],
    env: { LOG_LEVEL: 'warn' },
  });
  // An IPv4 address, not `localhost`: Python may try ::1 first, which the server does not listen on.
  const base = `http://127.0.0.1:${httpPort}`;
  // The function's first start (bundle load) happens here rather than in the tool's schema download.
  await waitFor(
    async () => ((await fetch(`${base}/api/kafka/openapi.json`)).status === 200 ? true : undefined),
    { timeoutMs: 60_000, what: 'the OpenAPI document to be served' },
  );
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(SCRIPT, [base], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a timeout kills pip or st with it, so the pipes close.
      detached: true,
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, 540_000);
    // 'close', not 'exit': the pipes are read to their end first.
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  const text = output.join('');
  process.stderr.write(`--- schemathesis ---\n${text.slice(-6000)}\n`);
  expect({ code, tail: code === 0 ? '' : text.slice(-3000) }).toEqual({ code: 0, tail: '' });
});
