import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import { areaListCodec, MAX_AREAS } from './areas.js';
import { readAddr, readId, schemas } from './args.js';
import { keys } from './keys.js';
import { pointsMethod } from './method.js';
import { capacitiesOf } from './roles.js';

export interface DefineAreaArgs {
  readonly program: string;
  readonly area: string;
  /** The street (街道) of a community; absent for a street itself. */
  readonly street?: string;
  /** The area's community worker, who confirms its residents' requests (absent: the issuer alone). */
  readonly worker?: string;
}

/**
 * The issuer defines an area (a community in a street, or a street) members can ask for, optionally
 * naming its community worker, who confirms them; a member of the program is never a worker
 * (POINTS_ROLE_CONFLICT): she could confirm her neighbours into her own figures.
 */
export const defineArea = pointsMethod<DefineAreaArgs>({
  summary: 'Define a report area: a community (with its street) or a street (the issuer)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      area: schemas.id('area id'),
      street: S.Optional(schemas.id('the street (街道) of a community')),
      worker: S.Optional(schemas.addr('the community worker (社区工作者) who confirms its residents')),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'area', 'street', 'worker']);
    return {
      program: readId(a, 'program'),
      area: readId(a, 'area'),
      ...(a.has('street') ? { street: readId(a, 'street') } : {}),
      ...(a.has('worker') ? { worker: readAddr(a, 'worker') } : {}),
    };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'issuer');
    const list = env.read(keys.areas(p.id), areaListCodec)?.areas ?? [];
    if (list.some((x) => x.id === a.area)) {
      throw new GongzhiError('POINTS_EXISTS', `area ${a.area} exists`, { program: p.id, area: a.area });
    }
    if (
      a.street !== undefined &&
      (a.street === a.area || list.some((x) => x.id === a.street && x.street !== ''))
    ) {
      throw new GongzhiError(
        'POINTS_BAD_CONFIG',
        'a street is not a community of itself or of another street',
        {
          program: p.id,
          street: a.street,
        },
      );
    }
    if (a.worker !== undefined && capacitiesOf(env, p, a.worker).includes('member')) {
      throw new GongzhiError('POINTS_ROLE_CONFLICT', 'a member of the program is not an area’s worker', {
        program: p.id,
        account: a.worker,
        holds: 'member',
      });
    }
    if (list.length >= MAX_AREAS)
      throw new GongzhiError('POINTS_LIMIT', `at most ${MAX_AREAS} areas`, { program: p.id });
    env.write(keys.areas(p.id), areaListCodec, {
      areas: [...list, { id: a.area, street: a.street ?? '', worker: a.worker ?? '' }],
    });
    env.emit('areaDefined', {
      program: p.id,
      area: a.area,
      ...(a.street === undefined ? {} : { street: a.street }),
      ...(a.worker === undefined ? {} : { worker: a.worker }),
    });
  },
});
