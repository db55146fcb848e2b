import { z } from 'zod';
import { type DataCondition, Money, topicEvent, withDataCondition } from './envelope';

/**
 * One slot spin: the stake, and once the reels stopped what it paid and what they show. A spin
 * without its outcome (the seed's own test message) is a bet placed; with it, a game completed.
 */
export const SlotSpinData = z.looseObject({
  action: z.literal('SLOT_SPIN'),
  bet_amount: Money,
  payout: Money.optional(),
  symbols: z.array(z.string().min(1).max(64)).min(1).max(64).optional(),
  game_id: z.string().min(1).max(128).optional(),
  session_id: z.string().min(1).max(128).optional(),
});

/** The seed's format: `data.action` names what the user did; a `SLOT_SPIN` must at least say what it bet. */
export const UserActionData = z.looseObject({ action: z.string().min(1).max(64) });
export const slotSpinCondition: DataCondition = {
  field: 'data.action',
  equals: 'SLOT_SPIN',
  data: SlotSpinData,
};
export const UserActionEvent = withDataCondition(topicEvent(UserActionData), slotSpinCondition);
export type SlotSpin = z.infer<typeof SlotSpinData>;
export type UserActionEvent = z.infer<typeof UserActionEvent>;
