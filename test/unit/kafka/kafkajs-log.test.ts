import { logLevel } from 'kafkajs';
import { kafkajsEntryLevel } from '../../../lib/kafka/kafkajs-log';

describe("kafkajsEntryLevel: kafkajs' log entries at our levels", () => {
  it.each([
    'This server is not the leader for that topic-partition',
    'There is no leader for this topic-partition as we are in the middle of a leadership election',
    'This server does not host this topic-partition',
  ])('makes a response kafkajs retries after a metadata refresh a debug line: %s', (error) => {
    expect(kafkajsEntryLevel(logLevel.ERROR, 'Response ListOffsets(key: 2, version: 3)', error)).toBe(
      'debug',
    );
  });

  it('keeps any other error response an error', () => {
    expect(
      kafkajsEntryLevel(
        logLevel.ERROR,
        'Response SaslAuthenticate(key: 36, version: 1)',
        'Authentication failed',
      ),
    ).toBe('error');
  });

  it('keeps a stale-metadata message that is not a response log (a final failure) an error', () => {
    expect(
      kafkajsEntryLevel(
        logLevel.ERROR,
        '[Producer] Failed to send',
        'This server is not the leader for that topic-partition',
      ),
    ).toBe('error');
  });

  it("drops the idempotent producer's retry-limit warning, maps the rest by level", () => {
    expect(
      kafkajsEntryLevel(
        logLevel.WARN,
        'Limiting retries for the idempotent producer to Number.MAX_SAFE_INTEGER',
        undefined,
      ),
    ).toBeUndefined();
    expect(kafkajsEntryLevel(logLevel.WARN, 'Connection timeout', undefined)).toBe('warn');
    expect(kafkajsEntryLevel(logLevel.INFO, 'Consumer has joined the group', undefined)).toBe('debug');
  });
});
