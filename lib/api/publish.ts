import type { z } from 'zod';
import { config } from '../config';
import { PayloadTooLargeError } from '../errors';
import type { CatalogueTopic, TopicEvent } from '../events/catalogue';
import { completeEvent, type Delivery, produceValidEvents } from '../events/publish';
import type { messageBody } from './requests';

/**
 * One event or a batch `{"events": [...]}`, already valid for its endpoint: fill in what the server
 * owns (id, time, type) and produce them all in one call. Nothing is sent if the batch is too big.
 */
export async function publishMessages(
  topic: CatalogueTopic,
  body: z.output<ReturnType<typeof messageBody>>,
): Promise<Delivery[]> {
  const isBatch = 'events' in body;
  const inputs: Record<string, unknown>[] = isBatch ? body.events : [body];
  const { batchLimit } = config().kafka.producer;
  if (inputs.length > batchLimit) {
    throw new PayloadTooLargeError(
      `A batch holds at most ${batchLimit} events; this one has ${inputs.length}`,
    );
  }
  // The body passed the topic's own rules (messageBody); what completing adds is valid by construction.
  const events = inputs.map((input) => completeEvent(topic, input) as TopicEvent<typeof topic>);
  return produceValidEvents(topic, events);
}
