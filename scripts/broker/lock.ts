import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { sleep } from './exec';

const holder = (file: string): number | undefined => {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

// An empty lock file is normal for the instant between its creation and the pid being written.
const justCreated = (file: string): boolean => {
  try {
    return Date.now() - statSync(file).mtimeMs < 5000;
  } catch {
    return false;
  }
};

/**
 * Run `work` while holding an exclusive lock file, so that two processes (say `npm start` and a
 * jest run) asking for a broker at once do not both launch one on the same ports. A lock left by a
 * process that died is taken over.
 */
export async function withLock<T>(file: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = holder(file);
      if (pid === undefined ? !justCreated(file) : !alive(pid)) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `Another process (pid ${pid ?? '?'}) has been starting the broker for too long (lock ${file})`,
        );
      }
      await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    if (holder(file) === process.pid) rmSync(file, { force: true });
  }
}
