import { type Codec, defineCodec } from '../../execution/index.js';
import type { CborMap, ShapeReader } from '../../ledger/index.js';
import { type NumMap, numMapCodec } from './num-map.js';
import { SPEND_OPS, type SpendOp } from './spend-trail.js';
import { ADDR_RE } from './types.js';

/**
 * A dispute of an award (item 14), under `disp/<program>/<n>`: who opened it and why (the digest of
 * the complaint, kept off chain), how many points it holds, and — once an auditor decided — the
 * decision with its report's digest and what was clawed back. The claim's latest dispute number is
 * `cdisp/<program>/<claim>`.
 */
export type DisputeOutcome = 'upheld' | 'rejected';
export const DISPUTE_OUTCOMES: readonly DisputeOutcome[] = ['upheld', 'rejected'];

export interface DisputeDecision {
  readonly outcome: DisputeOutcome;
  readonly by: string;
  readonly report: Uint8Array;
  readonly height: number;
  readonly ts: number;
  /** Points clawed back in all (0 when rejected). */
  readonly clawedBack: number;
  /** Of which taken from the member's balance … */
  readonly fromBalance: number;
  /** … and recorded as owed (already spent). */
  readonly owed: number;
  /** The backing released to the sponsors' pools (money minor units). */
  readonly money: number;
  /** The claim's reduction withdrawn with the points (g CO2e, pro rata). */
  readonly reductionG: number;
  /** Money clawed back from held payables to the sponsors' pools (payable-holds.ts; 0: none, not stored). */
  readonly payableMoney: number;
  /** Points clawed back from recipients of the award's transferred units (0: none, not stored). */
  readonly fromFollowed: number;
  /** Money already paid at a close, booked as owed back by its payee (0: none, not stored). */
  readonly receivableMoney: number;
}

/** Trail units an auditor's dispute holds: entry `i` of the member's spend trail of `period`. */
export interface HeldSpend {
  /** Whose trail: absent for the disputed member, else a recipient her transfers led to. */
  readonly user?: string;
  readonly period: number;
  readonly i: number;
  readonly op: SpendOp;
  readonly account: string;
  readonly points: number;
  /** The entry's first transaction (the exact redemption, donation, cash-out or conversion). */
  readonly tx: Uint8Array;
}

/** Most trail entries one dispute holds (an award of N points spans at most N entries; bounded). */
export const MAX_HELD_SPENDS = 4096;

export interface Dispute {
  readonly n: number;
  readonly claim: Uint8Array;
  readonly user: string;
  readonly distributor: string;
  /** The claim's awarded points. */
  readonly points: number;
  readonly by: string;
  /** `auditor` (a supervisor or verifier) or `member` (a resident). */
  readonly as: 'auditor' | 'member';
  readonly reason: Uint8Array;
  /** Points of the member held while open (an auditor's dispute holds the award; a member's does not). */
  readonly hold: number;
  /** Money held per payable account while open (an auditor's dispute of a spent award; {}: none, not stored). */
  readonly payables: NumMap;
  /** The exact spending the money hold follows (spend-trail.ts; []: none, not stored). */
  readonly spends: readonly HeldSpend[];
  /** Points held on recipients' holdings: the award's units she transferred ({}: none, not stored). */
  readonly follow: NumMap;
  /** Money of the award's spending paid out at an earlier close, per payable account ({}: none, not stored). */
  readonly paid: NumMap;
  readonly height: number;
  readonly ts: number;
  readonly decision?: DisputeDecision;
}

const addr = (r: ShapeReader, f: string): string => r.match(f, ADDR_RE, 'an account address', 128);

function readDecision(r: ShapeReader): DisputeDecision {
  const d = r.nested('decision', [
    'outcome',
    'by',
    'report',
    'height',
    'ts',
    'clawedBack',
    'fromBalance',
    'owed',
    'money',
    'reductionG',
    'payableMoney',
    'fromFollowed',
    'receivableMoney',
  ]);
  return {
    outcome: d.oneOf('outcome', DISPUTE_OUTCOMES),
    by: addr(d, 'by'),
    report: d.digest('report'),
    height: d.uint('height'),
    ts: d.uint('ts'),
    clawedBack: d.uint('clawedBack'),
    fromBalance: d.uint('fromBalance'),
    owed: d.uint('owed'),
    money: d.uint('money'),
    reductionG: d.uint('reductionG'),
    payableMoney: d.has('payableMoney') ? positive(d, 'payableMoney') : 0,
    fromFollowed: d.has('fromFollowed') ? positive(d, 'fromFollowed') : 0,
    receivableMoney: d.has('receivableMoney') ? positive(d, 'receivableMoney') : 0,
  };
}

