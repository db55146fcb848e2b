/**
 * On-failure destinations. A `kafka://<topic>` destination receives AWS's failure record, one
 * message per failed record, keyed with the record's key, produced on the local broker. SQS, SNS
 * and S3 destinations cannot be reached locally: their failure record is written to the log.
 */

import type { Destination } from './event-sources';
import { type FailedRecords, failureMessages } from './failure-record';
import type { EventSourceMeta, Kafka, Producer } from './lambda-event';
import type { Logger } from './serverless-types';

export interface DestinationSender {
  send(
    destination: Destination,
    failed: FailedRecords,
    context: { functionArn: string; meta: EventSourceMeta },
  ): Promise<void>;
  close(): Promise<void>;
}

export function createDestinationSender(kafka: Kafka, log: Logger): DestinationSender {
  // kafkajs' default partitioner is the Java-compatible one (key-hashed, as AWS produces); its
  // "no partitioner given" warning is noise here. Only this (plugin) process is affected.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  let producer: Promise<Producer> | undefined;
  const connected = (): Promise<Producer> => {
    producer ??= (async () => {
      const p = kafka.producer({ allowAutoTopicCreation: false });
      try {
        await p.connect();
      } catch (error) {
        producer = undefined;
        throw error;
      }
      return p;
    })();
    return producer;
  };
  return {
    async send(destination, failed, context) {
      const messages = failureMessages(failed, context);
      if (destination.kind === 'kafka') {
        const p = await connected();
        await p.send({ topic: destination.topic, acks: -1, messages });
        return;
      }
      for (const message of messages) {
        log.warning(
          `on-failure destination ${destination.uri} is not emulated locally; failure record: ${message.value}`,
        );
      }
    },
    async close() {
      const pending = producer;
      producer = undefined;
      if (pending) await (await pending.catch(() => undefined))?.disconnect();
    },
  };
}
