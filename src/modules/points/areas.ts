import type { CborValue } from '../../encoding/index.js';
import { type Codec, defineCodec } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import { ADDR_RE, ID_RE } from './types.js';

/**
 * Areas of a program (item 14's reports by area): communities (社区), each in a street (街道), as
 * the issuer defines them (`areas/<program>`), each optionally with its community worker
 * (社区工作者). A member's area is set by an accountable party, never by her word alone: she asks
 * for one (`setArea`: a pending request, `areq/<program>/<member>`), and the area's worker confirms
 * it — or the issuer, the program's registrar, sets it (`confirmArea`). Only the confirmed area is
 * kept on her holdings, and the books add what she is awarded, redeems, loses to expiry and has
 * clawed back to that area's aggregate of the period (`aagg/<program>/<n>/<area>`) as it happens —
 * a pending request counts nowhere. Every change of her confirmed area is recorded
 * (`amove/<program>/<member>/<n>`, counted in `amoves/<program>/<member>`). The report reads those
 * records, never the journal or the transactions.
 */
export interface Area {
  readonly id: string;
  /** The street (街道) the community belongs to ("" when the area is a street itself). */
  readonly street: string;
  /** The area's community worker, who confirms its residents ("" when only the issuer does). */
  readonly worker: string;
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
  const a = r.sub(v, at, ['id', 'street', 'worker']);
  return {
    id: a.match('id', ID_RE, 'an area id', 48),
    street: a.has('street') ? a.match('street', ID_RE, 'a street id', 48) : '',
    worker: a.has('worker') ? a.match('worker', ADDR_RE, 'an account address', 128) : '',
  };
}

/** The one codec of a program's area list (absent fields stay absent: old lists keep their bytes). */
export const areaListCodec: Codec<AreaList> = defineCodec<AreaList>(
  'area list',
  ['areas'],
  (l) => ({
    areas: l.areas.map((a) => ({
      id: a.id,
      ...(a.street === '' ? {} : { street: a.street }),
      ...(a.worker === '' ? {} : { worker: a.worker }),
    })),
  }),
  (r) => ({ areas: r.list('areas', MAX_AREAS, (v, at) => readArea(r, v, at)) }),
);

/** A member's pending request for an area (`areq/<program>/<member>`): counted nowhere until confirmed. */
export interface AreaRequest {
  readonly area: string;
  readonly height: number;
  readonly ts: number;
}

export const areaRequestCodec: Codec<AreaRequest> = defineCodec<AreaRequest>(
  'area request',
  ['area', 'height', 'ts'],
  (q) => ({ area: q.area, height: q.height, ts: q.ts }),
  (r) => ({ area: r.match('area', ID_RE, 'an area id', 48), height: r.uint('height'), ts: r.uint('ts') }),
);

/** One change of a member's confirmed area (`amove/<program>/<member>/<n>`, n from 1). */
export interface AreaMove {
  /** The area before ("" none). */
  readonly from: string;
  /** The area after ("" none: she left). */
  readonly to: string;
  /** Who set it: the issuer, the area's worker, or the member herself when leaving. */
  readonly by: string;
  readonly height: number;
  readonly ts: number;
}

/**
 * Whether `account`'s area `area` is confirmed: her last recorded move set exactly it and someone
 * else made it (the issuer or the area's worker). An area with no such move is her own word — set
 * before confirmation existed — and may be re-confirmed (`confirmArea`).
 */
export function areaConfirmed(last: AreaMove | undefined, account: string, area: string): boolean {
  return last !== undefined && last.to === area && last.by !== account;
}

const optId = (r: ShapeReader, f: string): string => (r.has(f) ? r.match(f, ID_RE, 'an area id', 48) : '');

export const areaMoveCodec: Codec<AreaMove> = defineCodec<AreaMove>(
  'area move',
  ['from', 'to', 'by', 'height', 'ts'],
  (m) => ({
    ...(m.from === '' ? {} : { from: m.from }),
    ...(m.to === '' ? {} : { to: m.to }),
    by: m.by,
    height: m.height,
    ts: m.ts,
  }),
  (r) => ({
    from: optId(r, 'from'),
    to: optId(r, 'to'),
    by: r.match('by', ADDR_RE, 'an account address', 128),
    height: r.uint('height'),
    ts: r.uint('ts'),
  }),
);
