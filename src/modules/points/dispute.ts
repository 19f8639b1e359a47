import { type Codec, defineCodec } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
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
}

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
  };
}

/** The one codec of a dispute record. */
export const disputeCodec: Codec<Dispute> = defineCodec<Dispute>(
  'dispute',
  ['n', 'claim', 'user', 'distributor', 'points', 'by', 'as', 'reason', 'hold', 'height', 'ts', 'decision'],
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
    height: x.height,
    ts: x.ts,
    ...(x.decision === undefined ? {} : { decision: { ...x.decision } }),
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
