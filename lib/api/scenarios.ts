import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { nowEpochSeconds } from '../events/envelope';
import type { CyberTokenEarnRequest, GachaOpenRequest, SlotSpinRequest } from './requests';

/**
 * The first event of each game scenario, built from what the game server reports. Its own id is
 * the correlation id every later stage of the pipeline carries.
 */
export interface ScenarioStart {
  topic: 'user_actions' | 'game_events' | 'cyber_tokens';
  event: {
    event_id: string;
    event_type: string;
    user_id: string;
    timestamp: number;
    correlation_id: string;
    data: Record<string, unknown>;
  };
}

const envelope = (eventType: string, userId: string, id = randomUUID(), timestamp = nowEpochSeconds()) => ({
  event_id: id,
  event_type: eventType,
  user_id: userId,
  timestamp,
  correlation_id: id,
});

const defined = (values: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));

export function slotSpinStart({ user_id, ...spin }: z.output<typeof SlotSpinRequest>): ScenarioStart {
  return {
    topic: 'user_actions',
    event: { ...envelope('SLOT_SPIN', user_id), data: defined({ action: 'SLOT_SPIN', ...spin }) },
  };
}

export function gachaOpenStart({ user_id, ...pull }: z.output<typeof GachaOpenRequest>): ScenarioStart {
  return { topic: 'game_events', event: { ...envelope('GACHA_OPENED', user_id), data: pull } };
}

export function cyberTokenEarnStart({
  user_id,
  ...grant
}: z.output<typeof CyberTokenEarnRequest>): ScenarioStart {
  return { topic: 'cyber_tokens', event: { ...envelope('TOKEN_EARNED', user_id), data: defined(grant) } };
}
