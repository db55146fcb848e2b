import type { z } from 'zod';
import { AdultContentData, AdultContentEvent } from './adult-content';
import { AnalyticsData, AnalyticsEvent } from './analytics';
import { BattlePassData, BattlePassEvent } from './battle-pass';
import { CyberTokenData, CyberTokenEvent } from './cyber-tokens';
import type { DataCondition } from './envelope';
import { GameEvent, GameEventData, gachaOpenedCondition } from './game-events';
import { NotificationData, NotificationEvent } from './notifications';
import { FeedbackData, FeedbackEvent } from './real-time-feedback';
import { slotSpinCondition, UserActionData, UserActionEvent } from './user-actions';
import { VipData, VipEvent } from './vip-events';

interface TopicEntry {
  /** The whole record: envelope, data and any kind-specific rule. */
  schema: z.ZodType;
  /** Its `data` alone, and the rule for one kind of event, from which request bodies are built. */
  data: z.ZodType;
  condition?: DataCondition;
  defaultEventType: string;
  purpose: string;
}

/**
 * The nine topics of the backbone, each with the one schema its producers validate before
 * sending and its consumers validate on receipt, and the event type its HTTP endpoint implies.
 */
export const catalogue = {
  user_actions: {
    schema: UserActionEvent,
    data: UserActionData,
    condition: slotSpinCondition,
    defaultEventType: 'user_action',
    purpose: 'what a user does',
  },
  game_events: {
    schema: GameEvent,
    data: GameEventData,
    condition: gachaOpenedCondition,
    defaultEventType: 'game_event',
    purpose: 'in-game events',
  },
  notifications: {
    schema: NotificationEvent,
    data: NotificationData,
    defaultEventType: 'notification',
    purpose: 'notices to users',
  },
  analytics: {
    schema: AnalyticsEvent,
    data: AnalyticsData,
    defaultEventType: 'analytics',
    purpose: 'analytics data',
  },
  real_time_feedback: {
    schema: FeedbackEvent,
    data: FeedbackData,
    defaultEventType: 'real_time_feedback',
    purpose: 'reward feedback shown to the player',
  },
  cyber_tokens: {
    schema: CyberTokenEvent,
    data: CyberTokenData,
    defaultEventType: 'cyber_token',
    purpose: 'in-game currency',
  },
  battle_pass: {
    schema: BattlePassEvent,
    data: BattlePassData,
    defaultEventType: 'battle_pass',
    purpose: 'battle-pass progress',
  },
  adult_content: {
    schema: AdultContentEvent,
    data: AdultContentData,
    defaultEventType: 'adult_content',
    purpose: '19+ content access',
  },
  vip_events: { schema: VipEvent, data: VipData, defaultEventType: 'vip_event', purpose: 'VIP events' },
} as const satisfies Record<string, TopicEntry>;

export type CatalogueTopic = keyof typeof catalogue;
export type TopicEvent<T extends CatalogueTopic> = z.infer<(typeof catalogue)[T]['schema']>;

export const catalogueTopics = Object.keys(catalogue) as CatalogueTopic[];

export const isCatalogueTopic = (topic: string): topic is CatalogueTopic => Object.hasOwn(catalogue, topic);

/** Records that can never be processed go to `<topic>_dlq`, with their coordinates and the reason. */
export const deadLetterTopic = (topic: string): string => `${topic}_dlq`;
