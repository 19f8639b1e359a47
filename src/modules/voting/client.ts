import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import {
  type AnyGroup,
  ballotValue,
  type Ct,
  combine,
  createBallot,
  credentialFromSeed,
  decodeCt,
  deriveScalar,
  discreteLog,
  makeTrusteeShares,
  type OpenChoice,
  openShare,
  partialDecrypt,
  proveTrusteeKey,
  scalarFromBytes,
  scalarToBytes,
  shareFromSeed,
  shareIsGood,
  signOpenVote,
  trusteeKeyFromSeed,
} from '../../voting-crypto/index.js';
import { factorAt, groupOf } from './common.js';
import { revealedShare } from './dkg.js';
import { ballotContext } from './fingerprint.js';
import type { ElectionRecord } from './record.js';
import type { DkgRecord, Election, EncryptedTally, TrusteeRecord } from './types.js';

/**
 * The client side of the protocol, as the CLI, demos, tests and benchmark use it: pure functions
 * from the election record and a 32-byte seed the caller drew (this file never draws randomness
 * itself, so every message is reproducible from its seed) to the arguments of a voting method.
 */

type G = unknown;
const grpOf = (e: Election): AnyGroup => groupOf(e);

/** A voting credential (secret scalar and public key) from its seed. */
export const credential = (e: Pick<Election, 'group'>, seed: Uint8Array) =>
  credentialFromSeed(groupOf(e), seed);

/** `voting.vote` arguments for an open resolution. */
export function voteArgs(
  e: Election,
  credSeed: Uint8Array,
  seq: number,
  choice: OpenChoice,
  seed: Uint8Array,
): CborMap {
  const grp = grpOf(e);
  const c = credentialFromSeed(grp, credSeed);
  const signature = signOpenVote(grp, e.fingerprint as Uint8Array, c.secret, seq, choice, seed);
  return { election: e.id, credential: c.publicKey, seq, choice, signature };
}

/** `voting.cast` arguments: `selections[q][a]` ∈ {0,1}. */
export function castArgs(
  e: Election,
  credSeed: Uint8Array,
  selections: readonly (readonly number[])[],
  seed: Uint8Array,
  seq = 1,
): CborMap {
  const grp = grpOf(e);
  const c = credentialFromSeed(grp, credSeed);
  const ballot = createBallot(ballotContext(e), c.secret, selections, seed, seq);
  return { election: e.id, ballot: ballotValue(ballot) };
}

/** `voting.trusteeKey` arguments for trustee `index` (1-based). */
export function trusteeKeyArgs(e: Election, index: number, seed: Uint8Array): CborMap {
  const grp = grpOf(e);
  return {
    election: e.id,
    publicKey: trusteeKeyFromSeed(grp, seed).publicKey,
    proof: proveTrusteeKey(grp, e.id, index, seed),
  };
}

/** `voting.trusteeShares` arguments, once every trustee's key is in `trustees`. */
export function trusteeSharesArgs(
  e: Election,
  index: number,
  trustees: readonly TrusteeRecord[],
  seed: Uint8Array,
): CborMap {
  const keys = trustees.map((t) => {
    if (t.key === undefined)
      throw new GongzhiError('VOTING_BAD_PHASE', `trustee ${t.index} has not posted its key`);
    return t.key.publicKey;
  });
  const m = makeTrusteeShares(grpOf(e), e.id, index, e.threshold, keys, seed);
  return { election: e.id, commitments: [...m.commitments], proof: m.proof, shares: [...m.shares] };
}

/**
 * Trustee `index`'s secret share `s_j = Σ_i f_i(j)` over the qualified trustees (all when `dkg`
 * disqualified no one), each share checked against its commitments — or, where `index` complained
 * and the accused answered, the share it revealed.
 */
