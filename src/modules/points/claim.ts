import { type Codec, defineCodec } from '../../execution/index.js';
import { ADDR_RE, ID_RE } from './types.js';

/** An awarded (or fully capped) activity claim, under `claim/<program>/<id hex>`. */
export interface ClaimRecord {
  /** H(program, kind, device, period): the claim's idempotency key. */
  readonly id: Uint8Array;
  readonly user: string;
  readonly distributor: string;
  readonly kind: string;
  readonly variant: string;
  readonly quantity: number;
  /** Quantity after the methodology's rounding. */
  readonly counted: number;
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly device: Uint8Array;
  readonly evidence: Uint8Array;
  readonly measuredBy: string;
  readonly reductionG: number;
  /** Points the methodology gave, before the caps. */
  readonly measuredPoints: number;
  /** Points awarded. */
  readonly points: number;
  readonly methodology: number;
  readonly methodologyHash: Uint8Array;
  readonly height: number;
  readonly ts: number;
  readonly tx: Uint8Array;
}

const FIELDS = [
  'id',
  'user',
  'distributor',
  'kind',
  'variant',
  'quantity',
  'counted',
  'periodStart',
  'periodEnd',
  'device',
  'evidence',
  'measuredBy',
  'reductionG',
  'measuredPoints',
  'points',
  'methodology',
  'methodologyHash',
  'height',
  'ts',
  'tx',
] as const;

/** The one codec of a claim record. */
export const claimCodec: Codec<ClaimRecord> = defineCodec<ClaimRecord>(
  'claim',
  FIELDS,
  (c) => ({
    id: c.id,
    user: c.user,
    distributor: c.distributor,
    kind: c.kind,
    variant: c.variant,
    quantity: c.quantity,
    counted: c.counted,
    periodStart: c.periodStart,
    periodEnd: c.periodEnd,
    device: c.device,
    evidence: c.evidence,
    measuredBy: c.measuredBy,
    reductionG: c.reductionG,
    measuredPoints: c.measuredPoints,
    points: c.points,
    methodology: c.methodology,
    methodologyHash: c.methodologyHash,
    height: c.height,
    ts: c.ts,
    tx: c.tx,
  }),
  (r) => ({
    id: r.digest('id'),
    user: r.match('user', ADDR_RE, 'an account address', 128),
    distributor: r.match('distributor', ADDR_RE, 'an account address', 128),
    kind: r.match('kind', ID_RE, 'an activity kind', 48),
    variant: r.match('variant', ID_RE, 'a variant id', 48),
    quantity: r.uint('quantity'),
    counted: r.uint('counted'),
    periodStart: r.uint('periodStart'),
    periodEnd: r.uint('periodEnd'),
    device: r.digest('device'),
    evidence: r.digest('evidence'),
    measuredBy: r.str('measuredBy', 128),
    reductionG: r.uint('reductionG'),
    measuredPoints: r.uint('measuredPoints'),
    points: r.uint('points'),
    methodology: r.uint('methodology'),
    methodologyHash: r.digest('methodologyHash'),
    height: r.uint('height'),
    ts: r.uint('ts'),
    tx: r.digest('tx'),
  }),
);
