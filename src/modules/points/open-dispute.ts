import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import { readId, schemas } from './args.js';
import { claimCodec } from './claim.js';
import { type Dispute, disputeCodec, disputeStatus } from './dispute.js';
import type { Env } from './env.js';
import { keys } from './keys.js';
import { disputeCountCodec } from './marks.js';
import { pointsMethod } from './method.js';
import type { NumMap } from './num-map.js';
import { holdSpent, type SpentHold } from './payable-holds.js';
import type { Program } from './types.js';

/** The money of a hold. */
export function sumOf(m: NumMap): number {
  let s = 0;
  for (const v of Object.values(m)) s += v;
  return s;
}

/** Most disputes one account may have open in one program (a resident cannot flood the auditors). */
export const MAX_OPEN_DISPUTES = 16;

/** A supervisor or verifier of the program: who decides disputes and whose disputes hold points. */
export function isAuditor(env: Env, p: Program, account: string): boolean {
  return env.hasRole(p, 'supervisor', account) || env.hasRole(p, 'verifier', account);
}

export interface OpenDisputeArgs {
  readonly program: string;
  readonly claim: Uint8Array;
  /** Digest of the complaint (kept off chain by whoever filed it). */
  readonly reason: Uint8Array;
}

/**
 * A resident (a member of the program) or an auditor (a supervisor or verifier) disputes an
 * award. An auditor's dispute holds the award's points on the member's holdings until decided
 * (POINTS_HELD when she would spend them), so an upheld claw-back comes out of her balance rather
 * than becoming a debt, and — for the part she already spent — the payables the award's own points
 * accrued this period, on the exact spending that took them (payable-holds.ts), so the close does
 * not pay them out; a resident's report holds nothing (no member can freeze another's points),
 * and each account has at most 16 disputes open. A claim has one dispute open at a time; once one
 * is upheld, none.
 */
export const openDispute = pointsMethod<OpenDisputeArgs>({
  summary: 'Dispute an award (a member of the program, or a supervisor / verifier, whose dispute holds it)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      claim: schemas.digest('the claim id (from the awarded event)'),
      reason: schemas.digest('digest of the complaint, kept off chain'),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'claim', 'reason']);
    return { program: readId(a, 'program'), claim: a.digest('claim'), reason: a.digest('reason') };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    const auditor = isAuditor(env, p, env.sender);
    if (!auditor) {
      const h = env.booksOf(p).lots.holder(env.sender);
      if (!h?.member) {
        throw new GongzhiError(
          'POINTS_WRONG_ROLE',
          'only a member, a supervisor or a verifier disputes an award',
          {
            program: p.id,
            account: env.sender,
          },
        );
      }
    }
    const claimHex = toHex(a.claim);
    const c = env.read(keys.claim(p.id, claimHex), claimCodec);
    if (c === undefined)
      throw new GongzhiError('POINTS_NOT_FOUND', 'no such claim', { program: p.id, claim: claimHex });
    if (c.points === 0) {
      throw new GongzhiError('POINTS_INVALID_STATE', 'the claim awarded no points', {
        program: p.id,
        claim: claimHex,
      });
    }
    const last = env.read(keys.claimDispute(p.id, claimHex), disputeCountCodec);
    if (last !== undefined) {
      const prev = env.read(keys.dispute(p.id, last), disputeCodec);
      if (prev === undefined)
        throw new GongzhiError('CHAIN_INVALID', 'a claim names a missing dispute', { n: last });
      const status = disputeStatus(prev);
      if (status === 'open') {
        throw new GongzhiError('POINTS_EXISTS', 'the claim is already under dispute', {
          program: p.id,
          dispute: last,
        });
      }
      if (status === 'upheld') {
        throw new GongzhiError('POINTS_INVALID_STATE', 'a dispute of this claim was upheld already', {
          program: p.id,
          dispute: last,
        });
      }
    }
    const openKey = keys.openDisputes(p.id, env.sender);
    const open = env.read(openKey, disputeCountCodec) ?? 0;
    if (open >= MAX_OPEN_DISPUTES) {
      throw new GongzhiError('POINTS_LIMIT', `at most ${MAX_OPEN_DISPUTES} disputes open per account`, {
        program: p.id,
        open,
      });
    }
    const books = env.booksOf(p);
    let hold = auditor ? c.points : 0;
    let held: SpentHold = { payables: {}, spends: [], follow: {}, paid: {} };
    if (hold > 0) {
      if (books.lots.holder(c.user) === undefined)
        throw new GongzhiError('CHAIN_INVALID', 'an awarded member has no holdings', { user: c.user });
      // what she already spent of the award: the payables its own points accrued are held too;
      // what she transferred is held where it went, and no longer on her
      held = holdSpent(env, books, c);
      hold -= sumOf(held.follow);
      const h = books.lots.holder(c.user);
      if (h !== undefined && hold > 0) books.lots.putHolder(c.user, { ...h, held: h.held + hold });
    }
    const n = (env.read(keys.disputeCount(p.id), disputeCountCodec) ?? 0) + 1;
    const d: Dispute = {
      n,
      claim: a.claim,
      user: c.user,
      distributor: c.distributor,
      points: c.points,
      by: env.sender,
      as: auditor ? 'auditor' : 'member',
      reason: a.reason,
      hold,
      payables: held.payables,
      spends: held.spends,
      follow: held.follow,
      paid: held.paid,
      height: env.height,
      ts: env.ts,
    };
    env.write(keys.disputeCount(p.id), disputeCountCodec, n);
    env.write(keys.dispute(p.id, n), disputeCodec, d);
    env.write(keys.claimDispute(p.id, claimHex), disputeCountCodec, n);
    env.write(openKey, disputeCountCodec, open + 1);
    books.aggregates.add('disputes', 1);
    books.aggregates.addForDistributor(c.distributor, 'disputes', 1);
    env.emit('disputeOpened', {
      program: p.id,
      dispute: n,
      claim: a.claim,
      user: c.user,
      by: env.sender,
      as: d.as,
      hold,
      ...(sumOf(held.payables) === 0 ? {} : { heldMoney: sumOf(held.payables) }),
      ...(sumOf(held.follow) === 0 ? {} : { heldFollowed: sumOf(held.follow) }),
      ...(sumOf(held.paid) === 0 ? {} : { paidMoney: sumOf(held.paid) }),
    });
  },
});
