import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import { areaListCodec } from './areas.js';
import { readAddr, readId, schemas } from './args.js';
import { keys } from './keys.js';
import { pointsMethod } from './method.js';
import { capacitiesOf } from './roles.js';

export interface SetAreaWorkerArgs {
  readonly program: string;
  readonly area: string;
  /** The new community worker (absent: none, the issuer alone confirms). */
  readonly worker?: string;
}

/**
 * The registrar (the issuer) changes an area's community worker — a worker leaves, or was found
 * confirming strangers. Confirm rights follow the area list, so the old worker loses them in the
 * same block; her past confirmations stay recorded as moves. The new worker is never a member of
 * the program (POINTS_ROLE_CONFLICT, as for `defineArea`), and a change to the same worker is
 * refused (POINTS_INVALID_STATE) so every `areaWorkerChanged` event is a change.
 */
export const setAreaWorker = pointsMethod<SetAreaWorkerArgs>({
  summary: 'Change an area’s community worker, or remove it (the issuer)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      area: schemas.id('area id'),
      worker: S.Optional(schemas.addr('the new community worker (absent: none)')),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'area', 'worker']);
    return {
      program: readId(a, 'program'),
      area: readId(a, 'area'),
      ...(a.has('worker') ? { worker: readAddr(a, 'worker') } : {}),
    };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'issuer');
    const list = env.read(keys.areas(p.id), areaListCodec)?.areas ?? [];
    const i = list.findIndex((x) => x.id === a.area);
    const area = list[i];
    if (area === undefined) {
      throw new GongzhiError('POINTS_NOT_FOUND', `no area ${a.area}`, { program: p.id, area: a.area });
    }
    const to = a.worker ?? '';
    if (to === area.worker) {
      throw new GongzhiError('POINTS_INVALID_STATE', 'the area has this worker already', {
        program: p.id,
        area: a.area,
      });
    }
    if (to !== '' && capacitiesOf(env, p, to).includes('member')) {
      throw new GongzhiError('POINTS_ROLE_CONFLICT', 'a member of the program is not an area’s worker', {
        program: p.id,
        account: to,
        holds: 'member',
      });
    }
    const areas = [...list];
    areas[i] = { ...area, worker: to };
    env.write(keys.areas(p.id), areaListCodec, { areas });
    env.emit('areaWorkerChanged', {
      program: p.id,
      area: a.area,
      ...(area.worker === '' ? {} : { from: area.worker }),
      ...(to === '' ? {} : { to }),
      by: env.sender,
    });
  },
});
