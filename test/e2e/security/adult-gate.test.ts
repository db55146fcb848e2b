/**
 * The 19+ content gate (gate-adult-content) through the real service: requests written straight to
 * `adult_content` with kcat, malformed, unverified, under-age, of unknown age, with wrong types,
 * and generated ones (fast-check). Only a well-formed request that is `verified` with
 * `verified_age` ≥ 19 is ever allowed; every other one is denied or dead-lettered, never allowed.
 */
jest.setTimeout(300_000);

import fc from 'fast-check';
import { uniqueName } from '../../helpers/names';
import { waitFor } from '../../helpers/wait';
import {
  allEvents,
  deadLettersOf,
  deleteGroups,
  type Stack,
  startEvent,
  startStack,
  writeRaw,
} from '../pipelines/pipeline';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack('adult-gate');
});

afterAll(async () => {
  await stack?.stop();
  if (stack) await deleteGroups(stack.groupPrefix);
});

interface Case {
  key: string;
  value: string;
  /** The only requests that may ever be allowed. */
  mayBeAllowed: boolean;
}

const request = (data: Record<string, unknown>, overrides: Record<string, unknown> = {}) => {
  const user = uniqueName('gate');
  const event = {
    ...startEvent('CONTENT_ACCESS', user, { content_id: 'vip-lounge', ...data }),
    ...overrides,
  };
  return { key: user, value: JSON.stringify(event), id: event.event_id as string };
};

it('only verified requests of age 19 or more are allowed; nothing malformed, unverified or under-age gets through', async () => {
  const fixed: Case[] = [
    { ...request({ verification_state: 'verified', verified_age: 19 }), mayBeAllowed: true },
    { ...request({ verification_state: 'verified', verified_age: 18 }), mayBeAllowed: false },
    { ...request({ verification_state: 'verified' }), mayBeAllowed: false },
    { ...request({ verification_state: 'pending', verified_age: 40 }), mayBeAllowed: false },
    { ...request({ verification_state: 'unverified', verified_age: 40 }), mayBeAllowed: false },
    { ...request({ verified_age: 40 }), mayBeAllowed: false },
    { ...request({ verification_state: 'VERIFIED', verified_age: 40 }), mayBeAllowed: false },
    { ...request({ verification_state: 'verified', verified_age: '40' }), mayBeAllowed: false },
    { ...request({ verification_state: 'verified', verified_age: 19.5 }), mayBeAllowed: false },
    { ...request({ verification_state: 'verified', verified_age: -1 }), mayBeAllowed: false },
    { ...request({ verification_state: ['verified'], verified_age: 30 }), mayBeAllowed: false },
    {
      ...request({ verification_state: 'verified', verified_age: 30 }, { user_id: '' }),
      mayBeAllowed: false,
    },
    {
      key: uniqueName('gate'),
      value: '{"data":{"verification_state":"verified","verified_age":30}',
      mayBeAllowed: false,
    },
    { key: uniqueName('gate'), value: 'verified 30', mayBeAllowed: false },
  ];
  const generated: Case[] = fc
    .sample(
      fc.record({
        verification_state: fc.oneof(
          fc.constantFrom('verified', 'pending', 'failed', 'unverified'),
          fc.string({ maxLength: 10 }),
          fc.constant(undefined),
        ),
        verified_age: fc.oneof(
          fc.integer({ min: -5, max: 120 }),
          fc.double(),
          fc.string({ maxLength: 3 }),
          fc.constant(undefined),
        ),
      }),
      { numRuns: 40, seed: 19 },
    )
    .map((data) => {
      const body = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
      const mayBeAllowed =
        data.verification_state === 'verified' &&
        Number.isInteger(data.verified_age) &&
        (data.verified_age as number) >= 19;
      return { ...request(body), mayBeAllowed };
    });
  const cases = [...fixed, ...generated];
  await writeRaw('adult_content', cases);

  const keys = new Set(cases.map((c) => c.key));
  const outcomes = await waitFor(
    async () => {
      const decisions = (await allEvents('analytics')).filter(
        (e) => e.event_type === 'ADULT_CONTENT_DECISION' && keys.has(e.user_id),
      );
      const letters = await deadLettersOf('adult_content', (l) => keys.has(l.key as string));
      const decided = new Map<string, string[]>();
      for (const d of decisions) decided.set(d.user_id, [...(decided.get(d.user_id) ?? []), d.data.decision]);
      for (const l of letters)
        decided.set(l.key as string, [...(decided.get(l.key as string) ?? []), 'dead-lettered']);
      return decided.size >= cases.length ? decided : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 1000, what: `an outcome for each of ${cases.length} access requests` },
  );

  const wronglyAllowed = cases.filter((c) => !c.mayBeAllowed && outcomes.get(c.key)?.includes('allowed'));
  const wronglyRefused = cases.filter(
    (c) => c.mayBeAllowed && !outcomes.get(c.key)?.every((o) => o === 'allowed'),
  );
  expect(wronglyAllowed.map((c) => c.value)).toEqual([]);
  expect(wronglyRefused.map((c) => c.value)).toEqual([]);
  expect(cases.filter((c) => c.mayBeAllowed).length).toBeGreaterThan(0);
});
