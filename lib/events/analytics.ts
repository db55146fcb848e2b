import { z } from 'zod';
import { topicEvent } from './envelope';

/** Analytics records are open-ended metrics; `metric` names what is measured. */
export const AnalyticsData = z.looseObject({ metric: z.string().min(1).max(64).optional() });
export const AnalyticsEvent = topicEvent(AnalyticsData);
export type AnalyticsEvent = z.infer<typeof AnalyticsEvent>;
