import { randomBytes } from 'node:crypto';

/** A topic or group name no other test (or earlier run) uses. */
export const uniqueName = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
