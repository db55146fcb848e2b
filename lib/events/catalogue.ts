import type { z } from 'zod';
import { AdultContentEvent } from './adult-content';
import { AnalyticsEvent } from './analytics';
import { BattlePassEvent } from './battle-pass';
import { CyberTokenEvent } from './cyber-tokens';
import { GameEvent } from './game-events';
import { NotificationEvent } from './notifications';
import { FeedbackEvent } from './real-time-feedback';
import { UserActionEvent } from './user-actions';
import { VipEvent } from './vip-events';

/**
 * The nine topics of the backbone, each with the one schema its producers validate before
 * sending and its consumers validate on receipt, and the event type its HTTP endpoint implies.
 */
export const catalogue = {
  user_actions: { schema: UserActionEvent, defaultEventType: 'user_action', purpose: 'what a user does' },
  game_events: { schema: GameEvent, defaultEventType: 'game_event', purpose: 'in-game events' },
  notifications: { schema: NotificationEvent, defaultEventType: 'notification', purpose: 'notices to users' },
  analytics: { schema: AnalyticsEvent, defaultEventType: 'analytics', purpose: 'analytics data' },
  real_time_feedback: {
    schema: FeedbackEvent,
    defaultEventType: 'real_time_feedback',
    purpose: 'reward feedback shown to the player',
  },
  cyber_tokens: { schema: CyberTokenEvent, defaultEventType: 'cyber_token', purpose: 'in-game currency' },
  battle_pass: { schema: BattlePassEvent, defaultEventType: 'battle_pass', purpose: 'battle-pass progress' },
  adult_content: {
    schema: AdultContentEvent,
    defaultEventType: 'adult_content',
    purpose: '19+ content access',
  },
  vip_events: { schema: VipEvent, defaultEventType: 'vip_event', purpose: 'VIP events' },
} as const satisfies Record<string, { schema: z.ZodType; defaultEventType: string; purpose: string }>;

export type CatalogueTopic = keyof typeof catalogue;
export type TopicEvent<T extends CatalogueTopic> = z.infer<(typeof catalogue)[T]['schema']>;

export const catalogueTopics = Object.keys(catalogue) as CatalogueTopic[];

export const isCatalogueTopic = (topic: string): topic is CatalogueTopic => Object.hasOwn(catalogue, topic);

/** Records that can never be processed go to `<topic>_dlq`, with their coordinates and the reason. */
export const deadLetterTopic = (topic: string): string => `${topic}_dlq`;
