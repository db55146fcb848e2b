/**
 * Cold start: the size of every function's bundle as serverless-esbuild built it for this run, the
 * first invocation of a fresh server's function (worker start, bundle load, first Kafka connect) vs
 * its warm latency, and our framework's warm overhead: the httpHandler middy stack without Kafka
 * (GET /config) minus the no-op, over HTTP, and the same stack called in-process.
 */
import { readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { httpHandler, ok } from '../../lib/middleware';
import { requestOnce } from '../lib/http-load';
import { userAction } from '../lib/kafka';
import { median, round } from '../lib/stats';

export interface Bundle {
  service: string;
  file: string;
  bytes: number;
}

/** Every `.js` bundle under a serverless-esbuild work folder's `.build`. */
export function bundleSizes(service: string, workFolder: string): Bundle[] {
  const root = join(workFolder, '.build');
  const found: Bundle[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.js'))
        found.push({ service, file: relative(root, path), bytes: statSync(path).size });
    }
  };
  walk(root);
  return found.sort((a, b) => b.bytes - a.bytes);
}

export interface Invocations {
  function: string;
  firstMs: number;
  warmP50Ms: number;
}

export interface ColdStartResult {
  invocations: Invocations[];
  /** Warm p50 of GET /config (httpHandler, no Kafka) minus the no-op's, over HTTP. */
  frameworkOverheadHttpMs: number;
  /** One call of an httpHandler stack with body parsing and validation, in-process, mean. */
  frameworkOverheadInProcessMs: number;
}

async function time(agent: http.Agent, url: URL, method: string, body?: string): Promise<number> {
  const t0 = performance.now();
  const res = await requestOnce(agent, url, method, body);
  if (res.status >= 300)
    throw new Error(`${method} ${url.pathname} answered ${res.status}: ${res.text.slice(0, 200)}`);
  return performance.now() - t0;
}

/** Must run first on a freshly started server: the first request of each function is its cold start. */
export async function coldStartScenario(baseUrl: string, warmRequests: number): Promise<ColdStartResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify(userAction(1));
  const targets = [
    { function: 'noop', url: new URL(`${baseUrl}/noop`), method: 'POST', body },
    { function: 'getConfig', url: new URL(`${baseUrl}/api/kafka/config`), method: 'GET', body: undefined },
    {
      function: 'produce (user-action)',
      url: new URL(`${baseUrl}/api/kafka/messages/user-action`),
      method: 'POST',
      body,
    },
  ];
  const first = new Map<string, number>();
  const warm = new Map<string, number[]>(targets.map((t) => [t.function, []]));
  try {
    for (const target of targets)
      first.set(target.function, await time(agent, target.url, target.method, target.body));
    // Warm requests alternate between the functions, so the machine's drift hits them alike.
    for (let i = 0; i < warmRequests; i += 1) {
      for (const target of targets)
        warm.get(target.function)!.push(await time(agent, target.url, target.method, target.body));
    }
  } finally {
    agent.destroy();
  }
  const invocations: Invocations[] = targets.map((t) => ({
    function: t.function,
    firstMs: round(first.get(t.function)!),
    warmP50Ms: round(median(warm.get(t.function)!)),
  }));
  const warmOf = (name: string) => invocations.find((i) => i.function === name)?.warmP50Ms ?? Number.NaN;
  return {
    invocations,
    frameworkOverheadHttpMs: round(warmOf('getConfig') - warmOf('noop')),
    frameworkOverheadInProcessMs: round(await inProcessOverhead(), 4),
  };
}

/** Mean cost of one warm call through httpHandler (header normalisation, JSON body, zod) around a no-op. */
async function inProcessOverhead(): Promise<number> {
  const handler = httpHandler({
    name: 'bench-overhead',
    caller: 'public',
    request: z.object({ user_id: z.string(), data: z.record(z.string(), z.unknown()) }),
    handle: async () => ok({ ok: true }),
  }) as unknown as (event: unknown, context: unknown) => Promise<unknown>;
  const event = {
    body: JSON.stringify(userAction(1)),
    headers: { 'Content-Type': 'application/json' },
    httpMethod: 'POST',
    isBase64Encoded: false,
    path: '/bench',
    pathParameters: null,
    queryStringParameters: null,
    multiValueHeaders: {},
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: '/bench',
    requestContext: {},
  };
  const context = { awsRequestId: 'bench', functionName: 'bench' };
  const count = 2000;
  for (let i = 0; i < 500; i += 1) await handler(structuredClone(event), context);
  const t0 = performance.now();
  for (let i = 0; i < count; i += 1) await handler(structuredClone(event), context);
  return (performance.now() - t0) / count;
}
