import { z } from 'zod';
import { topicEvent } from './envelope';

/** VIP status changes, e.g. `VIP_TIER_REACHED` with the tier. */
export const VipData = z.looseObject({
  tier: z.string().min(1).max(32),
  total_spend: z.number().finite().nonnegative().optional(),
});
export const VipEvent = topicEvent(VipData);
export type VipEvent = z.infer<typeof VipEvent>;
