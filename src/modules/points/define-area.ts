import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import { areaListCodec, MAX_AREAS } from './areas.js';
import { readId, schemas } from './args.js';
import { keys } from './keys.js';
import { pointsMethod } from './method.js';

export interface DefineAreaArgs {
  readonly program: string;
  readonly area: string;
  /** The street (街道) of a community; absent for a street itself. */
  readonly street?: string;
}

/** The issuer defines an area (a community in a street, or a street) members can declare. */
export const defineArea = pointsMethod<DefineAreaArgs>({
  summary: 'Define a report area: a community (with its street) or a street (the issuer)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      area: schemas.id('area id'),
      street: S.Optional(schemas.id('the street (街道) of a community')),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'area', 'street']);
    return {
      program: readId(a, 'program'),
      area: readId(a, 'area'),
      ...(a.has('street') ? { street: readId(a, 'street') } : {}),
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
    if (list.length >= MAX_AREAS)
      throw new GongzhiError('POINTS_LIMIT', `at most ${MAX_AREAS} areas`, { program: p.id });
    env.write(keys.areas(p.id), areaListCodec, { areas: [...list, { id: a.area, street: a.street ?? '' }] });
    env.emit('areaDefined', {
      program: p.id,
      area: a.area,
      ...(a.street === undefined ? {} : { street: a.street }),
    });
  },
});
