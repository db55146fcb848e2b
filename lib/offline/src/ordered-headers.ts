/**
 * kafkajs folds a record's headers into an object keyed by name (a repeated name becomes an array at
 * the position of its first occurrence), so headers written `a, dup, b, dup` would reach the function
 * as `a, dup, dup, b`. AWS delivers one object per header in the order written. kafkajs offers no
 * hook for the raw headers, so this puts a record decoder into kafkajs' module cache that decodes a
 * record exactly as kafkajs 2.x does and also keeps the headers as written, under a symbol. It has to
 * run before kafkajs' record-batch decoder is loaded (that module captures the record decoder once):
 * the package entry calls it before anything requires kafkajs.
 */
import { createRequire } from 'node:module';

export const ORDERED_HEADERS = Symbol.for('serverless-offline-kafka-esm.orderedHeaders');

/** `[name, value]` pairs in written order. */
export type OrderedHeaders = [string, Buffer | null][];

interface WireDecoder {
  readInt8(): number;
  readVarLong(): { toString(): string };
  readVarInt(): number;
  readVarIntBytes(): Buffer | null;
  readVarIntArray<T>(decode: (decoder: WireDecoder) => T): T[];
}

interface LongStatic {
  fromValue(value: unknown): { add(other: unknown): { toString(): string } };
}

interface BatchContext {
  firstOffset?: string;
  firstTimestamp?: string;
  magicByte?: number;
  isControlBatch?: boolean;
  timestampType?: number;
  maxTimestamp?: string;
}

const MODULES = {
  batchDecoder: 'kafkajs/src/protocol/recordBatch/v0/decoder',
  recordDecoder: 'kafkajs/src/protocol/recordBatch/record/v0/decoder',
  headerDecoder: 'kafkajs/src/protocol/recordBatch/header/v0/decoder',
  long: 'kafkajs/src/utils/long',
  timestampTypes: 'kafkajs/src/protocol/timestampTypes',
} as const;

const INSTALLED = Symbol.for('serverless-offline-kafka-esm.recordDecoder');

export type InstallOutcome = 'installed' | 'already-installed' | 'too-late' | 'unsupported';

/**
 * Install the order-keeping record decoder. `too-late`: kafkajs' decoders were loaded before this
 * package (another plugin required the same kafkajs copy first); headers then keep kafkajs' grouping.
 */
export function installOrderedHeaders(): InstallOutcome {
  const load = createRequire(__filename);
  let paths: Record<keyof typeof MODULES, string>;
  try {
    paths = Object.fromEntries(
      Object.entries(MODULES).map(([name, id]) => [name, load.resolve(id)]),
    ) as Record<keyof typeof MODULES, string>;
  } catch {
    return 'unsupported';
  }
  const cachedRecord = load.cache[paths.recordDecoder];
  if (cachedRecord && (cachedRecord.exports as Record<symbol, unknown>)[INSTALLED])
    return 'already-installed';
  if (load.cache[paths.batchDecoder]) return 'too-late';

  load(paths.recordDecoder);
  const Long = load(paths.long) as LongStatic;
  const TimestampTypes = load(paths.timestampTypes) as { LOG_APPEND_TIME: number };
  const decodeHeader = load(paths.headerDecoder) as (decoder: WireDecoder) => {
    key: string;
    value: Buffer | null;
  };

  // kafkajs 2.2.4's record decoder (src/protocol/recordBatch/record/v0/decoder.js), plus the ordered list.
  const decodeRecord = (decoder: WireDecoder, batchContext: BatchContext = {}) => {
    const {
      firstOffset,
      firstTimestamp,
      magicByte,
      isControlBatch = false,
      timestampType,
      maxTimestamp,
    } = batchContext;
    const attributes = decoder.readInt8();
    const timestampDelta = decoder.readVarLong();
    const timestamp =
      timestampType === TimestampTypes.LOG_APPEND_TIME && maxTimestamp
        ? maxTimestamp
        : Long.fromValue(firstTimestamp).add(timestampDelta).toString();
    const offsetDelta = decoder.readVarInt();
    const offset = Long.fromValue(firstOffset).add(offsetDelta).toString();
    const key = decoder.readVarIntBytes();
    const value = decoder.readVarIntBytes();
    const list = decoder.readVarIntArray(decodeHeader);
    const headers: Record<string, Buffer | null | (Buffer | null)[]> = {};
    const ordered: OrderedHeaders = new Array(list.length);
    for (let i = 0; i < list.length; i += 1) {
      const header = list[i]!;
      ordered[i] = [header.key, header.value];
      const seen = headers[header.key];
      headers[header.key] =
        seen === undefined
          ? header.value
          : Array.isArray(seen)
            ? [...seen, header.value]
            : [seen, header.value];
    }
    return {
      magicByte,
      attributes,
      timestamp,
      offset,
      key,
      value,
      headers,
      isControlRecord: isControlBatch,
      batchContext,
      [ORDERED_HEADERS]: ordered,
    };
  };
  Object.defineProperty(decodeRecord, INSTALLED, { value: true });
  const entry = load.cache[paths.recordDecoder];
  if (!entry) return 'unsupported';
  entry.exports = decodeRecord;
  return 'installed';
}
