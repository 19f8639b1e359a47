import { type Codec, defineCodec } from '../../execution/index.js';
import { ADDR_RE, ID_RE } from './types.js';

/** A verifier's opinion on a methodology version (`mval/<program>/<version>/<verifier>`). */
export interface Validation {
  readonly opinion: 'positive' | 'negative';
  /** Digest of the validation report, kept off chain by the verifier. */
  readonly report: Uint8Array;
  readonly height: number;
  readonly ts: number;
}

export const validationCodec: Codec<Validation> = defineCodec<Validation>(
  'methodology validation',
  ['opinion', 'report', 'height', 'ts'],
  (v) => ({ opinion: v.opinion, report: v.report, height: v.height, ts: v.ts }),
  (r) => ({
    opinion: r.oneOf('opinion', ['positive', 'negative'] as const),
    report: r.digest('report'),
    height: r.uint('height'),
    ts: r.uint('ts'),
  }),
);

/**
 * Verified reductions of one closed period under one methodology version, issued as units of
 * 1 kg CO2e with serial numbers `first … first + count − 1` (unique in the program). Units leave
 * in serial order, each once: retired (used for offsetting), exported (moved to a carbon-inclusion
 * registry) or cancelled — so no unit is counted twice.
 */
export interface UnitBatch {
  readonly program: string;
  readonly period: number;
  readonly version: number;
  readonly methodologyHash: Uint8Array;
  readonly verifier: string;
  readonly report: Uint8Array;
  /** Reduction the period's claims measured under the version, and what the verifier confirmed (g). */
  readonly claimedG: number;
  readonly verifiedG: number;
  readonly first: number;
  readonly count: number;
  readonly retired: number;
  readonly exported: number;
  readonly cancelled: number;
  readonly height: number;
  readonly ts: number;
}

const BATCH_FIELDS = [
  'program',
  'period',
  'version',
  'methodologyHash',
  'verifier',
  'report',
  'claimedG',
  'verifiedG',
  'first',
  'count',
  'retired',
  'exported',
  'cancelled',
  'height',
  'ts',
] as const;

export const unitBatchCodec: Codec<UnitBatch> = defineCodec<UnitBatch>(
  'unit batch',
  BATCH_FIELDS,
  (b) => ({ ...b }),
  (r) => ({
    program: r.match('program', ID_RE, 'a program id', 48),
    period: r.uint('period'),
    version: r.uint('version'),
    methodologyHash: r.digest('methodologyHash'),
    verifier: r.match('verifier', ADDR_RE, 'an account address', 128),
    report: r.digest('report'),
    claimedG: r.uint('claimedG'),
    verifiedG: r.uint('verifiedG'),
    first: r.uint('first'),
    count: r.uint('count'),
    retired: r.uint('retired'),
    exported: r.uint('exported'),
    cancelled: r.uint('cancelled'),
    height: r.uint('height'),
    ts: r.uint('ts'),
  }),
);

export const UNIT_ACTIONS = ['retire', 'export', 'cancel'] as const;
export type UnitAction = (typeof UNIT_ACTIONS)[number];

/** One retirement, export or cancellation (`unitop/<program>/<n>`): serials `first … first + count − 1`. */
export interface UnitOp {
  readonly action: UnitAction;
  readonly period: number;
  readonly version: number;
  readonly first: number;
  readonly count: number;
  /** retire: the beneficiary of the offset; export: the receiving registry; cancel: "". */
  readonly party: string;
  /** retire: the purpose; export: the registry's reference; cancel: the reason. */
  readonly note: string;
  readonly by: string;
  readonly height: number;
  readonly ts: number;
}

export const unitOpCodec: Codec<UnitOp> = defineCodec<UnitOp>(
  'unit operation',
  ['action', 'period', 'version', 'first', 'count', 'party', 'note', 'by', 'height', 'ts'],
  (o) => ({ ...o }),
  (r) => ({
    action: r.oneOf('action', UNIT_ACTIONS),
    period: r.uint('period'),
    version: r.uint('version'),
    first: r.uint('first'),
    count: r.uint('count'),
    party: r.str('party', 128, 0),
    note: r.str('note', 256, 0),
    by: r.match('by', ADDR_RE, 'an account address', 128),
    height: r.uint('height'),
    ts: r.uint('ts'),
  }),
);
