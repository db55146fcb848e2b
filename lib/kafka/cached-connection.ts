/**
 * A connection kept for the life of the container: the first caller connects, later callers share
 * the same promise, and a failed connect or a later disconnect clears it so the next call reconnects.
 * Never a connect per invocation.
 */
export interface Connectable {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  on(event: 'producer.disconnect' | 'admin.disconnect', listener: () => void): unknown;
}

export interface CachedConnection<T extends Connectable> {
  get(): Promise<T>;
  /** Drop the connection (after a failure that may have left it unusable); the next `get` reconnects. */
  reset(): Promise<void>;
  /** How many times a connection was opened in this container. */
  readonly connects: number;
}

export function cachedConnection<T extends Connectable>(
  create: () => T,
  disconnectEvent: 'producer.disconnect' | 'admin.disconnect',
): CachedConnection<T> {
  let current: { client: T; ready: Promise<T> } | undefined;
  let connects = 0;

  const open = (): { client: T; ready: Promise<T> } => {
    const client = create();
    const entry = {
      client,
      ready: client.connect().then(
        () => client,
        (error: unknown) => {
          if (current === entry) current = undefined;
          throw error;
        },
      ),
    };
    client.on(disconnectEvent, () => {
      if (current === entry) current = undefined;
    });
    connects += 1;
    return entry;
  };

  return {
    get() {
      current ??= open();
      return current.ready;
    },
    async reset() {
      const entry = current;
      current = undefined;
      if (entry) await entry.client.disconnect().catch(() => undefined);
    },
    get connects() {
      return connects;
    },
  };
}