export function trusteeShare(
  e: Election,
  index: number,
  trustees: readonly TrusteeRecord[],
  seed: Uint8Array,
  dkg: DkgRecord = { complaints: [], disqualified: [] },
): bigint {
  const grp = grpOf(e);
  const enc = trusteeKeyFromSeed(grp, seed).secret;
  let s = 0n;
  for (const t of trustees) {
    if (dkg.disqualified.includes(t.index)) continue;
    if (t.shares === undefined)
      throw new GongzhiError('VOTING_BAD_PHASE', `trustee ${t.index} has not posted its shares`);
    const revealed = revealedShare(dkg, t.index, index);
    const f =
      revealed === undefined
        ? openShare(grp, e.id, t.index, index, enc, t.shares)
        : scalarFromBytes(grp, revealed);
    s = (s + f) % grp.q;
  }
  return s;
}

/**
 * The complaint round, trustee `index`'s side: the trustees whose encrypted share to it does not
 * match their commitments — each deserves a `voting.trusteeComplain`.
 */
export function badShares(
  e: Election,
  index: number,
  trustees: readonly TrusteeRecord[],
  seed: Uint8Array,
): number[] {
  const grp = grpOf(e);
  const enc = trusteeKeyFromSeed(grp, seed).secret;
  return trustees
    .filter((t) => t.index !== index && t.shares !== undefined)
    .filter((t) => !shareIsGood(grp, e.id, t.index, index, enc, t.shares as NonNullable<typeof t.shares>))
    .map((t) => t.index);
}

/** `voting.trusteeReveal` arguments: the accused's share for `complainer`, from the accused's seed. */
export function revealArgs(e: Election, complainer: number, seed: Uint8Array): CborMap {
  const grp = grpOf(e);
  const v = shareFromSeed(grp, seed, e.threshold, complainer);
  return { election: e.id, complainer, share: scalarToBytes(v, grp.scalarBytes) };
}

function tallyCts(grp: AnyGroup, t: EncryptedTally): Ct<G>[] {
  return t.plain.flatMap((p, i) => [decodeCt<G>(grp, p), decodeCt<G>(grp, t.weighted[i] as Uint8Array)]);
}

/** `voting.decrypt` arguments: trustee `index`'s factors for the closed tally. */
export function decryptArgs(rec: ElectionRecord, index: number, seed: Uint8Array): CborMap {
  const e = rec.election;
  const grp = grpOf(e);
  if (rec.tally === undefined) throw new GongzhiError('VOTING_BAD_PHASE', 'the election has no tally');
  const share = trusteeShare(e, index, rec.trustees, seed, rec.dkg);
  const factors = tallyCts(grp, rec.tally).map((ct, pos) => {
    const w = deriveScalar(grp, seed, `decrypt/${pos}`);
    const p = partialDecrypt(grp, e.fingerprint as Uint8Array, index, share, ct.a, pos, w);
    return { factor: p.factor, proof: p.proof };
  });
  return { election: e.id, factors };
}

/**
 * The result from `threshold` partial decryptions: each count's discrete log, bounded by the
 * number of ballots (head-count) or their total weight (weighted).
 */
export function computeResult(rec: ElectionRecord): { plain: number[][]; weighted: number[][] } {
  const e = rec.election;
  const grp = grpOf(e);
  const t = rec.tally;
  if (t === undefined) throw new GongzhiError('VOTING_BAD_PHASE', 'the election has no tally');
  const set = rec.trustees.filter((x) => x.partial !== undefined).slice(0, e.threshold);
  if (set.length < e.threshold)
    throw new GongzhiError('VOTING_BAD_PHASE', `${set.length} of ${e.threshold} decryptions are in`);
  const cts = tallyCts(grp, t);
  const counts = cts.map((ct, pos) => {
    const f = new Map<number, G>(set.map((x) => [x.index, grp.decode(factorAt(x, pos))]));
    return discreteLog(grp, combine(grp, ct, f), pos % 2 === 0 ? t.ballots : t.weight);
  });
  const plain: number[][] = [];
  const weighted: number[][] = [];
  let p = 0;
  for (const q of e.questions) {
    plain.push(q.answers.map((_, i) => counts[2 * (p + i)] as number));
    weighted.push(q.answers.map((_, i) => counts[2 * (p + i) + 1] as number));
    p += q.answers.length;
  }
  return { plain, weighted };
}
