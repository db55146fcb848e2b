import { z } from 'zod';
import { declareEndpoint } from '../../lib/api/endpoint';
import { httpHandler, ok } from '../../lib/middleware';
import { redrive } from '../../lib/ops/redrive';
import { RedriveBody } from '../../lib/ops/redrive-body';
import { RedriveResponse } from '../../lib/ops/schemas';

export const endpoint = declareEndpoint({
  name: 'redrive-dead-letters',
  method: 'POST',
  path: '/dlq/{topic}/redrive',
  // Only a dead-letter topic can be redriven: anything else is a 400, as the document says. One
  // pattern, not TopicName's chain plus a suffix: a fuzzer draws from it instead of filtering.
  parameters: {
    topic: z
      .string()
      .max(249)
      .regex(/^(?!__)[a-zA-Z0-9._-]+_dlq$/, 'only a dead-letter topic (<topic>_dlq) can be redriven'),
  },
  summary:
    'Put dead letters back on their source topic, bytes and key unchanged, each exactly once (a second call skips what was redriven); dry_run only says what it would do',
  tag: 'ops',
  caller: 'operator',
  request: RedriveBody,
  response: RedriveResponse,
  example: { select: 'all', dry_run: true },
  status: 200,
  errors: ['invalid_topic', 'not_found', 'broker_unavailable'],
  handle: async ({ body, pathParameters }) =>
    ok(
      await redrive({
        dlqTopic: pathParameters.topic ?? '',
        select: body.select,
        dryRun: body.dry_run,
      }),
    ),
});
export const handler = httpHandler(endpoint);
