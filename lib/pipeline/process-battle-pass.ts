import { RejectedError } from '../errors';
import type { BattlePassEvent } from '../events/battle-pass';
import type { Applied, XpGain, XpInput } from '../state';
import { BATTLE_PASS_LEVELS } from './config';
import { amount, notify } from './notify';
import type { StageRule } from './stage';

/** The store operation the stage adds XP with (lib/state addBattlePassXp); tests pass a fake. */
export type AddBattlePassXp = (input: XpInput) => Promise<Applied<XpGain>>;

/** The level a total XP reaches in the level table. */
export function levelFor(totalXp: number): number {
  return BATTLE_PASS_LEVELS.filter((l) => l.xp <= totalXp).at(-1)?.level ?? 1;
}

/**
 * battle_pass `XP_GAINED` → the gain added to the player's stored XP for the season (once per event
 * id) → one `LEVEL_UP` notice per level the stored XP passed. A caller's `total_xp` is not used.
 */
export const processBattlePass =
  (addXp: AddBattlePassXp): StageRule<'battle_pass'> =>
  async (event: BattlePassEvent) => {
    if (event.event_type !== 'XP_GAINED') return [];
    const { season, xp_gained } = event.data;
    if (xp_gained === undefined) {
      throw new RejectedError('XP_GAINED needs xp_gained: the XP this event adds', 'xp_gained_missing');
    }
    // Nothing gained, nothing to store or announce.
    if (xp_gained === 0) return [];
    const gain = await addXp({ userId: event.user_id, eventId: event.event_id, season, xp: xp_gained });
    return gain.levels_passed.map(({ level, reward }) =>
      notify('LEVEL_UP', {
        title: `Level ${level} reached!`,
        body: `Season ${season}: level ${level} unlocked ${reward} (${amount(gain.xp)} XP).`,
        relatedEventId: event.event_id,
        details: { season, level, reward, total_xp: gain.xp },
        kind: `level-${level}`,
      }),
    );
  };
