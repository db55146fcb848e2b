import { config } from '../config';
import { PayloadTooLargeError, ValidationError } from '../errors';
import type { CatalogueTopic } from '../events/catalogue';
import { completeEvent, type Delivery, produceEvents } from '../events/publish';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Accept one event or a batch `{"events": [...]}`, fill in what the server owns (id, time, type),
 * validate every event and produce them all in one call. Nothing is sent if any event is wrong.
 */
export async function publishMessages(
  topic: CatalogueTopic,
  body: Record<string, unknown>,
): Promise<Delivery[]> {
  const isBatch = Object.hasOwn(body, 'events');
  const inputs = isBatch ? body.events : [body];
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new ValidationError('events must be a non-empty array of events', [
      { path: 'events', message: 'must be a non-empty array of events' },
    ]);
  }
  if (isBatch && Object.keys(body).length > 1) {
    const extra = Object.keys(body).filter((k) => k !== 'events');
    throw new ValidationError(`A batch holds only "events"; unexpected: ${extra.join(', ')}`, [
      { path: '', message: `unrecognized keys: ${extra.join(', ')}` },
    ]);
  }
  const { batchLimit } = config().kafka.producer;
  if (inputs.length > batchLimit) {
    throw new PayloadTooLargeError(
      `A batch holds at most ${batchLimit} events; this one has ${inputs.length}`,
    );
  }
  const at = (index: number) => (isBatch ? ['events', index] : []);
  const events = inputs.map((input, index) => {
    if (!isObject(input)) {
      const path = at(index).join('.');
      throw new ValidationError(`${path || 'body'} must be a JSON object`, [
        { path, message: 'must be a JSON object' },
      ]);
    }
    return completeEvent(topic, input);
  });
  return produceEvents(topic, events, at);
}
