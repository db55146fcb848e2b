import { RejectedError } from '../errors';
import type { VipEvent } from '../events/vip-events';
import { VIP_PERKS } from './config';
import { notify } from './notify';
import type { Emit } from './stage';

const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** vip_events `VIP_TIER_REACHED` → a notification of the tier's perks. An unknown tier is dead-lettered. */
export function processVipEvent(event: VipEvent): Emit[] {
  if (event.event_type !== 'VIP_TIER_REACHED') return [];
  const { tier } = event.data;
  const perks = Object.hasOwn(VIP_PERKS, tier) ? VIP_PERKS[tier] : undefined;
  if (!perks)
    throw new RejectedError(`No perks are configured for VIP tier ${JSON.stringify(tier)}`, 'unknown_tier');
  return [
    notify('VIP_PERKS', {
      title: `Welcome to VIP ${capitalise(tier)}`,
      body: `Your ${tier} perks: ${perks.join(', ')}.`,
      relatedEventId: event.event_id,
      details: { tier, perks: [...perks] },
    }),
  ];
}
