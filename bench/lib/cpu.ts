/**
 * CPU time (user + system, every thread) of a process tree or of this process, from /proc (Linux):
 * what a side of a comparison costs the machine, beside how fast it went. On a 2-core machine a
 * consumer whose records cost twice the CPU cannot keep pace once the cores are busy.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { processTree } from './proc-tree';

let ticksPerSecond: number | undefined;
const msPerTick = (): number => {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return 1000 / ticksPerSecond;
};

/** A /proc stat file's fields from field 3 (state) on: the command before them may hold spaces. */
const statFields = (file: string): string[] => {
  const stat = readFileSync(file, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
};

/** utime + stime (fields 14 and 15); 0 once the process or thread is gone. */
const statCpuMs = (file: string): number => {
  try {
    const fields = statFields(file);
    return (Number(fields[11]) + Number(fields[12])) * msPerTick();
  } catch {
    return 0;
  }
};

const processCpuMs = (pid: number): number => statCpuMs(`/proc/${pid}/stat`);

/**
 * CPU milliseconds of this process's children that have exited and been reaped (cutime + cstime,
 * fields 16 and 17): around a `kcat` run, what writing the burst cost.
 */
export const exitedChildrenCpuMs = (): number => {
  const fields = statFields('/proc/self/stat');
  return (Number(fields[13]) + Number(fields[14])) * msPerTick();
};

/** CPU milliseconds used so far by the main thread of `pid` (its JavaScript event loop in Node). */
export const mainThreadCpuMs = (pid: number): number => statCpuMs(`/proc/${pid}/task/${pid}/stat`);

/** CPU milliseconds used so far by `pid` and its live descendants. */
export const treeCpuMs = (pid: number): number =>
  processTree(pid).reduce((ms, member) => ms + processCpuMs(member), 0);

/** CPU milliseconds used so far by this process (all its threads). */
export const ownCpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
