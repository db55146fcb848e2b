/** A process and its live descendants, from /proc (Linux): what the RSS and CPU samplers add up. */
import { readFileSync } from 'node:fs';

const children = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
};

/** `pid` and its descendants (bounded, in case /proc changes under the walk). */
export function processTree(pid: number): number[] {
  const tree: number[] = [];
  const pending = [pid];
  for (let guard = 0; pending.length > 0 && guard < 200; guard += 1) {
    const next = pending.pop()!;
    tree.push(next);
    pending.push(...children(next));
  }
  return tree;
}
