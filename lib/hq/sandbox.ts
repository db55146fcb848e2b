/**
 * A local STAND-IN for the operator's headquarters system, for `npm start` and the tests: it only
 * records cyber-token grants. It deduplicates by `Idempotency-Key` like the real one must, and can
 * be told to fail so the pipeline's failure paths can be exercised:
 *
 *   POST /grants            grant (header Idempotency-Key): 201 new, 200 replay, 409 key reused
 *                           for another grant, 400/422 bad request
 *   GET  /grants[?user_id=]  the grants recorded so far;  DELETE /grants forgets them
 *   GET  /_control           mode and counters;  POST /_control {"mode": "ok"|"5xx"|"4xx"|"timeout", "times"?: n}
 *                           makes the next n grant requests (all, without n) fail that way
 *   GET  /health
 *
 * Every answer carries `X-HQ-Sandbox: true`. Nothing here is used by the deployed functions.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export const HQ_MODES = ['ok', '5xx', '4xx', 'timeout'] as const;
export type HqMode = (typeof HQ_MODES)[number];

export interface RecordedGrant {
  grant_id: string;
  idempotency_key: string;
  user_id: string;
  amount: number;
  reason: string;
  source?: string;
  earned_at?: number;
  granted_at: string;
}

export interface HqSandbox {
  url: string;
  port: number;
  grants(): RecordedGrant[];
  /** Fail the next `times` grant requests (every one when omitted) in `mode`; `ok` stops failing. */
  setMode(mode: HqMode, times?: number): void;
  stats(): { mode: HqMode; remaining: number | null; requests: number; failed: number };
  close(): Promise<void>;
}

export interface HqSandboxOptions {
  port?: number;
  host?: string;
  log?: (line: string) => void;
}

const GrantBody = z.strictObject({
  user_id: z.string().min(1).max(128),
  amount: z.number().int().positive(),
  reason: z.string().min(1).max(200),
  source: z.string().min(1).max(128).optional(),
  earned_at: z.number().positive().optional(),
});

const ControlBody = z.strictObject({
  mode: z.enum(HQ_MODES),
  times: z.number().int().positive().optional(),
});

const MAX_BODY_BYTES = 64 * 1024;

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function send(
  response: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'x-hq-sandbox': 'true',
    ...(body !== undefined && { 'content-type': 'application/json' }),
    ...headers,
  });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

const sameGrant = (grant: RecordedGrant, body: z.infer<typeof GrantBody>): boolean =>
  grant.user_id === body.user_id && grant.amount === body.amount && grant.reason === body.reason;

export async function startHqSandbox(options: HqSandboxOptions = {}): Promise<HqSandbox> {
  const log = options.log ?? (() => undefined);
  const grants = new Map<string, RecordedGrant>();
  let mode: HqMode = 'ok';
  let remaining: number | null = null;
  let requests = 0;
  let failed = 0;
  const held = new Set<ServerResponse>();

  /** The failure to simulate for this grant request, if any (counting down a limited run). */
  const failureNow = (): HqMode | undefined => {
    if (mode === 'ok') return undefined;
    const current = mode;
    if (remaining !== null) {
      remaining -= 1;
      if (remaining <= 0) {
        mode = 'ok';
        remaining = null;
      }
    }
    return current;
  };

  async function grant(request: IncomingMessage, response: ServerResponse): Promise<void> {
    requests += 1;
    const failure = failureNow();
    if (failure) {
      failed += 1;
      log(`POST /grants → simulated ${failure}`);
      if (failure === 'timeout') {
        held.add(response); // never answered: the client's timeout must fire
        response.on('close', () => held.delete(response));
        return;
      }
      if (failure === '5xx') return send(response, 503, { error: 'headquarters unavailable (simulated)' });
      return send(response, 422, { error: 'grant rejected by headquarters (simulated)' });
    }
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key.trim() === '') {
      return send(response, 400, { error: 'the Idempotency-Key header is required' });
    }
    let body: z.infer<typeof GrantBody>;
    try {
      const parsed = GrantBody.safeParse(await readJson(request));
      if (!parsed.success) {
        return send(response, 422, {
          error: 'invalid grant',
          issues: parsed.error.issues.map((i) => i.message),
        });
      }
      body = parsed.data;
    } catch (error) {
      return send(response, 400, { error: `the body is not JSON: ${(error as Error).message}` });
    }
    const existing = grants.get(key);
    if (existing) {
      if (!sameGrant(existing, body)) {
        return send(response, 409, { error: 'this Idempotency-Key was used for a different grant' });
      }
      log(`POST /grants ${key} → replay of ${existing.grant_id}`);
      return send(response, 200, { ...existing, replayed: true }, { 'idempotent-replayed': 'true' });
    }
    const recorded: RecordedGrant = {
      grant_id: `hq-grant-${randomUUID()}`,
      idempotency_key: key,
      ...body,
      granted_at: new Date().toISOString(),
    };
    grants.set(key, recorded);
    log(`POST /grants ${key} → ${recorded.grant_id} (${body.amount} tokens to ${body.user_id})`);
    return send(response, 201, { ...recorded, replayed: false });
  }

  async function control(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let parsed: ReturnType<typeof ControlBody.safeParse>;
    try {
      parsed = ControlBody.safeParse(await readJson(request));
    } catch (error) {
      return send(response, 400, { error: `the body is not JSON: ${(error as Error).message}` });
    }
    if (!parsed.success)
      return send(response, 422, {
        error: `mode is one of ${HQ_MODES.join(', ')}; times a positive integer`,
      });
    sandbox.setMode(parsed.data.mode, parsed.data.times);
    return send(response, 200, sandbox.stats());
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const route = `${request.method} ${url.pathname}`;
    const handled = (async () => {
      switch (route) {
        case 'POST /grants':
          return grant(request, response);
        case 'GET /grants': {
          const userId = url.searchParams.get('user_id');
          const list = [...grants.values()].filter((g) => userId === null || g.user_id === userId);
          return send(response, 200, { grants: list });
        }
        case 'DELETE /grants':
          grants.clear();
          return send(response, 204);
        case 'GET /_control':
          return send(response, 200, sandbox.stats());
        case 'POST /_control':
          return control(request, response);
        case 'GET /health':
          return send(response, 200, { status: 'ok', sandbox: true });
        default:
          return send(response, 404, { error: `no route ${route}` });
      }
    })();
    handled.catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { error: (error as Error).message });
    });
  });

  server.listen(options.port ?? 4100, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';

  const sandbox: HqSandbox = {
    url: `http://${host}:${port}`,
    port,
    grants: () => [...grants.values()],
    setMode(next, times) {
      mode = next;
      remaining = next === 'ok' ? null : (times ?? null);
      log(`mode → ${next}${times ? ` for ${times} request(s)` : ''}`);
    },
    stats: () => ({ mode, remaining, requests, failed }),
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  log(`headquarters SANDBOX (a local stand-in for the operator's system) listening on ${sandbox.url}`);
  return sandbox;
}
