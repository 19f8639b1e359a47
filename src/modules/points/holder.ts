import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type Codec, defineCodec } from '../../execution/index.js';
import { type Holder, type Lot, MAX_LOTS } from './types.js';

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
  ['joined', 'consent', 'member', 'lots', 'debt', 'capBucket', 'capUsed', 'awarded'],
  (h) => ({
    joined: h.joined,
    consent: h.consent,
    member: h.member,
    lots: h.lots.map(lotValue),
    debt: h.debt,
    capBucket: h.capBucket,
    capUsed: h.capUsed,
    awarded: h.awarded,
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
  }),
);

/** Σ lots − debt. */
export function holderBalance(h: Holder): number {
  let s = 0;
  for (const l of h.lots) s += l.amount;
  return s - h.debt;
}
