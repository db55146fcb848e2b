import path from 'node:path';
import { run } from './exec';

/** JAVA_HOME's java when set (what Maven uses too), else the one on PATH. */
export const javaCommand = (): string =>
  process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';

/** Kafka 4.x brokers need Java 17 or newer. */
export const MIN_JAVA = 17;

/** The major version of `java`, or undefined when it is missing or unreadable. */
export async function javaMajorVersion(): Promise<number | undefined> {
  const result = await run(javaCommand(), ['-version'], { timeoutMs: 15_000 });
  if (result.code !== 0) return undefined;
  // `java -version` writes to stderr: openjdk version "17.0.15" ... or "1.8.0_402" for Java 8.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr);
  if (!match?.[1]) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

export async function hasMaven(): Promise<boolean> {
  const result = await run('mvn', ['-v'], { timeoutMs: 30_000 });
  return result.code === 0;
}

/** Why the Java runner cannot start a broker here, or undefined when it can. */
export async function javaRunnerProblem(needMaven: boolean): Promise<string | undefined> {
  const major = await javaMajorVersion();
  if (major === undefined) return `no Java found (${javaCommand()})`;
  if (major < MIN_JAVA) return `Java ${major} found, Kafka needs Java ${MIN_JAVA}+`;
  if (needMaven && !(await hasMaven()))
    return 'Maven (mvn) not found; it is needed once to download the Kafka jars';
  return undefined;
}
