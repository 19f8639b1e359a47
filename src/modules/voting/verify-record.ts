import { toHex } from '../../encoding/index.js';
import { Checks, failCheck, type VerificationResult } from '../../ledger/index.js';
import {
  type AnyGroup,
  ballotHash,
  type Ct,
  checkBallot,
  combine,
  decodeCt,
  electionKey,
  preparedKey,
  scalarFromBytes,
  shareMatches,
  TallySum,
  verificationKey,
  verifyOpenVote,
  verifyPartial,
  verifyTrusteeKey,
  verifyTrusteeShares,
} from '../../voting-crypto/index.js';
import { factorAt, groupOf } from './common.js';
import { pendingComplaints } from './dkg.js';
import { EMPTY_ROOT, electorateStep, fingerprintOf } from './fingerprint.js';
import type { ElectionRecord } from './record.js';
import { decide, type Outcome, type Tally } from './rules.js';
import type { OpenCounts, Voter } from './types.js';

type G = unknown;

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Check a whole election record offline, with no ledger: the electorate's hash chain and totals,
 * the fingerprint, every trustee's key-generation proofs and the election key, every counted
 * ballot's proofs and signature (or every open vote's signature), the homomorphic tallies
 * recomputed from the ballots, every partial decryption's proof, and the result against the
 * threshold decryption and the majority rule. Any change to a ballot, the tally or the result fails.
 */
export function verifyElectionRecord(
  rec: ElectionRecord,
  o: {
    /** Verify with @noble even where the native ristretto255 addon is built (the bench compares). */
    readonly portable?: boolean;
    /**
     * Hashes (hex) of ballots the caller has already checked with `checkBallot` against this
     * record's election — the `voting.ballot` job on a worker pool (./verify-record-pool.ts);
     * their proofs are not checked again here. Everything else is.
     */
    readonly checked?: ReadonlySet<string>;
  } = {},
): VerificationResult {
  const c = new Checks();
  const e = rec.election;
  const grp: AnyGroup = groupOf(e);
  const byCred = new Map<string, Voter>();
  c.check('electorate', 'CHAIN_INVALID', () => {
    let root: Uint8Array = EMPTY_ROOT;
    let total = 0;
    rec.voters.forEach((v, i) => {
      if (v.index !== i) failCheck(`voter ${i} has index ${v.index}`);
      if (v.weight < 1 || v.weight > e.maxWeight)
        failCheck(`voter ${i} has weight ${v.weight}`, 'VOTING_BAD_WEIGHT');
      const hex = toHex(v.credential);
      if (byCred.has(hex)) failCheck(`credential ${hex} enrolled twice`, 'VOTING_ALREADY_ENROLLED');
      byCred.set(hex, v);
      grp.decode(v.credential);
      root = electorateStep(root, v.credential, v.weight);
      total += v.weight;
    });
    const el = e.electorate;
    if (el.count !== rec.voters.length || el.totalWeight !== total || toHex(el.root) !== toHex(root)) {
      failCheck('count, total weight or root differs from the voters listed');
    }
    return `${el.count} voters, total weight ${el.totalWeight}, root ${toHex(root).slice(0, 16)}…`;
  });
  const dkg = rec.dkg ?? { complaints: [], disqualified: [] };
  const qualified = rec.trustees.filter((t) => !dkg.disqualified.includes(t.index));
  const commitments = qualified.map((t) => t.shares?.commitments ?? []);
  if (e.kind === 'election') {
    c.check('trustees', 'VOTING_BAD_PROOF', () => {
      if (rec.trustees.length !== e.trustees.length)
        failCheck(`${rec.trustees.length} of ${e.trustees.length} trustees`);
      for (const t of rec.trustees) {
        if (t.key === undefined || t.shares === undefined)
          failCheck(`trustee ${t.index} did not finish key generation`);
        if (!verifyTrusteeKey(grp, e.id, t.index, t.key.publicKey, t.key.proof))
          failCheck(`trustee ${t.index}: key proof`);
        if (!verifyTrusteeShares(grp, e.id, t.index, e.threshold, e.trustees.length, t.shares)) {
          failCheck(`trustee ${t.index}: commitment proof`);
        }
      }
      const settled = checkComplaints(rec, grp);
      if (qualified.length < e.threshold)
        failCheck(
          `${qualified.length} qualified trustees, threshold ${e.threshold}`,
          'VOTING_TOO_FEW_TRUSTEES',
        );
      const y = electionKey<G>(
        grp,
        qualified.map((t) => t.shares as NonNullable<typeof t.shares>),
      );
      if (e.publicKey === undefined || !grp.eq(y, grp.decode(e.publicKey)))
        failCheck('the election key is not Π C_{i,0} over the qualified trustees');
      return `${rec.trustees.length} trustees (${qualified.length} qualified${settled}), threshold ${e.threshold}, election key = product of their commitments`;
    });
  }
  const fpOk = c.check('fingerprint', 'CHAIN_INVALID', () => {
    if (e.fingerprint === undefined) failCheck('the election never opened');
    const fp = fingerprintOf(e, e.kind === 'election' ? commitments : []);
    if (toHex(fp) !== toHex(e.fingerprint)) failCheck('the fingerprint does not match the election');
    return toHex(fp);
  });
  if (!fpOk) return c.result();
  if (e.kind === 'resolution') verifyOpen(c, rec, grp, byCred);
  else verifySecret(c, rec, grp, byCred, o.portable === true, o.checked ?? new Set());
  return c.result();
}

