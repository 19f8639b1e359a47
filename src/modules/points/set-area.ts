import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import { areaListCodec } from './areas.js';
import { readId, schemas } from './args.js';
import { keys } from './keys.js';
import { pointsMethod } from './method.js';

/**
 * A member declares her community (an area the issuer defined), or clears it (no `area`). Her
 * later awards, redemptions, expiries and claw-backs count in that area's report; what happened
 * before stays where it was counted.
 */
export const setArea = pointsMethod<{ program: string; area: string }>({
  summary: 'Declare one’s community for the reports by area, or clear it (a member)',
  args: S.Object(
    { program: schemas.id('program id'), area: S.Optional(schemas.id('an area the issuer defined')) },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'area']);
    return { program: readId(a, 'program'), area: a.has('area') ? readId(a, 'area') : '' };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireMember(p, env.sender);
    if (
      a.area !== '' &&
      !(env.read(keys.areas(p.id), areaListCodec)?.areas ?? []).some((x) => x.id === a.area)
    ) {
      throw new GongzhiError('POINTS_NOT_FOUND', `no area ${a.area}`, { program: p.id, area: a.area });
    }
    const lots = env.booksOf(p).lots;
    const h = lots.holder(env.sender);
    if (h === undefined) throw new GongzhiError('EXEC_INTERNAL', 'member without holdings');
    if (h.area === a.area) {
      throw new GongzhiError('POINTS_INVALID_STATE', 'that is the area already', {
        program: p.id,
        area: a.area,
      });
    }
    lots.putHolder(env.sender, { ...h, area: a.area });
    env.emit('areaSet', { program: p.id, account: env.sender, area: a.area });
  },
});
