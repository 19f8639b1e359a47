import type { CborValue } from '../../encoding/index.js';
import { type Codec, defineCodec } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import { ID_RE } from './types.js';

/**
 * Areas of a program (item 14's reports by area): communities (社区), each in a street (街道), as
 * the issuer defines them (`areas/<program>`). A member declares her area herself (`setArea`,
 * kept on her holdings), and the books add what she is awarded, redeems, loses to expiry and has
 * clawed back to her area's aggregate of the period (`aagg/<program>/<n>/<area>`) as it happens —
 * the report reads those records, never the journal or the transactions.
 */
export interface Area {
  readonly id: string;
  /** The street (街道) the community belongs to ("" when the area is a street itself). */
  readonly street: string;
}

export interface AreaList {
  readonly areas: readonly Area[];
}

/** Most areas of one program. */
export const MAX_AREAS = 256;

/** The fields of an area's aggregate, in report order. */
export const AREA_FIELDS = [
  'claims',
  'awarded',
  'reductionG',
  'redeemed',
  'expired',
  'clawedBack',
  'clawedBackG',
] as const;

function readArea(r: ShapeReader, v: CborValue, at: string): Area {
  const a = r.sub(v, at, ['id', 'street']);
  return {
    id: a.match('id', ID_RE, 'an area id', 48),
    street: a.has('street') ? a.match('street', ID_RE, 'a street id', 48) : '',
  };
}

/** The one codec of a program's area list. */
export const areaListCodec: Codec<AreaList> = defineCodec<AreaList>(
  'area list',
  ['areas'],
  (l) => ({ areas: l.areas.map((a) => (a.street === '' ? { id: a.id } : { id: a.id, street: a.street })) }),
  (r) => ({ areas: r.list('areas', MAX_AREAS, (v, at) => readArea(r, v, at)) }),
);
