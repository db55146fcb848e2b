import type { Admin } from '../../../lib/offline/src/lambda-event';
import { describeOffsets, planStart } from '../../../lib/offline/src/starting-position';

/** Just the admin calls planStart makes, with canned answers. */
function fakeAdmin(committed: Record<number, string>) {
  const calls: unknown[] = [];
  const admin = {
    fetchOffsets: async () => [
      {
        topic: 't',
        partitions: Object.entries(committed).map(([partition, offset]) => ({
          partition: Number(partition),
          offset,
          metadata: null,
        })),
      },
    ],
    fetchTopicOffsets: async () => [
      { partition: 0, offset: '9', high: '9', low: '2' },
      { partition: 1, offset: '5', high: '5', low: '0' },
    ],
    fetchTopicOffsetsByTimestamp: async (_topic: string, timestamp: number) => {
      calls.push(['byTimestamp', timestamp]);
      return [
        { partition: 0, offset: '7' },
        { partition: 1, offset: '3' },
      ];
    },
    setOffsets: async (args: unknown) => {
      calls.push(['setOffsets', args]);
    },
  };
  return { admin: admin as unknown as Admin, calls };
}

describe('where a mapping starts', () => {
  it('a group with committed offsets resumes there and ignores startingPosition', async () => {
    const { admin } = fakeAdmin({ 0: '4', 1: '1' });
    expect(await planStart(admin, 'g', 't', 'LATEST', undefined)).toEqual({
      resumed: [
        { partition: 0, offset: '4' },
        { partition: 1, offset: '1' },
      ],
      started: [],
    });
  });

  it('TRIM_HORIZON starts at the low watermark, LATEST at the high one, per partition without offsets', async () => {
    const { admin } = fakeAdmin({ 0: '-1', 1: '3' });
    expect(await planStart(admin, 'g', 't', 'TRIM_HORIZON', undefined)).toEqual({
      resumed: [{ partition: 1, offset: '3' }],
      started: [{ partition: 0, offset: '2' }],
    });
    expect((await planStart(admin, 'g', 't', 'LATEST', undefined)).started).toEqual([
      { partition: 0, offset: '9' },
    ]);
  });

  it('AT_TIMESTAMP looks the offsets up by the timestamp, given in seconds', async () => {
    const { admin, calls } = fakeAdmin({ 0: '-1', 1: '-1' });
    expect((await planStart(admin, 'g', 't', 'AT_TIMESTAMP', 1_700_000_000)).started).toEqual([
      { partition: 0, offset: '7' },
      { partition: 1, offset: '3' },
    ]);
    expect(calls).toContainEqual(['byTimestamp', 1_700_000_000_000]);
  });

  it('describes offsets by partition', () => {
    expect(
      describeOffsets([
        { partition: 1, offset: '5' },
        { partition: 0, offset: '2' },
      ]),
    ).toBe('0@2,1@5');
  });
});
