import { createHash } from 'node:crypto';

/** The namespace of every id a pipeline stage derives (a fixed, random UUID of this project). */
export const PIPELINE_NAMESPACE = '6f1c2d0e-8a43-4e0b-9b7d-3c5a1f2e4d61';

const uuidBytes = (uuid: string): Buffer => Buffer.from(uuid.replace(/-/g, ''), 'hex');

/**
 * RFC 9562 UUID version 5: SHA-1 of the namespace and the name, with the version and variant bits
 * set. The same parts always give the same id, so a redelivered batch produces the ids it produced
 * before and a deduplicating reader sees nothing new.
 */
export function uuidV5(name: string, namespace = PIPELINE_NAMESPACE): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The id of one output of a stage: derived from its input's id, the stage and the output's kind. */
export const outputEventId = (inputEventId: string, stage: string, kind: string): string =>
  uuidV5(`${inputEventId}\n${stage}\n${kind}`);
