/**
 * Steady HTTP load for fault tests: `concurrency` clients each POST one event after another, with
 * an id chosen here (so every request can be looked for in Kafka afterwards), until stopped or
 * bounded by count and time.
 */

import { randomUUID } from 'node:crypto';
import { keyHeader } from '../../helpers/api-keys';
import { waitFor } from '../../helpers/wait';

export interface SentRequest {
  event_id: string;
  /** HTTP status; 0 when the request itself failed (connection refused, aborted). */
  status: number;
  startedAt: number;
  endedAt: number;
  /** The answer's body when it was a 202: where the server says the event landed. */
  placement?: unknown;
}

export interface LoadOptions {
  url: string;
  concurrency: number;
  body: (eventId: string, index: number) => unknown;
  maxRequests: number;
  maxMs: number;
  /** Per-request bound. */
  requestTimeoutMs?: number;
}

export interface Load {
  readonly sent: SentRequest[];
  acknowledged(): number;
  /** Resolves once `count` more requests were answered 202 than when called. */
  waitForMoreAcks(count: number, timeoutMs: number): Promise<void>;
  stop(): Promise<SentRequest[]>;
}

export function startLoad(options: LoadOptions): Load {
  const sent: SentRequest[] = [];
  const deadline = Date.now() + options.maxMs;
  let stopped = false;
  let issued = 0;
  const acknowledged = () => sent.filter((s) => s.status === 202).length;

  const client = async () => {
    while (!stopped && issued < options.maxRequests && Date.now() < deadline) {
      const index = issued;
      issued += 1;
      const eventId = randomUUID();
      const startedAt = Date.now();
      let status = 0;
      let placement: unknown;
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...keyHeader('gameServer') },
          body: JSON.stringify(options.body(eventId, index)),
          signal: AbortSignal.timeout(options.requestTimeoutMs ?? 60_000),
        });
        const text = await response.text();
        status = response.status;
        if (status === 202) placement = JSON.parse(text);
      } catch {
        status = 0;
      }
      sent.push({ event_id: eventId, status, startedAt, endedAt: Date.now(), placement });
      // A refused request comes back at once: pace the retries instead of spinning on two cores.
      if (status !== 202) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const clients = Array.from({ length: options.concurrency }, client);

  return {
    sent,
    acknowledged,
    async waitForMoreAcks(count, timeoutMs) {
      const target = acknowledged() + count;
      await waitFor(() => (acknowledged() >= target ? true : undefined), {
        timeoutMs,
        intervalMs: 100,
        what: `${count} more 202 answers`,
      });
    },
    async stop() {
      stopped = true;
      await Promise.all(clients);
      return sent;
    },
  };
}

/**
 * What Kafka holds against what was answered: `lost` were acknowledged (202) but are not stored,
 * `notStoredWithout5xx` are missing although not refused with a 5xx, `copies` are stored more than
 * once under the same id (redelivery). `figures` are the report's columns; `duplicated` is 0 by
 * construction, since every request carries its own event id.
 */
export function reconcile(sent: SentRequest[], storedIds: (string | undefined)[]) {
  const stored = new Set(storedIds);
  const acked = sent.filter((s) => s.status === 202);
  const lost = acked.filter((s) => !stored.has(s.event_id));
  const copies = storedIds.length - stored.size;
  return {
    acked,
    lost,
    notStoredWithout5xx: sent.filter((s) => !stored.has(s.event_id) && s.status < 500),
    figures: {
      sent: sent.length,
      acknowledged: acked.length,
      stored: stored.size,
      lost: lost.length,
      duplicated: 0,
      copies,
    },
  };
}

/** Polls a URL's status every `intervalMs`, keeping each change with its time. */
export function watchStatus(url: string, intervalMs = 250) {
  const changes: { status: number; at: number }[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      let status = 0;
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        status = 0;
      }
      if (changes.at(-1)?.status !== status) changes.push({ status, at: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    changes,
    current: () => changes.at(-1)?.status,
    async stop() {
      stopped = true;
      await loop;
      return changes;
    },
  };
}
