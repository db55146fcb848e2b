/**
 * `POST /messages/user-action` as the real endpoint does it (lib/api/message-endpoint →
 * publishMessages → produceEvents: httpHandler's middy stack, body parsing, filling in id/time/type,
 * zod validation of every event, one acks=all produce through the cached producer), but to this
 * run's own topic (BENCH_PRODUCE_TOPIC) so the bench never floods the shared `user_actions`.
 */
import { messageBody } from '../../../lib/api/requests';
import { completeEvent, validateEvents } from '../../../lib/events/publish';
import { sendMessages, toMessage } from '../../../lib/kafka/producer';
import { accepted, httpHandler } from '../../../lib/middleware';

const topic = process.env.BENCH_PRODUCE_TOPIC ?? 'bench-unused-produce';

export const handler = httpHandler({
  name: 'bench-send-user-action',
  caller: 'public',
  request: messageBody('user_actions'),
  handle: async ({ body }) => {
    const isBatch = 'events' in body;
    const inputs: Record<string, unknown>[] = isBatch ? body.events : [body];
    const at = (index: number) => (isBatch ? ['events', index] : []);
    const events = validateEvents(
      'user_actions',
      inputs.map((input) => completeEvent('user_actions', input)),
      at,
    );
    const placed = await sendMessages(
      topic,
      events.map((event) => toMessage(event)),
    );
    return accepted({
      accepted: events.map((event, i) => ({ event_id: event.event_id, topic, ...placed[i]! })),
    });
  },
});
