import { spawn } from 'node:child_process';

export interface RunResult {
  /** Exit code; null when the command could not start, was killed or timed out. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why the command did not run to completion (not found, timed out), if it did not. */
  failure?: string;
}

/**
 * Run a command to completion and capture its output. Never throws: callers probing for tools
 * (`docker info`, `java -version`) treat "missing" and "failed" alike.
 */
export function run(
  command: string,
  args: string[],
  options: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let failure: string | undefined;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            failure = `timed out after ${options.timeoutMs} ms`;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', (error) => {
      failure ??= error.message;
    });
    child.once('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: failure ? null : code, stdout, stderr, ...(failure && { failure }) });
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
