import { createKafka } from '../../../lib/offline/src/kafka-client';
import { resolveOptions } from '../../../lib/offline/src/options';
import type { Logger } from '../../../lib/offline/src/serverless-types';

/** The emulator's kafkajs client, its log captured by level. */
function clientWithLog() {
  const lines: { level: keyof Logger; text: string }[] = [];
  const log: Logger = {
    notice: (text) => lines.push({ level: 'notice', text }),
    warning: (text) => lines.push({ level: 'warning', text }),
    error: (text) => lines.push({ level: 'error', text }),
    debug: (text) => lines.push({ level: 'debug', text }),
  };
  const kafka = createKafka(resolveOptions({}, {}, { KAFKA_BROKERS: 'localhost:1' }), log);
  return { logger: kafka.logger(), lines };
}

describe("the emulator's kafkajs log", () => {
  it('prints an error response kafkajs retries after a metadata refresh as a debug line', () => {
    const { logger, lines } = clientWithLog();
    logger.error('Response ListOffsets(key: 2, version: 3)', {
      error: 'This server is not the leader for that topic-partition',
    });
    expect(lines).toEqual([
      {
        level: 'debug',
        text: 'kafkajs: Response ListOffsets(key: 2, version: 3) (This server is not the leader for that topic-partition)',
      },
    ]);
  });

  it('keeps other errors and warnings at their level', () => {
    const { logger, lines } = clientWithLog();
    logger.error('Response SaslAuthenticate(key: 36, version: 1)', { error: 'Authentication failed' });
    logger.warn('Connection timeout');
    expect(lines.map((l) => l.level)).toEqual(['error', 'warning']);
  });
});
