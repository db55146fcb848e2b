/**
 * Shared setup of the conformance suites: the fixture service, fresh topics, a temporary output
 * directory, and one `serverless offline start` per suite.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { config } from '../../../lib/config';
import { createKafka, createTopics, disconnectProducer, withAdmin } from '../../../lib/kafka';
import { uniqueName } from '../../helpers/names';
import { freePort, type OfflineServer, startOffline } from '../../helpers/offline-server';

const PACKAGE_DIR = path.resolve(__dirname, '../../../lib/offline');

/**
 * The fixture runs the emulator as it ships (the compiled dist/ that `npm ci` builds); a source edit
 * since that build is compiled first, so the suites never test stale code.
 */
export function ensurePackageBuilt(): void {
  const built = path.join(PACKAGE_DIR, 'dist', 'index.js');
  let builtAt = 0;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    builtAt = 0;
  }
  const src = path.join(PACKAGE_DIR, 'src');
  const stale = readdirSync(src).some((file) => statSync(path.join(src, file)).mtimeMs > builtAt);
  if (stale)
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: PACKAGE_DIR,
      stdio: 'inherit',
    });
}

ensurePackageBuilt();

export const FIXTURE_DIR = path.resolve(__dirname, '../../fixtures/offline-service');
export const SERVICE = 'offline-fixture';
export const STAGE = 'test';
export const AWS_BOOTSTRAP =
  'b-1.example.kafka.eu-west-1.amazonaws.com:9096,b-2.example.kafka.eu-west-1.amazonaws.com:9096';
export const MSK_ARN =
  'arn:aws:kafka:eu-west-1:123456789012:cluster/demo/abcd1234-ab12-cd34-ef56-abcdef123456-1';

export const brokers = (): string => process.env.KAFKA_BROKERS ?? 'localhost:9092';

/** The emulator's default consumer group of a fixture function's event. */
export const defaultGroup = (functionKey: string, topic: string): string =>
  `sls-offline-${SERVICE}-${STAGE}-${functionKey}-${topic}`;

// Admin work on a client of our own (short-lived admins); producing goes through lib/kafka's cached
// producer, closed by `Topics.deleteAll`, so jest has no open handle left.
const kafka = () => createKafka(config().kafka, 'offline-e2e');

export class Topics {
  private readonly created: string[] = [];

  async create(prefix: string, partitions = 1): Promise<string> {
    const topic = uniqueName(prefix);
    await createTopics([{ topic, partitions }], kafka());
    this.created.push(topic);
    return topic;
  }

  /** Delete the topics and the consumer groups that read them (best effort), close the producer. */
  async deleteAll(extraGroups: string[] = []): Promise<void> {
    if (this.created.length > 0) {
      const created = this.created;
      await withAdmin(async (admin) => {
        const { groups } = await admin.listGroups();
        const ours = groups.map((g) => g.groupId).filter((id) => created.some((topic) => id.includes(topic)));
        const toDelete = [...ours, ...extraGroups];
        if (toDelete.length > 0) await admin.deleteGroups(toDelete).catch(() => undefined);
        await admin.deleteTopics({ topics: created });
      }, kafka()).catch(() => undefined);
    }
    await disconnectProducer();
  }
}

export function tempOutDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'offline-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Numbers the fixture reads from `$OUT_DIR/positions.json` (env variables would be strings). */
export const writePositions = (outDir: string, positions: { timestamp: number }): void =>
  writeFileSync(path.join(outDir, 'positions.json'), JSON.stringify(positions));

/** Start the fixture; fast retries through the CLI flags (which also exercises them). */
export async function startFixture(env: Record<string, string>): Promise<OfflineServer> {
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  return startOffline({
    cwd: FIXTURE_DIR,
    httpPort,
    lambdaPort,
    env: { KAFKA_BROKERS: brokers(), ...env },
    args: ['--kafkaBrokers', brokers(), '--kafkaRetryInitialDelayMs', '200', '--kafkaRetryMaxDelayMs', '800'],
  });
}

/** The offsets a consumer group has committed, per partition (-1: none). */
export async function committedOffsets(groupId: string, topic: string): Promise<Record<number, number>> {
  const [result] = await withAdmin((admin) => admin.fetchOffsets({ groupId, topics: [topic] }), kafka());
  return Object.fromEntries((result?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

/** Commit offsets for a group nobody is in (as another consumer would have). */
export async function setGroupOffsets(
  groupId: string,
  topic: string,
  partitions: { partition: number; offset: string }[],
): Promise<void> {
  await withAdmin((admin) => admin.setOffsets({ groupId, topic, partitions }), kafka());
}

export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Wait for the emulator's "ready" line of a function (its consumer joined the group). */
export const readyLine = (functionKey: string, topic: string): RegExp =>
  new RegExp(`ready: ${functionKey} <- (kafka|msk) ${escapeRegExp(topic)} `);
