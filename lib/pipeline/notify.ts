import type { Emit } from './stage';

/**
 * The notification types the pipelines send. `notifications` is the end of every pipeline and its
 * shape is a contract (user, type, title, body, related event) for push services and WebSocket bridges.
 */
export type NotificationType =
  | 'REWARD'
  | 'FEEDBACK'
  | 'TOKENS_GRANTED'
  | 'TOKENS_SPENT'
  | 'TOKENS_SPEND_REJECTED'
  | 'LEVEL_UP'
  | 'VIP_PERKS'
  | 'ACCESS_DENIED';

/** A notice to the input's user about `relatedEventId`, with type-specific details beside the contract fields. */
export function notify(
  type: NotificationType,
  notice: {
    title: string;
    body: string;
    relatedEventId: string;
    details?: Record<string, unknown>;
    kind?: string;
  },
): Emit {
  return {
    topic: 'notifications',
    event_type: 'notification',
    data: {
      ...notice.details,
      type,
      title: notice.title,
      body: notice.body,
      related_event_id: notice.relatedEventId,
    },
    ...(notice.kind !== undefined && { kind: notice.kind }),
  };
}

/** Up to two decimals, for intensities and ratios people read. */
export const round2 = (value: number): number => Math.round(value * 100) / 100;

/** `1234.5` → `1,234.5`, for amounts in messages. */
export const amount = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 2 });
