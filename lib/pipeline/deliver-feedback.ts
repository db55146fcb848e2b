import type { FeedbackEvent } from '../events/real-time-feedback';
import { RARITY_FEEDBACK } from './config';
import { notify } from './notify';
import type { Emit } from './stage';

const TITLES: Record<string, string> = {
  BIG_WIN: 'Big win!',
  WIN: 'Winner!',
  NEAR_MISS: 'So close!',
  LOSS: 'Spin again?',
  ...Object.fromEntries(
    Object.entries(RARITY_FEEDBACK).map(([rarity, f]) => [`GACHA_${rarity.toUpperCase()}`, f.title]),
  ),
};

/** `SOME_TYPE` → `Some type`, for feedback types this stage has no title for. */
const humanise = (type: string): string => {
  const words = type
    .toLowerCase()
    .replace(/[_.-]+/g, ' ')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** real_time_feedback → the message the player sees, on `notifications`. Every feedback is delivered. */
export function deliverFeedback(event: FeedbackEvent): Emit[] {
  const { feedback_type, intensity, message } = event.data;
  const title = TITLES[feedback_type] ?? humanise(feedback_type);
  return [
    notify('FEEDBACK', {
      title,
      body: message ?? title,
      relatedEventId: event.event_id,
      details: { feedback_type, ...(intensity !== undefined && { intensity }) },
    }),
  ];
}
