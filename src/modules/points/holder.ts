import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type Codec, defineCodec } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import { type Holder, ID_RE, type Lot, MAX_LOTS } from './types.js';

/** A lot as stored: `[amount, ts, height, exp, sponsor]` (a list keeps holders with many lots small). */
export function lotValue(l: Lot): CborValue {
  return [l.amount, l.ts, l.height, l.exp, l.sponsor];
}

const isUint = (x: CborValue | undefined): x is number =>
  typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function readLot(v: CborValue, at: string): Lot {
  if (
    !Array.isArray(v) ||
    v.length !== 5 ||
    !isUint(v[0]) ||
    v[0] === 0 ||
    !isUint(v[1]) ||
    !isUint(v[2]) ||
    !isUint(v[3]) ||
    typeof v[4] !== 'string' ||
    v[4].length > 128
  ) {
    throw new GongzhiError('CHAIN_INVALID', `${at} must be [amount ≥ 1, ts, height, exp, sponsor]`, {
      field: at,
    });
  }
  return { amount: v[0], ts: v[1], height: v[2], exp: v[3], sponsor: v[4] };
}

/** The one codec of a member's holdings (`user/<program>/<account>`). */
export const holderCodec: Codec<Holder> = defineCodec<Holder>(
  'holder',
  ['joined', 'consent', 'member', 'lots', 'debt', 'capBucket', 'capUsed', 'awarded', 'held', 'owed', 'area'],
  (h) => ({
    joined: h.joined,
    consent: h.consent,
    member: h.member,
    lots: h.lots.map(lotValue),
    debt: h.debt,
    capBucket: h.capBucket,
    capUsed: h.capUsed,
    awarded: h.awarded,
    // item 14's fields are stored only when set, so every holder without them keeps its bytes
    ...(h.held === 0 ? {} : { held: h.held }),
    ...(h.owed === 0 ? {} : { owed: h.owed }),
    ...(h.area === '' ? {} : { area: h.area }),
  }),
  (r) => ({
    joined: r.uint('joined'),
    consent: r.digest('consent'),
    member: r.bool('member'),
    lots: r.list('lots', MAX_LOTS, readLot),
    debt: r.uint('debt'),
    capBucket: r.uint('capBucket'),
    capUsed: r.uint('capUsed'),
    awarded: r.uint('awarded'),
    held: r.has('held') ? positive(r, 'held') : 0,
    owed: r.has('owed') ? positive(r, 'owed') : 0,
    area: r.has('area') ? r.match('area', ID_RE, 'an area id', 48) : '',
  }),
);

/** Σ lots − debt − owed (a claw-back's recorded debt). */
export function holderBalance(h: Holder): number {
  let s = 0;
  for (const l of h.lots) s += l.amount;
  return s - h.debt - h.owed;
}

/** A stored optional count is never 0 (0 is stored as absence: one encoding per holder). */
function positive(r: ShapeReader, f: string): number {
  const v = r.uint(f);
  if (v === 0) r.fail(f, 'a positive integer (0 is not stored)');
  return v;
}