/** A stored optional amount is never 0 (0 is stored as absence: one encoding per record). */
function positive(r: ShapeReader, f: string): number {
  const v = r.uint(f);
  if (v === 0) r.fail(f, 'a positive integer (0 is not stored)');
  return v;
}

function decisionValue(d: DisputeDecision): CborMap {
  const { payableMoney, fromFollowed, receivableMoney, ...rest } = d;
  return {
    ...rest,
    ...(receivableMoney === 0 ? {} : { receivableMoney }),
    ...(payableMoney === 0 ? {} : { payableMoney }),
    ...(fromFollowed === 0 ? {} : { fromFollowed }),
  };
}

function nonEmpty(r: ShapeReader, f: 'payables' | 'follow' | 'paid'): NumMap {
  const m = numMapCodec.decode(r.raw(f));
  if (Object.keys(m).length === 0) r.fail(f, 'a non-empty map (none is stored as absence)');
  return m;
}

function heldSpends(r: ShapeReader): HeldSpend[] {
  const out = r.list('spends', MAX_HELD_SPENDS, (v, at) => {
    const h = r.sub(v, at, ['user', 'period', 'i', 'op', 'account', 'points', 'tx']);
    const points = h.uint('points');
    if (points === 0) h.fail('points', 'a positive integer');
    return {
      ...(h.has('user') ? { user: addr(h, 'user') } : {}),
      period: h.uint('period'),
      i: h.uint('i'),
      op: h.oneOf('op', SPEND_OPS),
      account: h.str('account', 300),
      points,
      tx: h.bytes('tx', undefined, 64),
    };
  });
  if (out.length === 0) r.fail('spends', 'a non-empty list (none is stored as absence)');
  return out;
}

/** The one codec of a dispute record. */
export const disputeCodec: Codec<Dispute> = defineCodec<Dispute>(
  'dispute',
  [
    'n',
    'claim',
    'user',
    'distributor',
    'points',
    'by',
    'as',
    'reason',
    'hold',
    'payables',
    'spends',
    'follow',
    'paid',
    'height',
    'ts',
    'decision',
  ],
  (x) => ({
    n: x.n,
    claim: x.claim,
    user: x.user,
    distributor: x.distributor,
    points: x.points,
    by: x.by,
    as: x.as,
    reason: x.reason,
    hold: x.hold,
    // stored only when set, so every dispute without them keeps its bytes
    ...(Object.keys(x.payables).length === 0 ? {} : { payables: numMapCodec.encode(x.payables) }),
    ...(x.spends.length === 0 ? {} : { spends: x.spends.map((h) => ({ ...h })) }),
    ...(Object.keys(x.follow).length === 0 ? {} : { follow: numMapCodec.encode(x.follow) }),
    ...(Object.keys(x.paid).length === 0 ? {} : { paid: numMapCodec.encode(x.paid) }),
    height: x.height,
    ts: x.ts,
    ...(x.decision === undefined ? {} : { decision: decisionValue(x.decision) }),
  }),
  (r) => {
    const x: Dispute = {
      n: r.uint('n'),
      claim: r.digest('claim'),
      user: addr(r, 'user'),
      distributor: addr(r, 'distributor'),
      points: r.uint('points'),
      by: addr(r, 'by'),
      as: r.oneOf('as', ['auditor', 'member'] as const),
      reason: r.digest('reason'),
      hold: r.uint('hold'),
      payables: r.has('payables') ? nonEmpty(r, 'payables') : {},
      spends: r.has('spends') ? heldSpends(r) : [],
      follow: r.has('follow') ? nonEmpty(r, 'follow') : {},
      paid: r.has('paid') ? nonEmpty(r, 'paid') : {},
      height: r.uint('height'),
      ts: r.uint('ts'),
    };
    return r.has('decision') ? { ...x, decision: readDecision(r) } : x;
  },
);

/** The status of a dispute: open until decided. */
export function disputeStatus(d: Dispute): 'open' | DisputeOutcome {
  return d.decision?.outcome ?? 'open';
}
