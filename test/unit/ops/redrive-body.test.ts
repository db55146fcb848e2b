import { ValidationError } from '../../../lib/errors';
import { redriveRequest } from '../../../lib/ops/redrive-body';

describe('redrive request body', () => {
  it('accepts all, event ids and an offset range, dry run off unless asked', () => {
    expect(redriveRequest('user_actions_dlq', { select: 'all' })).toEqual({
      dlqTopic: 'user_actions_dlq',
      select: 'all',
      dryRun: false,
    });
    expect(redriveRequest('t_dlq', { select: { event_ids: ['a', 'b'] }, dry_run: true })).toEqual({
      dlqTopic: 't_dlq',
      select: { event_ids: ['a', 'b'] },
      dryRun: true,
    });
    expect(redriveRequest('t_dlq', { select: { partition: 1, from: 3, to: 3 } }).select).toEqual({
      partition: 1,
      from: 3,
      to: 3,
    });
  });

  it.each([
    [{}, 'select'],
    [{ select: 'some' }, 'select'],
    [{ select: { event_ids: [] } }, 'select.event_ids'],
    [{ select: { partition: 0, from: 5, to: 2 } }, 'select.from'],
    [{ select: { partition: -1, from: 0, to: 1 } }, 'select.partition'],
    [{ select: 'all', dry_run: 'yes' }, 'dry_run'],
    [{ select: 'all', extra: 1 }, ''],
  ])('refuses %j naming %s (400)', (body, path) => {
    let error: unknown;
    try {
      redriveRequest('t_dlq', body);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const validation = error as ValidationError;
    expect(validation.statusCode).toBe(400);
    expect(validation.issues.map((i) => i.path)).toContain(path);
  });
});
