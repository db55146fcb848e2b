/**
 * Samples the resident memory of a process and its descendants from /proc (Linux), to report the
 * peak of the offline server (the emulator runs inside it) per scenario, and the level after each
 * repetition (growth across repetitions would be a leak).
 */
import { readFileSync } from 'node:fs';
import { processTree } from './proc-tree';

const rssKb = (pid: number): number => {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
};

/** RSS of the process tree rooted at `pid`, in MiB. */
export const treeRssMiB = (pid: number): number =>
  processTree(pid).reduce((kb, member) => kb + rssKb(member), 0) / 1024;

export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private phase = 'idle';
  readonly peaks: Record<string, number> = {};
  /** RSS right after each repetition, per phase. */
  readonly afterRepetition: Record<string, number[]> = {};

  constructor(private readonly pid: number) {}

  start(intervalMs = 200): void {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  enter(phase: string): void {
    this.sample();
    this.phase = phase;
    this.sample();
  }

  repetitionDone(): void {
    const now = this.sample();
    const list = this.afterRepetition[this.phase] ?? [];
    list.push(Math.round(now));
    this.afterRepetition[this.phase] = list;
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }

  private sample(): number {
    const mib = treeRssMiB(this.pid);
    if (mib > 0) this.peaks[this.phase] = Math.max(this.peaks[this.phase] ?? 0, Math.round(mib));
    return mib;
  }
}