/**
 * The complaint round: every revealed share matches the accused's commitments, no complaint is
 * left open, and each disqualified trustee had one unanswered against it. Returns a summary.
 */
function checkComplaints(rec: ElectionRecord, grp: AnyGroup): string {
  const d = rec.dkg;
  if (d === undefined) return '';
  for (const c of d.complaints) {
    const m = rec.trustees.find((t) => t.index === c.against)?.shares;
    if (m === undefined) failCheck(`complaint against unknown trustee ${c.against}`, 'VOTING_BAD_COMPLAINT');
    if (c.share !== undefined && !shareMatches(grp, m.commitments, c.by, scalarFromBytes(grp, c.share)))
      failCheck(
        `trustee ${c.against}'s share revealed to ${c.by} does not match its commitments`,
        'VOTING_BAD_SHARE',
      );
  }
  const open = pendingComplaints(d)[0];
  if (open !== undefined)
    failCheck(
      `trustee ${open.by}'s complaint against ${open.against} is unanswered`,
      'VOTING_COMPLAINT_PENDING',
    );
  for (const j of d.disqualified) {
    if (!d.complaints.some((c) => c.against === j && c.share === undefined))
      failCheck(`trustee ${j} was disqualified without an unanswered complaint`, 'VOTING_NO_COMPLAINT');
  }
  const answered = d.complaints.filter((c) => c.share !== undefined).length;
  return `; ${d.complaints.length} complaints, ${answered} answered, ${d.disqualified.length} disqualified`;
}

function verifyOpen(c: Checks, rec: ElectionRecord, grp: AnyGroup, byCred: Map<string, Voter>): void {
  const e = rec.election;
  const counts: { -readonly [K in keyof OpenCounts]: Tally } = {
    yes: { count: 0, weight: 0 },
    no: { count: 0, weight: 0 },
    abstain: { count: 0, weight: 0 },
  };
  c.check('votes', 'VOTING_BAD_SIGNATURE', () => {
    for (const { credential, vote } of rec.votes) {
      const v = byCred.get(toHex(credential));
      if (v === undefined)
        failCheck(`credential ${toHex(credential)} not in the electorate`, 'VOTING_NOT_ENROLLED');
      if (
        !verifyOpenVote(grp, e.fingerprint as Uint8Array, credential, vote.seq, vote.choice, vote.signature)
      ) {
        failCheck(`the vote of ${toHex(credential).slice(0, 16)}… does not verify`);
      }
      const t = counts[vote.choice];
      counts[vote.choice] = { count: t.count + 1, weight: t.weight + v.weight };
    }
    return `${rec.votes.length} signed votes`;
  });
  c.check('counts', 'VOTING_WRONG_RESULT', () => {
    if (!sameJson(counts, rec.counts)) failCheck('the stored counts differ from the votes');
    return `yes ${counts.yes.count}/${counts.yes.weight}, no ${counts.no.count}/${counts.no.weight}, abstain ${counts.abstain.count}/${counts.abstain.weight}`;
  });
  c.check('result', 'VOTING_WRONG_RESULT', () => {
    const r = rec.result;
    if (r === undefined || e.rule === undefined) failCheck('no result (the resolution is not closed)');
    const oc: OpenCounts = counts;
    const part = {
      count: oc.yes.count + oc.no.count + oc.abstain.count,
      weight: oc.yes.weight + oc.no.weight + oc.abstain.weight,
    };
    const outcome = decide(
      e.rule,
      { count: e.electorate.count, weight: e.electorate.totalWeight },
      part,
      oc.yes,
    );
    if (!sameJson(part, r.participation) || !sameJson(outcome, r.outcome) || !sameJson(counts, r.counts)) {
      failCheck('the result differs from the counts and the rule');
    }
    return outcome.passed ? 'passed' : 'not passed';
  });
}

