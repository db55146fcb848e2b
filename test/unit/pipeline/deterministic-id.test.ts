import { EventId } from '../../../lib/events/envelope';
import { outputEventId, uuidV5 } from '../../../lib/middleware/deterministic-id';

describe('deterministic ids', () => {
  it('are RFC 9562 version-5 UUIDs (matching an independent implementation)', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
    expect(uuidV5('hello')).toBe('50a90252-9795-5862-b9ce-002c7f45aa5e');
  });

  it('are accepted by the envelope schema (version and variant nibbles)', () => {
    const id = outputEventId(
      '0b6c1c64-52a7-4f7f-9a55-9b2f6a0c8a11',
      'process-user-action',
      'analytics/GAME_COMPLETED#0',
    );
    expect(EventId.safeParse(id).success).toBe(true);
    expect(id[14]).toBe('5');
    expect('89ab').toContain(id[19]);
  });

  it('repeat for the same input, stage and kind, and differ when any of them differs', () => {
    const input = '0b6c1c64-52a7-4f7f-9a55-9b2f6a0c8a11';
    const id = outputEventId(input, 'stage-a', 'kind');
    expect(outputEventId(input, 'stage-a', 'kind')).toBe(id);
    expect(
      new Set([
        id,
        outputEventId(input, 'stage-b', 'kind'),
        outputEventId(input, 'stage-a', 'other'),
        outputEventId('1b6c1c64-52a7-4f7f-9a55-9b2f6a0c8a11', 'stage-a', 'kind'),
      ]).size,
    ).toBe(4);
  });
});
