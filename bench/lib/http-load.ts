/**
 * A bounded-concurrency HTTP load loop on keep-alive sockets (node:http: lighter than fetch, which
 * matters because the load generator shares the machine's two cores with the server and the broker).
 * Bounded by a request count and a duration, whichever comes first.
 */

import http from 'node:http';
import { keyHeader } from '../../test/helpers/api-keys';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  concurrency: number;
  durationMs: number;
  maxRequests: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  elapsedMs: number;
  /** Per successful request, milliseconds. */
  latencies: number[];
  /** The first unexpected answer, to say why a run failed. */
  firstError?: string;
}

export function requestOnce(
  agent: http.Agent,
  url: URL,
  method: string,
  body: string | undefined,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        agent,
        method,
        // The game server's key: the root service's endpoints admit only it (the fixture's ignore it).
        headers: {
          ...keyHeader('gameServer'),
          ...(body !== undefined && {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('request timed out after 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const url = new URL(options.url);
  const method = options.method ?? 'POST';
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const worker = async () => {
    while (issued < options.maxRequests && performance.now() < deadline) {
      issued += 1;
      const t0 = performance.now();
      try {
        const res = await requestOnce(agent, url, method, options.body);
        if (res.status >= 200 && res.status < 300) latencies.push(performance.now() - t0);
        else {
          errors += 1;
          firstError ??= `${res.status} ${res.text.slice(0, 300)}`;
        }
      } catch (error) {
        errors += 1;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { requests: latencies.length, errors, elapsedMs, latencies, ...(firstError && { firstError }) };
}
