import { GongzhiError } from '../../errors/index.js';
import { type Area, areaListCodec, areaMoveCodec } from './areas.js';
import type { Env } from './env.js';
import { keys } from './keys.js';
import { areaMoveCountCodec } from './marks.js';
import type { Program } from './types.js';

/** The area `id` of program `p`, or POINTS_NOT_FOUND. */
export function foundArea(env: Env, p: Program, id: string): Area {
  const a = (env.read(keys.areas(p.id), areaListCodec)?.areas ?? []).find((x) => x.id === id);
  if (a === undefined)
    throw new GongzhiError('POINTS_NOT_FOUND', `no area ${id}`, { program: p.id, area: id });
  return a;
}

/**
 * Change `account`'s confirmed area to `to` ("" none) and record the move: from now on her awards,
 * redemptions, expiries and claw-backs count in `to`; what was counted before stays where it was.
 */
export function moveMember(env: Env, p: Program, account: string, to: string): void {
  const lots = env.booksOf(p).lots;
  const h = lots.holder(account);
  if (h === undefined) throw new GongzhiError('EXEC_INTERNAL', 'member without holdings');
  const n = (env.read(keys.areaMoves(p.id, account), areaMoveCountCodec) ?? 0) + 1;
  lots.putHolder(account, { ...h, area: to });
  env.write(keys.areaMoves(p.id, account), areaMoveCountCodec, n);
  env.write(keys.areaMove(p.id, account, n), areaMoveCodec, {
    from: h.area,
    to,
    by: env.sender,
    height: env.height,
    ts: env.ts,
  });
  env.emit('areaMoved', { program: p.id, account, from: h.area, to, by: env.sender, move: n });
}
