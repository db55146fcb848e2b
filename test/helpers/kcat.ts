import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KcatRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
  headers: [string, string | null][];
  tstype: string;
  ts: number;
}

const bootstrap = (): string => process.env.KAFKA_BROKERS ?? 'localhost:9092';

/**
 * Read a whole topic with kcat, an independent (librdkafka) client, to check what our code really
 * wrote. kcat prints headers as a flat [name, value, name, value...] array.
 */
export async function kcatConsume(
  topic: string,
  extra: string[] = [],
  brokers = bootstrap(),
): Promise<KcatRecord[]> {
  const { stdout } = await run(
    'kcat',
    ['-b', brokers, '-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q', ...extra],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const raw = JSON.parse(line) as Omit<KcatRecord, 'headers'> & { headers?: (string | null)[] };
      const flat = raw.headers ?? [];
      const headers: [string, string | null][] = [];
      for (let i = 0; i < flat.length; i += 2) headers.push([String(flat[i]), flat[i + 1] ?? null]);
      return { ...raw, headers };
    });
}

/** Produce `key:value` lines with kcat, optionally with headers and to a fixed partition. */
export async function kcatProduce(
  topic: string,
  lines: string[],
  {
    partition,
    headers = [],
    nullValueOnEmpty = false,
    extra = [],
  }: { partition?: number; headers?: string[]; nullValueOnEmpty?: boolean; extra?: string[] } = {},
): Promise<void> {
  const args = ['-b', bootstrap(), '-P', '-t', topic, '-K', '\t'];
  if (partition !== undefined) args.push('-p', String(partition));
  for (const h of headers) args.push('-H', h);
  if (nullValueOnEmpty) args.push('-Z');
  args.push(...extra);
  await new Promise<void>((resolve, reject) => {
    const child = execFile('kcat', args, (error) => (error ? reject(error) : resolve()));
    child.stdin?.end(`${lines.join('\n')}\n`);
  });
}

export async function kcatMetadata(): Promise<{
  brokers: { id: number; name: string }[];
  topics: { topic: string }[];
}> {
  const { stdout } = await run('kcat', ['-b', bootstrap(), '-L', '-J']);
  return JSON.parse(stdout);
}
