import { z } from 'zod';
import { ConfigError, errorMessage, RejectedError } from '../errors';

/**
 * The client of the headquarters (the operator's central system) that cyber-token grants are
 * synchronised with. Every grant carries the earning event's id as its `Idempotency-Key`, so
 * retrying a grant (a redelivered batch, a timeout whose request did arrive) never grants twice.
 */

export interface TokenGrantRequest {
  /** The earning event's id: the headquarters grants each key once. */
  idempotencyKey: string;
  user_id: string;
  amount: number;
  reason: string;
  source?: string;
  /** Epoch seconds of the earning event. */
  earned_at: number;
}

export const TokenGrant = z.looseObject({ grant_id: z.string().min(1).max(200) });
export type TokenGrant = z.infer<typeof TokenGrant>;

export interface HqClient {
  /** Grant the tokens; throws `HqUnavailableError` (retry later) or `HqRejectedError` (never retry). */
  grantTokens(request: TokenGrantRequest): Promise<TokenGrant>;
}

/** The headquarters did not answer, timed out or failed on its side: retry later (the batch fails). */
export class HqUnavailableError extends Error {
  override readonly name = 'HqUnavailableError';
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The headquarters refused the grant (a 4xx): retrying cannot help, so it is dead-lettered. */
export class HqRejectedError extends RejectedError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message, 'hq_rejected');
  }
}

/** 4xx answers that mean "not now" rather than "never". */
const RETRIABLE_4XX = new Set([408, 425, 429]);

export interface HqClientOptions {
  baseUrl: string;
  timeoutMs: number;
  apiKey?: string;
  fetch?: typeof fetch;
}

const excerpt = async (response: Response): Promise<string> => {
  const text = await response.text().catch(() => '');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

export function createHqClient(options: HqClientOptions): HqClient {
  const doFetch = options.fetch ?? fetch;
  const url = new URL('grants', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  return {
    async grantTokens({ idempotencyKey, ...grant }) {
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': idempotencyKey,
            ...(options.apiKey && { authorization: `Bearer ${options.apiKey}` }),
          },
          body: JSON.stringify(grant),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        // AbortSignal.timeout rejects with a DOMException, which is not always an `Error` instance.
        const name = (error as { name?: unknown } | null)?.name;
        const timedOut = name === 'TimeoutError' || name === 'AbortError';
        const message = timedOut
          ? `The headquarters did not answer within ${options.timeoutMs} ms`
          : `The headquarters is unreachable: ${errorMessage(error)}`;
        throw new HqUnavailableError(message, undefined, { cause: error });
      }
      if (response.status >= 500 || RETRIABLE_4XX.has(response.status)) {
        throw new HqUnavailableError(
          `The headquarters answered ${response.status}: ${await excerpt(response)}`,
          response.status,
        );
      }
      if (response.status >= 400) {
        throw new HqRejectedError(
          `The headquarters rejected the grant (${response.status}): ${await excerpt(response)}`,
          response.status,
        );
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch (error) {
        throw new HqUnavailableError(
          'The headquarters answered with a body that is not JSON',
          response.status,
          {
            cause: error,
          },
        );
      }
      const parsed = TokenGrant.safeParse(body);
      // The grant may have happened; asking again with the same key is safe, so this is retried.
      if (!parsed.success)
        throw new HqUnavailableError('The headquarters answered without a grant_id', response.status);
      return parsed.data;
    },
  };
}

const HqEnv = z.object({
  HQ_API_URL: z.url({ protocol: /^https?$/ }),
  HQ_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  HQ_API_KEY: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
});

/** The options from the environment; a missing or bad HQ_API_URL fails with a clear message. */
export function hqOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): HqClientOptions {
  const parsed = HqEnv.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ConfigError(
      `Invalid headquarters configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      issues,
    );
  }
  const { HQ_API_URL, HQ_TIMEOUT_MS, HQ_API_KEY } = parsed.data;
  return { baseUrl: HQ_API_URL, timeoutMs: HQ_TIMEOUT_MS, ...(HQ_API_KEY && { apiKey: HQ_API_KEY }) };
}

let cached: HqClient | undefined;

/** The container's client, configured from the environment on first use. */
export function hqClient(): HqClient {
  cached ??= createHqClient(hqOptionsFromEnv());
  return cached;
}
