/**
 * A bench function's invocation log (one JSON line per invocation, appended by the function) read
 * from where the last read stopped. Re-reading the whole file on every poll cost the bench process a
 * growing share of a core (thousands of lines by a run's end) while the emulator ran, and nothing
 * while the raw consumer it is compared with did, on the same two cores.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';

export interface Invocation {
  records: number;
  /** When the handler started and ended (epoch ms). */
  started: number;
  ended: number;
}

export class InvocationLog {
  private offset = 0;
  private partial = '';

  constructor(private readonly file: string) {}

  /** The invocations appended since the last call (whole lines only: the last may be half-written). */
  next(): Invocation[] {
    if (!existsSync(this.file)) return [];
    const fd = openSync(this.file, 'r');
    try {
      const buffer = Buffer.alloc(Math.max(0, fstatSync(fd).size - this.offset));
      const read = readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset += read;
      const lines = (this.partial + buffer.subarray(0, read).toString('utf8')).split('\n');
      this.partial = lines.pop() ?? '';
      return lines.filter(Boolean).map((line) => JSON.parse(line) as Invocation);
    } finally {
      closeSync(fd);
    }
  }
}

/** Running totals of invocations read from a log: records, count, first start and last end. */
export class InvocationTally {
  records = 0;
  invocations = 0;
  first = Number.POSITIVE_INFINITY;
  last = 0;

  add(invocations: readonly Invocation[]): this {
    for (const invocation of invocations) {
      this.records += invocation.records;
      this.invocations += 1;
      this.first = Math.min(this.first, invocation.started);
      this.last = Math.max(this.last, invocation.ended);
    }
    return this;
  }
}
