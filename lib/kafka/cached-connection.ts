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
  create: () => T | Promise<T>,
  disconnectEvent: 'producer.disconnect' | 'admin.disconnect',
): CachedConnection<T> {
  interface Entry {
    client?: T;
    ready: Promise<T>;
  }
  let current: Entry | undefined;
  let connects = 0;

  const open = (): Entry => {
    const entry: Entry = { ready: Promise.resolve() as unknown as Promise<T> };
    entry.ready = (async () => {
      const client = await create();
      entry.client = client;
      client.on(disconnectEvent, () => {
        if (current === entry) current = undefined;
      });
      connects += 1;
      await client.connect();
      return client;
    })().catch((error: unknown) => {
      if (current === entry) current = undefined;
      throw error;
    });
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
      if (!entry) return;
      // A connection still opening is closed once it is open (or has failed).
      await entry.ready.catch(() => undefined);
      await entry.client?.disconnect().catch(() => undefined);
    },
    get connects() {
      return connects;
    },
  };
}
