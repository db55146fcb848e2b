import { connect } from 'node:net';
import { type ClusterInfo, probeCluster } from '../../lib/kafka/admin';
import { sleep } from './exec';
import type { ProbeSecurity } from './layout';

function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

/** Whether something accepts TCP connections on `host:port`. */
export function portOpen(address: string, timeoutMs = 1000): Promise<boolean> {
  const { host, port } = splitAddress(address);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * The cluster's description if it answers Kafka requests, else undefined. A TCP check comes first:
 * kafkajs logs every refused connection as an error line, and "nothing listens" is the normal
 * answer while we wait for a broker, decide whether one runs, or a fault test has stopped a node.
 */
export async function reachable(
  brokers: string[],
  timeoutMs = 3000,
  { all = false, security }: { all?: boolean; security?: ProbeSecurity } = {},
): Promise<ClusterInfo | undefined> {
  const open = await Promise.all(brokers.map((b) => portOpen(b, Math.min(timeoutMs, 1000))));
  const listening = brokers.filter((_, i) => open[i]);
  if (listening.length === 0 || (all && listening.length < brokers.length)) return undefined;
  try {
    // Only the listening ones: any of them returns the whole cluster's metadata.
    return await probeCluster(listening, timeoutMs, security);
  } catch {
    return undefined;
  }
}

export interface WaitOptions {
  /** Addresses that must all answer: a broker opens its listener only once it is unfenced. */
  brokers: string[];
  /**
   * Wait until the cluster reports this many brokers. Not enough alone: a node killed a moment
   * ago stays registered until its session times out, so the count can be right before it is back.
   */
  expectedBrokers: number;
  timeoutMs: number;
  /** Called each round: a reason to stop waiting (a JVM died), or undefined to keep going. */
  failure?: () => string | undefined;
  security?: ProbeSecurity;
}

/** Poll until the cluster serves requests with all expected brokers registered. */
export async function waitUntilServing(options: WaitOptions): Promise<ClusterInfo> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let last: ClusterInfo | undefined;
  for (;;) {
    const reason = options.failure?.();
    if (reason) throw new Error(reason);
    last = await reachable(options.brokers, 2000, { all: true, security: options.security });
    if (last && last.brokers.length >= options.expectedBrokers) return last;
    if (Date.now() >= deadline) break;
    await sleep(250);
  }
  const seen = last ? `${last.brokers.length} of ${options.expectedBrokers} brokers registered` : 'no answer';
  throw new Error(
    `Kafka at ${options.brokers.join(',')} did not serve within ${options.timeoutMs / 1000} s (${seen})`,
  );
}
