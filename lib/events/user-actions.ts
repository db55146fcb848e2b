import { z } from 'zod';
import { Money, refineWith, topicEvent } from './envelope';

/** What the game server reports of one slot spin: the stake, what it paid and the reels. */
export const SlotSpinData = z.looseObject({
  action: z.literal('SLOT_SPIN'),
  bet_amount: Money,
  payout: Money,
  symbols: z.array(z.string().min(1).max(64)).min(1).max(64),
  game_id: z.string().min(1).max(128).optional(),
  session_id: z.string().min(1).max(128).optional(),
});

/** The seed's format: `data.action` names what the user did; a `SLOT_SPIN` must say what it bet and paid. */
export const UserActionData = z.looseObject({ action: z.string().min(1).max(64) });
export const UserActionEvent = topicEvent(UserActionData).superRefine((event, ctx) => {
  if (event.data.action === 'SLOT_SPIN') refineWith(ctx, SlotSpinData, event.data, ['data']);
});
export type SlotSpin = z.infer<typeof SlotSpinData>;
export type UserActionEvent = z.infer<typeof UserActionEvent>;
