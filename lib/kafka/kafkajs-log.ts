/**
 * How kafkajs' own log entries reach our logger: error responses kafkajs retries after a metadata
 * refresh are debug lines (the emulator package's rule, shared), the rest keep their level.
 */
import { logLevel } from 'kafkajs';
import { isRetriedResponse } from 'serverless-offline-kafka-esm/kafkajs-log';
import type { Level } from '../log';

// kafkajs warns on every producer that limits retries; we limit them on purpose (a request must
// fail fast with a 503) and reset the producer after a failure, so the warning is noise.
const SILENCED = ['Limiting retries for the idempotent producer'];

/** Our level for a kafkajs entry, or undefined to drop it. */
export function kafkajsEntryLevel(level: logLevel, message: string, error: unknown): Level | undefined {
  if (SILENCED.some((s) => message.startsWith(s))) return undefined;
  if (isRetriedResponse(message, error)) return 'debug';
  if (level === logLevel.ERROR) return 'error';
  if (level === logLevel.WARN) return 'warn';
  return 'debug';
}
