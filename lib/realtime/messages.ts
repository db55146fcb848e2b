import { z } from 'zod';

/**
 * What a client may send on the socket (route selection `$request.body.action`; all reach `$default`)
 * and the control messages the server sends back. A notification is sent exactly as it sits on the
 * `notifications` topic (it has `event_id` and no `action`); a control message always has `action`.
 */

export const ClientMessage = z.discriminatedUnion('action', [
  /** Send me what I have not acknowledged, oldest first (right after opening the socket). */
  z.strictObject({ action: z.literal('sync') }),
  z.strictObject({
    action: z.literal('ack'),
    event_ids: z.array(z.string().min(1).max(256)).min(1).max(100),
  }),
  z.strictObject({ action: z.literal('ping') }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export type ServerMessage =
  | { action: 'synced'; sent: number }
  | { action: 'acked'; event_ids: string[]; unknown: string[] }
  | { action: 'pong'; at: number }
  | { action: 'error'; message: string };
