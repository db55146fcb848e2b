/**
 * Schemathesis (scripts/schemathesis.sh: a pinned version from PyPI in .kafka/venv-tools/) against the
 * service's own OpenAPI document, through a real `serverless offline start`: every documented
 * endpoint exercised, in positive and negative modes, by a tool that does not share our assumptions.
 * Part of `npm run test:faults` (it needs PyPI once, and a minute or two); `npm run test:schemathesis`
 * runs it alone. Each operation is sent the key of the security scheme it declares (the admin key
 * for topic creation), so the topics the fuzzer manages to create are real: they are read from its
 * HAR report and deleted afterwards. Accepted events go to the catalogue topics as any client's would.
 *
 * The CI log gets the script's own summary line (figures and the report's path), never
 * schemathesis's closing line; its full report stays in test/artifacts/schemathesis/.
 */
jest.setTimeout(1_200_000);

import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { deleteTopics, listTopics } from '../../lib/kafka';
import { freePort, type OfflineServer, startOffline } from '../helpers/offline-server';
import { waitFor } from '../helpers/wait';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/schemathesis.sh');
const REPORT_DIR = path.join(ROOT, 'test/artifacts/schemathesis');
let server: OfflineServer | undefined;

interface HarEntry {
  request: { method: string; url: string; postData?: { text?: string } };
  response: { status: number; content: { text?: string } };
}

const parsed = (text: string | undefined): unknown => {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined; // negative mode sends bodies that are not JSON
  }
};

/**
 * Every topic name the fuzzer asked `POST /topics/create` for (whatever the answer: a request that
 * failed part-way, e.g. a 500 on one topic's config, may still have created the others), and those
 * an accepted call reports as created.
 */
function topicsTheRunMayHaveCreated(harFile: string): Set<string> {
  const names = new Set<string>();
  if (!existsSync(harFile)) return names;
  const har = JSON.parse(readFileSync(harFile, 'utf8')) as { log: { entries: HarEntry[] } };
  for (const { request, response } of har.log.entries) {
    if (request.method !== 'POST' || !request.url.endsWith('/api/kafka/topics/create')) continue;
    const asked = (parsed(request.postData?.text) as { topics?: unknown } | undefined)?.topics;
    for (const item of Array.isArray(asked) ? asked : []) {
      const name = typeof item === 'string' ? item : (item as { name?: unknown } | null)?.name;
      if (typeof name === 'string') names.add(name);
    }
    const answered = parsed(response.content.text) as { created?: unknown } | undefined;
    if (response.status === 200 && Array.isArray(answered?.created))
      for (const topic of answered.created) if (typeof topic === 'string') names.add(topic);
  }
  return names;
}

const topicNames = async (): Promise<Set<string>> => new Set((await listTopics()).map((t) => t.name));

/** Runs the script; only its own lines come back (it keeps schemathesis's output in the report). */
function runSchemathesis(base: string): Promise<{ code: number | null; text: string }> {
  const output: string[] = [];
  return new Promise((resolve) => {
    const child = spawn(SCRIPT, [base], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a timeout kills pip or st with it, so the pipes close.
      detached: true,
      env: { ...process.env, SCHEMATHESIS_REPORT_DIR: REPORT_DIR },
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, 1_080_000);
    // 'close', not 'exit': the pipes are read to their end first.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, text: output.join('') });
    });
  });
}

// The first run installs schemathesis from PyPI: done before the server starts, so the install's
// load never overlaps the tool's first requests.
beforeAll(async () => {
  await promisify(execFile)(SCRIPT, ['--install'], { cwd: ROOT, timeout: 480_000 });
});

afterAll(async () => {
  await server?.stop();
});

it('schemathesis finds no server error and no answer outside the document, in both modes', async () => {
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
  const before = await topicNames();
  const { code, text } = await runSchemathesis(base);

  // Whatever the verdict, the topics the fuzzer created do not outlive the run: names it asked for
  // that did not exist before and do now (the broker is shared: nobody else's topic is touched).
  const after = await topicNames();
  const created = [...topicsTheRunMayHaveCreated(path.join(REPORT_DIR, 'har.json'))].filter(
    (topic) => after.has(topic) && !before.has(topic),
  );
  if (created.length > 0) await deleteTopics(created);
  const left = await waitFor(
    async () => {
      const existing = await topicNames();
      const remaining = created.filter((topic) => existing.has(topic));
      return remaining.length === 0 ? remaining : undefined;
    },
    { timeoutMs: 60_000, what: `the ${created.length} topics the fuzzer created to be deleted` },
  );
  process.stderr.write(
    `${text.trimEnd()}\nschemathesis: ${created.length} topics created by fuzzing POST /topics/create, all deleted\n`,
  );
  expect({ code, output: code === 0 ? '' : text, left }).toEqual({ code: 0, output: '', left: [] });
});
