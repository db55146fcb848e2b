import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from './exec';
import { BROKER_SCRIPTS, STATE_ROOT } from './layout';
import { KAFKA_VERSION } from './version';

const POM = path.join(BROKER_SCRIPTS, 'pom.xml');
const MARKER = '.complete';

export const jarDir = (version = KAFKA_VERSION): string => path.join(STATE_ROOT, 'jars', version);

interface Marker {
  kafkaVersion: string;
  /** Hash of the pom the jars came from: editing it (say, the log4j version) fetches them again. */
  pomSha256: string;
  jars: number;
}

const pomHash = (): string => createHash('sha256').update(readFileSync(POM)).digest('hex');

/** Whether the jar folder holds a complete copy for this version and pom (then no Maven runs). */
export function jarsCached(version = KAFKA_VERSION): boolean {
  const file = path.join(jarDir(version), MARKER);
  if (!existsSync(file)) return false;
  try {
    const marker = JSON.parse(readFileSync(file, 'utf8')) as Partial<Marker>;
    return marker.kafkaVersion === version && marker.pomSha256 === pomHash();
  } catch {
    return false;
  }
}

// Without these the broker either cannot start or logs nothing; their presence proves the copy ran.
const requiredJars = (version: string): RegExp[] => [
  new RegExp(`^kafka_2\\.13-${version.replaceAll('.', '\\.')}\\.jar$`),
  /^kafka-clients-.*\.jar$/,
  /^log4j-core-.*\.jar$/,
  /^log4j-slf4j-impl-.*\.jar$/,
];

/**
 * The folder with every jar the broker needs, downloaded once from Maven Central with Maven.
 * Maven copies into a scratch folder that is renamed into place, so an interrupted download never
 * leaves a folder that looks complete; the marker file is written last.
 */
export async function ensureJars(log: (line: string) => void, version = KAFKA_VERSION): Promise<string> {
  const dir = jarDir(version);
  if (jarsCached(version)) return dir;

  const scratch = `${dir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  log(`Downloading Kafka ${version} jars from Maven Central with Maven (once; about 45 MB)...`);
  const started = Date.now();
  const result = await run(
    'mvn',
    [
      '-B',
      '-q',
      '-Dstyle.color=never',
      '-f',
      POM,
      `-Dkafka.version=${version}`,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${scratch}`,
    ],
    { timeoutMs: 15 * 60_000 },
  );
  if (result.code !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(
      `Maven could not download the Kafka ${version} jars (${result.failure ?? `exit code ${result.code}`})\n${output}`,
    );
  }
  const jars = readdirSync(scratch).filter((f) => f.endsWith('.jar'));
  const missing = requiredJars(version).filter((re) => !jars.some((jar) => re.test(jar)));
  if (missing.length > 0) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(
      `Maven finished but the Kafka ${version} jars are incomplete (missing ${missing.join(', ')})`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
  const marker: Marker = { kafkaVersion: version, pomSha256: pomHash(), jars: jars.length };
  writeFileSync(path.join(dir, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
  log(`Downloaded ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s to ${dir}`);
  return dir;
}
