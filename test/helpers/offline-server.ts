/**
 * Runs `serverless offline start` for a service directory, for e2e tests: in its own process group
 * (so stopping it reaches esbuild and any child), ready once serverless-offline prints
 * "Server ready", with the whole output kept for assertions. Every server started here is stopped
 * after the test file (and killed if the test process exits first), so a failing test leaves no
 * process behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';

export interface OfflineServer {
  httpUrl: string;
  /** Everything printed so far (stdout and stderr, interleaved as received). */
  output(): string;
  /** Resolve with the first match of `pattern` in the output (waiting for it if needed). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGINT to the process group (Ctrl-C), wait for the exit, SIGKILL after a bound. */
  stop(): Promise<void>;
  /** SIGKILL the whole process group now. */
  kill(): Promise<void>;
  readonly pid: number;
}

export interface StartOfflineOptions {
  cwd: string;
  httpPort: number;
  lambdaPort: number;
  env?: Record<string, string>;
  args?: string[];
  readyTimeoutMs?: number;
  /** How long `stop()` waits after SIGINT before it kills. */
  stopTimeoutMs?: number;
}

const SERVERLESS_BIN = path.resolve(__dirname, '../../node_modules/.bin/serverless');
const running = new Map<ChildProcess, OfflineServer>();

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  // Not skipped once the leader has exited: members of its group (orphans) may still be running.
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};

process.once('exit', () => {
  for (const child of running.keys()) signalGroup(child, 'SIGKILL');
});

/** Stop (gracefully, as `stop()` does) every server this file started that is still running. */
export async function stopAllOffline(): Promise<void> {
  await Promise.all([...running.values()].map((server) => server.stop()));
}

// Registered in the test file that imports this helper: no server outlives its tests. It may run
// before the file's own afterAll (jest runs them in declaration order), so it stops gracefully too.
if (typeof afterAll === 'function') afterAll(stopAllOffline);

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startOffline(options: StartOfflineOptions): Promise<OfflineServer> {
  const args = [
    'offline',
    'start',
    '--httpPort',
    String(options.httpPort),
    '--lambdaPort',
    String(options.lambdaPort),
    ...(options.args ?? []),
  ];
  // Each server its own WebSocket port: serverless-offline exits when 3001 is taken (by `npm start`
  // or another suite's server), and the root service serves a WebSocket API; one the caller chose stays.
  const websocketPort = options.env?.WEBSOCKET_PORT ?? process.env.WEBSOCKET_PORT ?? String(await freePort());
  const child = spawn(SERVERLESS_BIN, args, {
    cwd: options.cwd,
    env: { ...process.env, FORCE_COLOR: '0', WEBSOCKET_PORT: websocketPort, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // 'exit' can come before the last output is read from the pipes: `exited` also waits for them
  // (bounded, since a grandchild that inherited a pipe could hold it open).
  const pipesClosed = Promise.all(
    [child.stdout, child.stderr].map((stream) => new Promise((resolve) => stream?.once('close', resolve))),
  );
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      const bound = setTimeout(resolve, 2_000);
      void pipesClosed.then(() => {
        clearTimeout(bound);
        resolve();
      });
    });
  });

  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const waitForOutput = (pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const match = text.match(pattern);
        if (!match) return false;
        finish();
        resolve(match);
        return true;
      };
      let finished = false;
      const onExit = () => {
        if (finished || check()) return;
        finish();
        reject(new Error(`serverless offline exited before printing ${pattern}:\n${text.slice(-4000)}`));
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for ${pattern} in the output:\n${text.slice(-4000)}`,
          ),
        );
      }, timeoutMs);
      const finish = () => {
        finished = true;
        clearTimeout(timer);
        listeners.delete(listener);
      };
      const listener = () => {
        check();
      };
      if (check()) return;
      listeners.add(listener);
      void exited.then(onExit);
    });

  const server: OfflineServer = {
    httpUrl: `http://localhost:${options.httpPort}`,
    pid: child.pid ?? -1,
    output: () => text,
    waitForOutput,
    async stop() {
      signalGroup(child, 'SIGINT');
      const bound = new Promise<'late'>((resolve) =>
        setTimeout(resolve, options.stopTimeoutMs ?? 30_000, 'late').unref(),
      );
      if ((await Promise.race([exited.then(() => 'exited' as const), bound])) === 'late') {
        signalGroup(child, 'SIGKILL');
        await exited;
      }
      // Children that ignored the SIGINT (or were orphaned) go too.
      signalGroup(child, 'SIGKILL');
    },
    async kill() {
      signalGroup(child, 'SIGKILL');
      await exited;
    },
  };

  if (child.exitCode === null && child.signalCode === null) running.set(child, server);
  try {
    await waitForOutput(/Server ready/, options.readyTimeoutMs ?? 180_000);
  } catch (error) {
    await server.kill();
    throw error;
  }
  return server;
}