function verifySecret(
  c: Checks,
  rec: ElectionRecord,
  grp: AnyGroup,
  byCred: Map<string, Voter>,
  portable: boolean,
  checked: ReadonlySet<string>,
): void {
  const e = rec.election;
  const fp = e.fingerprint as Uint8Array;
  const y = preparedKey(grp, e.publicKey as Uint8Array);
  const n = e.questions.reduce((s, q) => s + q.answers.length, 0);
  // Summed by weight (one exponentiation per distinct weight), natively when the addon is there.
  const sum = new TallySum(grp, n, portable);
  let weight = 0;
  const ok = c.check('ballots', 'VOTING_BAD_PROOF', () => {
    const ctx = {
      grp,
      fingerprint: fp,
      y,
      questions: e.questions.map((q) => ({ answers: q.answers.length, min: q.min, max: q.max })),
    };
    const seen = new Set<string>();
    for (const b of rec.ballots) {
      const hex = toHex(b.ballot.credential);
      const v = byCred.get(hex);
      if (v === undefined) failCheck(`credential ${hex} not in the electorate`, 'VOTING_NOT_ENROLLED');
      if (seen.has(hex)) failCheck(`two counted ballots for ${hex}`);
      seen.add(hex);
      const hash = toHex(ballotHash(b.ballot));
      if (hash !== toHex(b.hash)) failCheck(`ballot ${toHex(b.hash)} has another hash`);
      if (!checked.has(hash)) checkBallot(ctx, b.ballot, portable);
      sum.add(
        b.ballot.answers.flatMap((q) => [...q.choices]),
        v.weight,
      );
      weight += v.weight;
    }
    return `${rec.ballots.length} ballots: every 0/1 proof, min..max proof and signature verified`;
  });
  if (!ok) return;
  const tallyOk = c.check('tally', 'VOTING_WRONG_RESULT', () => {
    const t = rec.tally;
    if (t === undefined) failCheck('no tally');
    const { plain, weighted } = sum.result();
    const same = (l: readonly Uint8Array[], r: readonly Uint8Array[]) =>
      l.length === r.length && l.every((x, i) => toHex(x) === toHex(r[i] as Uint8Array));
    if (
      t.ballots !== rec.ballots.length ||
      t.weight !== weight ||
      !same(t.plain, plain) ||
      !same(t.weighted, weighted)
    ) {
      failCheck('the encrypted tally is not the product of the ballots');
    }
    return `head-count and weighted tallies recomputed from ${t.ballots} ballots`;
  });
  if (!tallyOk || rec.tally === undefined) return;
  const cts = rec.tally.plain.flatMap((p, i) => [
    decodeCt<G>(grp, p),
    decodeCt<G>(grp, rec.tally?.weighted[i] as Uint8Array),
  ]);
  const disqualified = rec.dkg?.disqualified ?? [];
  const msgs = rec.trustees
    .filter((t) => !disqualified.includes(t.index))
    .map((t) => t.shares as NonNullable<typeof t.shares>);
  c.check('decryptions', 'VOTING_BAD_PROOF', () => {
    const done = rec.trustees.filter((t) => t.partial !== undefined);
    for (const t of done) {
      if (disqualified.includes(t.index))
        failCheck(`trustee ${t.index} decrypted though disqualified`, 'VOTING_DISQUALIFIED');
      const vk = verificationKey<G>(grp, msgs, t.index);
      const parts = t.partial ?? [];
      if (parts.length !== cts.length)
        failCheck(`trustee ${t.index}: ${parts.length} factors for ${cts.length} ciphertexts`);
      parts.forEach((p, pos) => {
        if (!verifyPartial(grp, fp, t.index, vk, (cts[pos] as Ct<G>).a, pos, p.factor, p.proof))
          failCheck(`trustee ${t.index}: factor ${pos}`);
      });
    }
    if (done.length < e.threshold)
      failCheck(`${done.length} of the ${e.threshold} decryptions needed`, 'VOTING_TRUSTEES_PENDING');
    return `${done.length} partial decryptions with valid Chaum–Pedersen proofs`;
  });
  c.check('result', 'VOTING_WRONG_RESULT', () => {
    const r = rec.result;
    if (r === undefined || r.plain === undefined || r.weighted === undefined) failCheck('no result');
    const set = rec.trustees.filter((t) => t.partial !== undefined).slice(0, e.threshold);
    const claimed = r.plain.flat().flatMap((p, i) => [p, r.weighted?.flat()[i] as number]);
    if (claimed.length !== cts.length) failCheck('one count per answer, head-count and weighted');
    cts.forEach((ct, pos) => {
      const f = new Map<number, G>(set.map((t) => [t.index, grp.decode(factorAt(t, pos))]));
      if (!grp.eq(combine(grp, ct, f), grp.gpow(BigInt(claimed[pos] as number))))
        failCheck(`count ${pos} does not match the decryption`);
    });
    const part = { count: rec.ballots.length, weight };
    if (!sameJson(part, r.participation)) failCheck('participation differs');
    if (e.rule !== undefined) {
      const rule = e.rule;
      const el = { count: e.electorate.count, weight: e.electorate.totalWeight };
      const outcomes: Outcome[][] = r.plain.map((q, qi) =>
        q.map((count, ai) => decide(rule, el, part, { count, weight: r.weighted?.[qi]?.[ai] ?? 0 })),
      );
      if (!sameJson(outcomes, r.outcomes)) failCheck('the outcomes differ from the rule');
    }
    return `head-count ${JSON.stringify(r.plain)}, weighted ${JSON.stringify(r.weighted)}`;
  });
}
