import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import { readGln, schemas } from './args.js';
import {
  addToList,
  capacityOf,
  type Garden,
  gardenOfGln,
  LIMITS,
  listIds,
  readGarden,
  readParticipant,
  registryKeys,
  writeGarden,
} from './registry.js';

/** Largest registrable area (1,000 km²) and yield (100 kg/m²): capacities stay safe integers. */
const MAX_AREA_M2 = 1_000_000_000;
const MAX_YIELD = 100_000;

/**
 * `registerGarden`: the trace admin registers (or updates) a garden of a garden participant: its
 * GLN (the location its harvests are recorded at), area and registered yield per season. The
 * capacity area × yield caps everything ever labelled as this garden's product in one season.
 */
export const registerGarden = defineMethod<Garden, { ids: readonly string[]; previous?: Garden }>({
  summary: 'Register or update a garden: GLN, area (m²) and yield per season (g/m²) → capacity',
  args: S.Object(
    {
      id: schemas.id,
      owner: S.Id('participant (kind garden) that runs it'),
      name: schemas.name,
      gln: schemas.gln,
      region: S.Optional(S.String({ maxLength: LIMITS.region })),
      areaM2: S.Integer({ minimum: 1, maximum: MAX_AREA_M2 }),
      yieldGramsPerM2: S.Integer({ minimum: 1, maximum: MAX_YIELD }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['id', 'owner', 'name', 'gln', 'region', 'areaM2', 'yieldGramsPerM2']);
    const areaM2 = r.uint('areaM2', MAX_AREA_M2);
    const yieldGramsPerM2 = r.uint('yieldGramsPerM2', MAX_YIELD);
    if (areaM2 < 1) r.fail('areaM2', 'at least 1');
    if (yieldGramsPerM2 < 1) r.fail('yieldGramsPerM2', 'at least 1');
    return {
      id: r.id('id'),
      owner: r.id('owner'),
      name: r.str('name', LIMITS.name),
      gln: readGln(r, 'gln'),
      region: r.optStr('region', LIMITS.region) ?? '',
      areaM2,
      yieldGramsPerM2,
    };
  },
  check: ({ state }, g) => {
    const owner = readParticipant(state, g.owner);
    if (owner === undefined || owner.kind !== 'garden') {
      throw new GongzhiError(
        'TRACE_UNKNOWN_PARTICIPANT',
        `${g.owner} is not a registered garden participant`,
        {
          participant: g.owner,
        },
      );
    }
    const at = gardenOfGln(state, g.gln);
    if (at !== undefined && at !== g.id) {
      throw new GongzhiError('TRACE_ACCOUNT_TAKEN', `GLN ${g.gln} is garden ${at}'s`, {
        gln: g.gln,
        garden: at,
      });
    }
    const previous = readGarden(state, g.id);
    const ids = listIds(state, registryKeys.gardens());
    if (previous === undefined && ids.length >= LIMITS.gardens) {
      throw new GongzhiError('TRACE_LIMIT', `at most ${LIMITS.gardens} gardens`, { max: LIMITS.gardens });
    }
    return previous === undefined ? { ids } : { ids, previous };
  },
  apply: (ctx, g, { ids, previous }) => {
    if (previous !== undefined && previous.gln !== g.gln) ctx.state.delete(registryKeys.gln(previous.gln));
    writeGarden(ctx.state, g);
    addToList(ctx.state, registryKeys.gardens(), ids, g.id);
    ctx.emit('garden', { id: g.id, owner: g.owner, gln: g.gln, capacityGrams: capacityOf(g) });
  },
});
