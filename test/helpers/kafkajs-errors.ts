/**
 * kafkajs errors as the client builds them, for unit tests of our handling of its failure modes.
 * Its type declarations lag its constructors; these casts match the runtime signatures.
 */
import { KafkaJSProtocolError, KafkaJSSASLAuthenticationError } from 'kafkajs';

export const ProtocolError = KafkaJSProtocolError as unknown as new (e: {
  type: string;
  code: number;
  retriable: boolean;
  message: string;
}) => KafkaJSProtocolError;

export const SaslError = KafkaJSSASLAuthenticationError as unknown as new (
  message: string,
) => KafkaJSSASLAuthenticationError;
