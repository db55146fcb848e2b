import { RejectedError } from '../errors';
import type { BattlePassEvent } from '../events/battle-pass';
import { BATTLE_PASS_LEVELS } from './config';
import { amount, notify } from './notify';
import type { Emit } from './stage';

/** The level a total XP reaches in the level table. */
export function levelFor(totalXp: number): number {
  return BATTLE_PASS_LEVELS.filter((l) => l.xp <= totalXp).at(-1)?.level ?? 1;
}

/** The levels a gain of XP passes: above the level before it, up to the level after it. */
export function levelsGained(totalXp: number, xpGained: number) {
  const before = levelFor(totalXp - xpGained);
  const after = levelFor(totalXp);
  return BATTLE_PASS_LEVELS.filter((l) => l.level > before && l.level <= after);
}

/** battle_pass `XP_GAINED` → one level-up notification per level gained (none when no level is reached). */
export function processBattlePass(event: BattlePassEvent): Emit[] {
  if (event.event_type !== 'XP_GAINED') return [];
  const { season, total_xp, xp_gained } = event.data;
  if (xp_gained === undefined) {
    throw new RejectedError(
      'XP_GAINED needs xp_gained to tell which levels were passed',
      'xp_gained_missing',
    );
  }
  if (xp_gained > total_xp) {
    throw new RejectedError(`xp_gained (${xp_gained}) exceeds total_xp (${total_xp})`, 'xp_inconsistent');
  }
  return levelsGained(total_xp, xp_gained).map(({ level, reward }) =>
    notify('LEVEL_UP', {
      title: `Level ${level} reached!`,
      body: `Season ${season}: level ${level} unlocked ${reward} (${amount(total_xp)} XP).`,
      relatedEventId: event.event_id,
      details: { season, level, reward, total_xp },
      kind: `level-${level}`,
    }),
  );
}
