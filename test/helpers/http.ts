import { GAME_KEY } from './api-keys';

/** Minimal JSON-over-HTTP client for e2e tests (global fetch), calling as the game server by default. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> & {
    error?: { code: string; message: string; issues?: { path: string; message: string }[] };
  };
}

export async function request(
  url: string,
  {
    method = 'GET',
    body,
    headers = {},
    anonymous = false,
  }: {
    method?: string;
    body?: unknown;
    /** An `x-api-key` here replaces the game server's. */
    headers?: Record<string, string>;
    /** Send no key at all. */
    anonymous?: boolean;
  } = {},
): Promise<HttpAnswer> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(!anonymous && { 'x-api-key': GAME_KEY }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: HttpAnswer['json'] = {};
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (the docs page); `text` has it
  }
  return { status: response.status, headers: response.headers, text, json };
}

export interface Accepted {
  event_id: string;
  topic: string;
  partition: number;
  offset: string;
}
