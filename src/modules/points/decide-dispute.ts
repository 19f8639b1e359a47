import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import { moneyOf } from './accounting.js';
import { readAmount, readId, schemas } from './args.js';
import { claimCodec } from './claim.js';
import { clawBack } from './clawback.js';
import { DISPUTE_OUTCOMES, type DisputeDecision, type DisputeOutcome, disputeCodec } from './dispute.js';
import { keys } from './keys.js';
import { disputeCountCodec } from './marks.js';
import { pointsMethod } from './method.js';
import { isAuditor } from './open-dispute.js';
import { bookReceivables, clawPayables, freeSpent, releaseFollow, releasePayables } from './payable-holds.js';

export interface DecideDisputeArgs {
  readonly program: string;
  readonly dispute: number;
  readonly outcome: DisputeOutcome;
  /** Digest of the auditor's report (kept off chain). */
  readonly report: Uint8Array;
  /** Upheld in part: the points to claw back (default: all the claim awarded). */
  readonly points?: number;
}

/**
 * An auditor (a supervisor or verifier of the program, not the one who opened it) decides a
 * dispute. Upheld: the award's points (or `points` of them) are clawed back in one balanced
 * posting set (clawback.ts) — from the member's balance, the rest recorded as owed — with the
 * claim's reduction withdrawn pro rata from the period's figures, and the payables the dispute held
 * clawed back to the sponsors' pools for what she owes; the holds are released either way.
 */
export const decideDispute = pointsMethod<DecideDisputeArgs>({
  summary: 'Decide a dispute (a supervisor / verifier): upheld claws the award back, rejected releases it',
  args: S.Object(
    {
      program: schemas.id('program id'),
      dispute: S.Integer({ minimum: 1, description: 'the dispute number' }),
      outcome: S.Union(DISPUTE_OUTCOMES.map((o) => S.Literal(o))),
      report: schemas.digest('digest of the auditor’s report, kept off chain'),
      points: S.Optional(schemas.amount('upheld in part: the points to claw back (default all)')),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'dispute', 'outcome', 'report', 'points']);
    const out = {
      program: readId(a, 'program'),
      dispute: a.uint('dispute'),
      outcome: a.oneOf('outcome', DISPUTE_OUTCOMES),
      report: a.digest('report'),
      ...(a.has('points') ? { points: readAmount(a, 'points') } : {}),
    };
    if (out.dispute < 1) a.fail('dispute', 'a dispute number (1 or more)');
    if (out.points !== undefined && out.outcome !== 'upheld') a.fail('points', 'absent unless upheld');
    return out;
  },
  run: (env, a) => {
    const p = env.active(a.program);
    if (!isAuditor(env, p, env.sender)) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'only a supervisor or verifier decides disputes', {
        program: p.id,
        account: env.sender,
      });
    }
    const d = env.read(keys.dispute(p.id, a.dispute), disputeCodec);
    if (d === undefined) {
      throw new GongzhiError('POINTS_NOT_FOUND', 'no such dispute', { program: p.id, dispute: a.dispute });
    }
    if (d.decision !== undefined) {
      throw new GongzhiError('POINTS_INVALID_STATE', 'the dispute is decided already', {
        program: p.id,
        dispute: d.n,
        outcome: d.decision.outcome,
      });
    }
    if (d.by === env.sender) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'whoever opened a dispute does not decide it', {
        program: p.id,
        dispute: d.n,
      });
    }
    const amount = a.outcome === 'upheld' ? (a.points ?? d.points) : 0;
    if (amount > d.points) {
      throw new GongzhiError('POINTS_BAD_AMOUNT', 'more than the claim awarded', {
        program: p.id,
        points: amount,
        awarded: d.points,
      });
    }
    const claimHex = toHex(d.claim);
    const c = env.read(keys.claim(p.id, claimHex), claimCodec);
    if (c === undefined)
      throw new GongzhiError('CHAIN_INVALID', 'a dispute names a missing claim', { claim: claimHex });
    const books = env.booksOf(p);
    let done = { fromBalance: 0, fromFollowed: 0, owed: 0, money: 0, reductionG: 0 };
    let payableMoney = 0;
    let receivableMoney = 0;
    if (amount > 0) {
      done = clawBack(books, c, amount, d.hold, d.follow);
      // what she had spent is owed now; the payables it accrued and the dispute held go back to
      // the sponsors, up to that value; the rest of the hold is released
      payableMoney = clawPayables(env, books, d.payables, moneyOf(p, done.owed), claimHex);
      // what was paid out at an earlier close for it is owed back by the payee, offset at the next
      receivableMoney = bookReceivables(books, d.paid, moneyOf(p, done.owed) - payableMoney, claimHex);
    } else {
      releasePayables(env, p, d.payables);
      releaseFollow(books, d.follow);
      // the units are free again: a later dispute of an award of the same stamp may hold them
      freeSpent(env, books, d.user, d.spends);
    }
    if (amount === 0 && d.hold > 0) {
      const h = books.lots.holder(d.user);
      if (h === undefined || h.held < d.hold) {
        throw new GongzhiError('CHAIN_INVALID', 'the disputed member’s holdings do not match the dispute', {
          user: d.user,
        });
      }
      books.lots.putHolder(d.user, { ...h, held: h.held - d.hold });
    }
    const decision: DisputeDecision = {
      outcome: a.outcome,
      by: env.sender,
      report: a.report,
      height: env.height,
      ts: env.ts,
      clawedBack: amount,
      ...done,
      payableMoney,
      receivableMoney,
    };
    env.write(keys.dispute(p.id, d.n), disputeCodec, { ...d, decision });
    const openKey = keys.openDisputes(p.id, d.by);
    const open = env.read(openKey, disputeCountCodec) ?? 0;
    if (open <= 1) env.delete(openKey);
    else env.write(openKey, disputeCountCodec, open - 1);
    env.emit('disputeDecided', {
      program: p.id,
      dispute: d.n,
      claim: d.claim,
      user: d.user,
      outcome: a.outcome,
      clawedBack: amount,
      fromBalance: done.fromBalance,
      owed: done.owed,
      money: done.money,
      ...(payableMoney === 0 ? {} : { payableMoney }),
      ...(done.fromFollowed === 0 ? {} : { fromFollowed: done.fromFollowed }),
      ...(receivableMoney === 0 ? {} : { receivableMoney }),
    });
  },
});
