import type { Rarity } from '../events/game-events';

/**
 * The tables the pipeline rules decide with. They are code, reviewed like code: a change here
 * changes what players are told, so it ships with the rules' tests.
 */

/** Slot feedback: a spin paying at least this multiple of its bet is a big win. */
export const BIG_WIN_MULTIPLIER = 10;

/** Gacha feedback ("dopamine trigger") by the best rarity pulled: stronger for rarer items. */
export const RARITY_FEEDBACK: Record<Rarity, { intensity: number; title: string }> = {
  common: { intensity: 0.2, title: 'New item' },
  rare: { intensity: 0.45, title: 'Rare find!' },
  epic: { intensity: 0.75, title: 'Epic pull!' },
  legendary: { intensity: 1, title: 'Legendary pull!' },
};

/** Rarities from lowest to highest. */
export const RARITY_ORDER: readonly Rarity[] = ['common', 'rare', 'epic', 'legendary'];

/**
 * VIP tiers by total spend (the first is the VIP threshold). A spend that takes the user's total
 * from below a tier's threshold to at or above it emits that tier on `vip_events`.
 */
export const VIP_TIERS: readonly { tier: string; minSpend: number }[] = [
  { tier: 'silver', minSpend: 1_000 },
  { tier: 'gold', minSpend: 5_000 },
  { tier: 'platinum', minSpend: 20_000 },
];

/** What each VIP tier unlocks, told to the user when they reach it. */
export const VIP_PERKS: Record<string, readonly string[]> = {
  silver: ['5% bonus on token purchases', 'daily silver chest'],
  gold: ['10% bonus on token purchases', 'daily gold chest', 'priority support'],
  platinum: ['15% bonus on token purchases', 'daily platinum chest', 'priority support', 'personal host'],
};

/** Battle-pass levels: the total XP a level needs and what it rewards. Level 1 is where everyone starts. */
export const BATTLE_PASS_LEVELS: readonly { level: number; xp: number; reward: string }[] = [
  { level: 1, xp: 0, reward: 'season badge' },
  { level: 2, xp: 100, reward: '50 cyber tokens' },
  { level: 3, xp: 250, reward: 'common chest' },
  { level: 4, xp: 450, reward: '100 cyber tokens' },
  { level: 5, xp: 700, reward: 'rare chest' },
  { level: 6, xp: 1_000, reward: '150 cyber tokens' },
  { level: 7, xp: 1_350, reward: 'slot skin' },
  { level: 8, xp: 1_750, reward: '200 cyber tokens' },
  { level: 9, xp: 2_200, reward: 'epic chest' },
  { level: 10, xp: 2_700, reward: '300 cyber tokens' },
  { level: 11, xp: 3_250, reward: 'avatar frame' },
  { level: 12, xp: 3_850, reward: '400 cyber tokens' },
  { level: 13, xp: 4_500, reward: 'epic chest' },
  { level: 14, xp: 5_200, reward: '500 cyber tokens' },
  { level: 15, xp: 6_000, reward: 'legendary chest' },
];

/** Korea's legal age for 19+ content: access needs a verified age of at least this. */
export const ADULT_MINIMUM_AGE = 19;
