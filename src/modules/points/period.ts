import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type Codec, defineCodec } from '../../execution/index.js';
import type { CborMap, ShapeReader } from '../../ledger/index.js';
import { type NumMap, numMapCodec } from './num-map.js';
import { ADDR_RE, CURRENCY_RE, ID_RE, MAX_PROGRAMS } from './types.js';

/** One program's summary in a closed period's record. */
export interface PeriodProgram {
  readonly program: string;
  /** The period's aggregate (claims, awarded, redeemed, expired, postings…). */
  readonly activity: NumMap;
  readonly settledMoney: number;
  readonly liabilityPoints: number;
  readonly userPoints: number;
  readonly quotaPoints: number;
  readonly reserveMoney: number;
  readonly poolMoney: number;
  readonly breakagePoints: number;
  readonly breakageMoney: number;
}

/** The body of a closed period's record: what its digest covers. */
export interface PeriodBody {
  readonly book: string;
  readonly clearing: string;
  readonly currency: string;
  readonly period: number;
  readonly fromHeight: number;
  readonly fromTs: number;
  readonly toHeight: number;
  readonly toTs: number;
  readonly closedTx: Uint8Array;
  /** Digests of the statements the close produced. */
  readonly statements: readonly Uint8Array[];
  readonly programs: readonly PeriodProgram[];
}

/** A closed period (`period/<book>/<n>`): its body and `digest` = H(canonical body). */
export interface PeriodRecord extends PeriodBody {
  readonly digest: Uint8Array;
}

const PROGRAM_FIELDS = [
  'program',
  'activity',
  'settledMoney',
  'liabilityPoints',
  'userPoints',
  'quotaPoints',
  'reserveMoney',
  'poolMoney',
  'breakagePoints',
  'breakageMoney',
] as const;

/** The stored (and hashed) form of a period body. */
export function periodBodyValue(b: PeriodBody): CborMap {
  return {
    book: b.book,
    clearing: b.clearing,
    currency: b.currency,
    period: b.period,
    fromHeight: b.fromHeight,
    fromTs: b.fromTs,
    toHeight: b.toHeight,
    toTs: b.toTs,
    closedTx: b.closedTx,
    statements: [...b.statements],
    programs: b.programs.map((p) => ({
      program: p.program,
      activity: numMapCodec.encode(p.activity),
      settledMoney: p.settledMoney,
      liabilityPoints: p.liabilityPoints,
      userPoints: p.userPoints,
      quotaPoints: p.quotaPoints,
      reserveMoney: p.reserveMoney,
      poolMoney: p.poolMoney,
      breakagePoints: p.breakagePoints,
      breakageMoney: p.breakageMoney,
    })),
  };
}

function readProgram(r: ShapeReader, v: CborValue, at: string): PeriodProgram {
  const p = r.sub(v, at, PROGRAM_FIELDS);
  return {
    program: p.match('program', ID_RE, 'a program id', 48),
    activity: numMapCodec.decode(p.raw('activity')),
    settledMoney: p.int('settledMoney'),
    liabilityPoints: p.int('liabilityPoints'),
    userPoints: p.int('userPoints'),
    quotaPoints: p.int('quotaPoints'),
    reserveMoney: p.int('reserveMoney'),
    poolMoney: p.int('poolMoney'),
    breakagePoints: p.int('breakagePoints'),
    breakageMoney: p.int('breakageMoney'),
  };
}

/** The one codec of a closed period's record. */
export const periodCodec: Codec<PeriodRecord> = defineCodec<PeriodRecord>(
  'period record',
  [
    'book',
    'clearing',
    'currency',
    'period',
    'fromHeight',
    'fromTs',
    'toHeight',
    'toTs',
    'closedTx',
    'statements',
    'programs',
    'digest',
  ],
  (p) => ({ ...periodBodyValue(p), digest: p.digest }),
  (r) => ({
    book: r.str('book', 140),
    clearing: r.match('clearing', ADDR_RE, 'an account address', 128),
    currency: r.match('currency', CURRENCY_RE, 'a currency code', 8),
    period: r.uint('period'),
    fromHeight: r.uint('fromHeight'),
    fromTs: r.uint('fromTs'),
    toHeight: r.uint('toHeight'),
    toTs: r.uint('toTs'),
    closedTx: r.digest('closedTx'),
    statements: r.list('statements', 1_000_000, (v, at) => {
      if (v instanceof Uint8Array && v.length === 32) return v;
      throw new GongzhiError('CHAIN_INVALID', `${at} must be 32 bytes`, { field: at });
    }),
    programs: r.list('programs', MAX_PROGRAMS, (v, at) => readProgram(r, v, at)),
    digest: r.digest('digest'),
  }),
);
