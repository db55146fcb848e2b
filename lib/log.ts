/**
 * One structured JSON logger: a line per entry on stdout (stderr for errors), so CloudWatch and
 * `serverless offline` show the same thing. Context (function, correlation ids) is bound with `child`.
 */

export type Level = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const threshold = (): number => {
  const wanted = (process.env.LOG_LEVEL ?? 'info').toLowerCase();
  if (wanted === 'silent') return Number.POSITIVE_INFINITY;
  return rank[wanted as Level] ?? rank.info;
};

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(context: Record<string, unknown>): Logger;
}

const serialise = (value: unknown): unknown =>
  value instanceof Error ? { name: value.name, message: value.message } : value;

export function createLogger(context: Record<string, unknown> = {}): Logger {
  const write = (level: Level, message: string, fields: Record<string, unknown> = {}) => {
    if (rank[level] < threshold()) return;
    const entry: Record<string, unknown> = { level, time: new Date().toISOString(), message, ...context };
    for (const [key, value] of Object.entries(fields)) entry[key] = serialise(value);
    const line = `${JSON.stringify(entry)}\n`;
    if (level === 'error') process.stderr.write(line);
    else process.stdout.write(line);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (extra) => createLogger({ ...context, ...extra }),
  };
}

export const log = createLogger();
