/**
 * kafkajs logs every error response at ERROR before it refreshes its metadata and retries, so a
 * topic created a moment ago or a leader that just moved prints "This server is not the leader…"
 * although the request then succeeds. Such responses are debug lines; a request that still fails
 * reaches its caller. Dependency-free: the application's Lambda bundles import it too (subpath
 * `serverless-offline-kafka-esm/kafkajs-log`).
 */

/** kafkajs' messages for the errors it answers with a metadata refresh and a retry. */
const STALE_METADATA = new Set([
  'This server is not the leader for that topic-partition',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  'This server does not host this topic-partition',
]);

/** Whether a kafkajs log entry is an error response that kafkajs itself retries. */
export const isRetriedResponse = (message: string, error: unknown): boolean =>
  message.startsWith('Response ') && typeof error === 'string' && STALE_METADATA.has(error);
