import { GongzhiError } from '../../errors/index.js';
import { type CheckContext, defineMethod, readArgs, S, writeStored } from '../../execution/index.js';
import { scalarFromBytes, shareMatches, VoteCryptoError } from '../../voting-crypto/index.js';
import { assertPhase, assertRegistrar, at, groupOf, loadElection, trusteeIndex } from './common.js';
import { dkgCodec, dkgKey, isAccused, readDkg } from './dkg.js';
import { trusteeRecords } from './trustee-methods.js';
import { type DkgRecord, type Election, LIMITS } from './types.js';

/** An election whose trustees have all posted round 2 and that has not opened. */
function complaintRound(ctx: CheckContext, id: string): { e: Election; d: DkgRecord } {
  const e = loadElection(ctx.state, id);
  if (e.kind !== 'election')
    throw new GongzhiError('VOTING_WRONG_KIND', 'a resolution has no trustees', { id });
  groupOf(e);
  assertPhase(e, 'setup', 'frozen');
  if (trusteeRecords(ctx.state, e).some((t) => t?.shares === undefined)) {
    throw new GongzhiError('VOTING_TRUSTEES_PENDING', 'every trustee must post its shares first', { id });
  }
  return { e, d: readDkg(ctx.state, id) };
}

function assertIndex(e: Election, t: number, field: string): void {
  if (t < 1 || t > e.trustees.length) {
    throw new GongzhiError(
      'VOTING_BAD_COMPLAINT',
      `${field} must be a trustee index 1..${e.trustees.length}`,
      {
        [field]: t,
      },
    );
  }
}

function assertQualified(d: DkgRecord, t: number): void {
  if (d.disqualified.includes(t))
    throw new GongzhiError('VOTING_DISQUALIFIED', `trustee ${t} is disqualified`, { trustee: t });
}

const write = (ctx: Parameters<typeof writeStored>[0], id: string, d: DkgRecord) =>
  writeStored(ctx, dkgKey(id), dkgCodec, d);

/**
 * `trusteeComplain`: trustee `by` (the sender) says the share trustee `against` encrypted to it
 * does not match `against`'s commitments (`gongzhi vote trustee check` finds such shares). The
 * accused must then reveal that share in the clear, or be disqualified.
 */
export const trusteeComplain = defineMethod<{ election: string; against: number }, DkgRecord>({
  summary: 'Key generation, complaint round: a trustee says another’s share to it is bad',
  args: S.Object(
    { election: S.Id(), against: S.Integer({ minimum: 1, maximum: LIMITS.trustees }) },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['election', 'against']);
    return { election: r.id('election'), against: r.uint('against', LIMITS.trustees) };
  },
  check: (ctx, a) => {
    const { e, d } = complaintRound(ctx, a.election);
    const by = trusteeIndex(ctx, e);
    assertIndex(e, a.against, 'against');
    if (a.against === by)
      throw new GongzhiError('VOTING_BAD_COMPLAINT', 'a trustee cannot complain about itself', { by });
    assertQualified(d, by);
    assertQualified(d, a.against);
    if (d.complaints.some((c) => c.by === by && c.against === a.against)) {
      throw new GongzhiError('VOTING_ALREADY_POSTED', 'this complaint is filed already', {
        by,
        against: a.against,
      });
    }
    return { ...d, complaints: [...d.complaints, { by, against: a.against, at: at(ctx) }] };
  },
  apply: (ctx, a, d) => {
    write(ctx.state, a.election, d);
    const c = d.complaints[d.complaints.length - 1];
    ctx.emit('trusteeComplaint', { id: a.election, by: c?.by ?? 0, against: a.against });
  },
});

/**
 * `trusteeReveal`: the accused (the sender) answers trustee `complainer`'s complaint with the share
 * `f(complainer)` in the clear. It is accepted only if it matches the accused's own commitments
 * (VOTING_BAD_SHARE otherwise, and the complaint stays open). The complainer then uses it.
 */
export const trusteeReveal = defineMethod<
  { election: string; complainer: number; share: Uint8Array },
  DkgRecord
>({
  summary: 'Key generation, complaint round: the accused reveals the share in the clear',
  args: S.Object(
    {
      election: S.Id(),
      complainer: S.Integer({ minimum: 1, maximum: LIMITS.trustees }),
      share: S.Hex(32, 'the share f(complainer), a scalar'),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['election', 'complainer', 'share']);
    return {
      election: r.id('election'),
      complainer: r.uint('complainer', LIMITS.trustees),
      share: r.bytes('share', 32),
    };
  },
  check: (ctx, a) => {
    const { e, d } = complaintRound(ctx, a.election);
    const me = trusteeIndex(ctx, e);
    assertIndex(e, a.complainer, 'complainer');
    assertQualified(d, me);
    const k = d.complaints.findIndex((c) => c.by === a.complainer && c.against === me);
    const c = d.complaints[k];
    if (c === undefined) {
      throw new GongzhiError('VOTING_NO_COMPLAINT', `trustee ${a.complainer} has no complaint against you`, {
        complainer: a.complainer,
      });
    }
    if (c.share !== undefined)
      throw new GongzhiError('VOTING_ALREADY_POSTED', 'this complaint is answered already', { trustee: me });
    const grp = groupOf(e);
    const mine = trusteeRecords(ctx.state, e)[me - 1]?.shares;
    let ok = false;
    try {
      ok =
        mine !== undefined &&
        shareMatches(grp, mine.commitments, a.complainer, scalarFromBytes(grp, a.share));
    } catch (err) {
      if (!(err instanceof VoteCryptoError)) throw err;
    }
    if (!ok) {
      throw new GongzhiError('VOTING_BAD_SHARE', 'the revealed share does not match your commitments', {
        trustee: me,
        complainer: a.complainer,
      });
    }
    const complaints = [...d.complaints];
    complaints[k] = { ...c, share: a.share };
    return { ...d, complaints };
  },
  apply: (ctx, a, d) => {
    write(ctx.state, a.election, d);
    ctx.emit('trusteeRevealed', { id: a.election, complainer: a.complainer });
  },
});

/**
 * `trusteeDisqualify`: the registrar removes a trustee that has left a complaint against it
 * unanswered. The election key is then formed from the others — at least `threshold` of them
 * must remain for the election to open.
 */
export const trusteeDisqualify = defineMethod<{ election: string; trustee: number }, DkgRecord>({
  summary:
    'Key generation, complaint round: disqualify a trustee that left a complaint unanswered (registrar)',
  args: S.Object(
    { election: S.Id(), trustee: S.Integer({ minimum: 1, maximum: LIMITS.trustees }) },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['election', 'trustee']);
    return { election: r.id('election'), trustee: r.uint('trustee', LIMITS.trustees) };
  },
  check: (ctx, a) => {
    const { e, d } = complaintRound(ctx, a.election);
    assertRegistrar(ctx, e);
    assertIndex(e, a.trustee, 'trustee');
    assertQualified(d, a.trustee);
    if (!isAccused(d, a.trustee)) {
      throw new GongzhiError('VOTING_NO_COMPLAINT', `trustee ${a.trustee} has no unanswered complaint`, {
        trustee: a.trustee,
      });
    }
    return { ...d, disqualified: [...d.disqualified, a.trustee].sort((x, y) => x - y) };
  },
  apply: (ctx, a, d) => {
    write(ctx.state, a.election, d);
    ctx.emit('trusteeDisqualified', { id: a.election, trustee: a.trustee });
  },
});
