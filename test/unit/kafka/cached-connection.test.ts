import { EventEmitter } from 'node:events';
import { cachedConnection } from '../../../lib/kafka/cached-connection';

class FakeClient extends EventEmitter {
  connectCalls = 0;
  disconnected = false;
  constructor(private readonly failFirst = false) {
    super();
  }
  async connect(): Promise<void> {
    this.connectCalls += 1;
    if (this.failFirst) throw new Error('ECONNREFUSED');
  }
  async disconnect(): Promise<void> {
    this.disconnected = true;
    this.emit('producer.disconnect');
  }
}

describe('cachedConnection', () => {
  it('connects once for any number of concurrent and later callers', async () => {
    const created: FakeClient[] = [];
    const connection = cachedConnection(() => {
      const c = new FakeClient();
      created.push(c);
      return c;
    }, 'producer.disconnect');
    const clients = await Promise.all([connection.get(), connection.get(), connection.get()]);
    await connection.get();
    expect(created).toHaveLength(1);
    expect(new Set(clients).size).toBe(1);
    expect(connection.connects).toBe(1);
  });

  it('forgets a failed connect so the next call tries again', async () => {
    let attempt = 0;
    const connection = cachedConnection(() => new FakeClient(attempt++ === 0), 'producer.disconnect');
    await expect(connection.get()).rejects.toThrow('ECONNREFUSED');
    await expect(connection.get()).resolves.toBeInstanceOf(FakeClient);
    expect(connection.connects).toBe(2);
  });

  it('reconnects after the client reports a disconnect', async () => {
    const connection = cachedConnection(() => new FakeClient(), 'producer.disconnect');
    const first = await connection.get();
    first.emit('producer.disconnect');
    const second = await connection.get();
    expect(second).not.toBe(first);
  });

  it('reset disconnects and drops the client', async () => {
    const connection = cachedConnection(() => new FakeClient(), 'producer.disconnect');
    const first = await connection.get();
    await connection.reset();
    expect(first.disconnected).toBe(true);
    expect(await connection.get()).not.toBe(first);
  });
});
