import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { sleep } from './exec';

/** The pid a pid file names, if the file exists and holds a number. */
export function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function commandLine(pid: number): string | undefined {
  try {
    // A zombie's cmdline is empty, so an exited but unreaped JVM counts as gone.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    // No procfs (macOS): ask ps, which fails for a pid that does not exist.
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    } catch {
      return undefined;
    }
  }
}

/**
 * Whether `pid` is still the broker JVM started with `propertiesFile`. Checking the command line,
 * not just that the pid exists, keeps a stale pid file from making us signal an unrelated process
 * that reused the pid.
 */
export function isBrokerProcess(pid: number, propertiesFile: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: another user's process, so not one we started either.
    return false;
  }
  const cmd = commandLine(pid);
  return Boolean(cmd?.includes('kafka.Kafka') && cmd.includes(propertiesFile));
}

export async function waitUntilGone(isRunning: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning()) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

const signal = (pid: number, name: NodeJS.Signals): void => {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
};

/**
 * SIGTERM (Kafka's controlled shutdown), wait up to `graceMs`, then SIGKILL. Resolves once the
 * process is gone; `killed` says whether SIGKILL was needed.
 */
export async function terminate(
  pid: number,
  isRunning: () => boolean,
  graceMs: number,
): Promise<{ killed: boolean }> {
  if (!isRunning()) return { killed: false };
  signal(pid, 'SIGTERM');
  if (await waitUntilGone(isRunning, graceMs)) return { killed: false };
  signal(pid, 'SIGKILL');
  if (!(await waitUntilGone(isRunning, 10_000))) {
    throw new Error(`Process ${pid} is still running 10 s after SIGKILL`);
  }
  return { killed: true };
}

/** SIGKILL at once (a crash, for fault tests) and wait until the process is gone. */
export async function kill(pid: number, isRunning: () => boolean): Promise<void> {
  if (!isRunning()) return;
  signal(pid, 'SIGKILL');
  if (!(await waitUntilGone(isRunning, 10_000))) {
    throw new Error(`Process ${pid} is still running 10 s after SIGKILL`);
  }
}

/** The last `lines` lines of a text file ('' when it does not exist), read without loading big logs whole. */
export function tail(file: string, lines: number): string {
  if (!existsSync(file)) return '';
  const size = statSync(file).size;
  const length = Math.min(size, 64 * 1024);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export const removePidFile = (file: string): void => rmSync(file, { force: true });
