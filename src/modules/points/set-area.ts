import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import { foundArea, moveMember } from './area-members.js';
import { areaRequestCodec } from './areas.js';
import { readId, schemas } from './args.js';
import { keys } from './keys.js';
import { pointsMethod } from './method.js';

/**
 * A member asks for her community (an area the issuer defined): the request is pending, counted in
 * no report, until the area's worker or the issuer confirms it (`confirmArea`) — a member's own
 * word would let anyone inflate a community's figures. Without `area` she withdraws her pending
 * request and leaves her confirmed area at once (leaving can only take figures away; the move is
 * recorded).
 */
export const setArea = pointsMethod<{ program: string; area: string }>({
  summary:
    'Ask for one’s community (pending until its worker or the issuer confirms), or leave it (a member)',
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
    if (a.area !== '') foundArea(env, p, a.area);
    const h = env.booksOf(p).lots.holder(env.sender);
    if (h === undefined) throw new GongzhiError('EXEC_INTERNAL', 'member without holdings');
    const reqKey = keys.areaRequest(p.id, env.sender);
    const pending = env.read(reqKey, areaRequestCodec);
    if (a.area === '') {
      if (pending === undefined && h.area === '') {
        throw new GongzhiError('POINTS_INVALID_STATE', 'no area and no request to withdraw', {
          program: p.id,
        });
      }
      if (pending !== undefined) env.delete(reqKey);
      if (h.area !== '') moveMember(env, p, env.sender, '');
      env.emit('areaRequested', { program: p.id, account: env.sender, area: '' });
      return;
    }
    if (h.area === a.area || pending?.area === a.area) {
      throw new GongzhiError(
        'POINTS_INVALID_STATE',
        h.area === a.area ? 'that is the area already' : 'that area is asked for already',
        { program: p.id, area: a.area },
      );
    }
    env.write(reqKey, areaRequestCodec, { area: a.area, height: env.height, ts: env.ts });
    env.emit('areaRequested', { program: p.id, account: env.sender, area: a.area });
  },
});
