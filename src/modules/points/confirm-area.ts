import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import { foundArea, moveMember } from './area-members.js';
import { areaConfirmed, areaMoveCodec, areaRequestCodec } from './areas.js';
import { readAddr, readId, schemas } from './args.js';
import { keys } from './keys.js';
import { areaMoveCountCodec } from './marks.js';
import { pointsMethod } from './method.js';
import { capacitiesOf } from './roles.js';

export interface ConfirmAreaArgs {
  readonly program: string;
  readonly account: string;
  readonly area: string;
}

/**
 * An accountable party sets a member's area: the issuer (the program's registrar) sets or moves
 * any member's area, e.g. from the household register; the area's community worker only confirms
 * a member's own pending request for that area (her consent and the worker's check together). The
 * confirmer is never the member herself, and a worker who is a member of the program confirms
 * nobody. Every change is recorded as a move (who, from, to, when). An area she set herself before
 * confirmation existed (no move confirms it, `unconfirmedAreas`) is re-confirmed the same way —
 * by the issuer or the area's worker, her own declaration standing as her request.
 */
export const confirmArea = pointsMethod<ConfirmAreaArgs>({
  summary: 'Set or confirm a member’s area (the issuer, or the area’s worker for her pending request)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      account: schemas.addr('the member'),
      area: schemas.id('the area'),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'account', 'area']);
    return { program: readId(a, 'program'), account: readAddr(a, 'account'), area: readId(a, 'area') };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    const area = foundArea(env, p, a.area);
    const registrar = p.issuer === env.sender;
    if (!registrar && (area.worker === '' || area.worker !== env.sender)) {
      throw new GongzhiError(
        'POINTS_WRONG_ROLE',
        'only the issuer or the area’s worker confirms its residents',
        {
          program: p.id,
          area: a.area,
          account: env.sender,
        },
      );
    }
    if (a.account === env.sender) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'nobody confirms their own area', { program: p.id });
    }
    if (!registrar && capacitiesOf(env, p, env.sender).includes('member')) {
      throw new GongzhiError('POINTS_ROLE_CONFLICT', 'a worker who is a member confirms nobody', {
        program: p.id,
        account: env.sender,
        holds: 'member',
      });
    }
    env.requireMember(p, a.account);
    const h = env.booksOf(p).lots.holder(a.account);
    const moves = env.read(keys.areaMoves(p.id, a.account), areaMoveCountCodec) ?? 0;
    const last = moves === 0 ? undefined : env.read(keys.areaMove(p.id, a.account, moves), areaMoveCodec);
    // her area, self-declared before confirmation existed: confirming it is what is asked for
    const reconfirm = h !== undefined && h.area === a.area && !areaConfirmed(last, a.account, h.area);
    if (h?.area === a.area && !reconfirm) {
      throw new GongzhiError('POINTS_INVALID_STATE', 'that is the member’s area already', {
        program: p.id,
        area: a.area,
      });
    }
    const reqKey = keys.areaRequest(p.id, a.account);
    const pending = env.read(reqKey, areaRequestCodec);
    if (!registrar && !reconfirm && pending?.area !== a.area) {
      throw new GongzhiError('POINTS_INVALID_STATE', 'the member has not asked for this area', {
        program: p.id,
        account: a.account,
        area: a.area,
        ...(pending === undefined ? {} : { asked: pending.area }),
      });
    }
    if (pending !== undefined) env.delete(reqKey);
    moveMember(env, p, a.account, a.area);
  },
});
