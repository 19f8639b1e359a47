import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, readStored, S, writeStored } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import {
  type AnyGroup,
  type Ct,
  combine,
  decodeCt,
  verificationKey,
  verifyPartial,
} from '../../voting-crypto/index.js';
import { keys, tallyCodec, trusteeCodec } from './codecs.js';
import { assertPhase, factorAt, groupOf, loadElection, trusteeIndex } from './common.js';
import { qualifiedMessages, readDkg } from './dkg.js';
import { applyTallied, assertTallyInputs, talliedResult } from './tallied.js';
import { trusteeRecords } from './trustee-methods.js';
import {
  type Election,
  type EncryptedTally,
  LIMITS,
  type ResultRecord,
  type TrusteeRecord,
} from './types.js';

type G = unknown;

/** The tally's ciphertexts in decryption order: position 2p is answer p's head-count, 2p+1 its weighted count. */
export function tallyCiphertexts(grp: AnyGroup, t: EncryptedTally): Ct<G>[] {
  return t.plain.flatMap((p, i) => [decodeCt<G>(grp, p), decodeCt<G>(grp, t.weighted[i] as Uint8Array)]);
}

function closedElection(state: StateReader, id: string): { e: Election; tally: EncryptedTally } {
  const e = loadElection(state, id);
  if (e.kind !== 'election')
    throw new GongzhiError('VOTING_WRONG_KIND', 'a resolution has no trustees', { id });
  assertPhase(e, 'closed');
  const tally = readStored(state, keys.tally(id), tallyCodec);
  if (tally === undefined) throw new GongzhiError('CHAIN_INVALID', 'closed election without a tally', { id });
  return { e, tally };
}

/** Arguments of `voting.decrypt`. */
export interface DecryptArgs {
  readonly election: string;
  readonly factors: readonly { readonly factor: Uint8Array; readonly proof: Uint8Array }[];
}

/**
 * `decrypt`: a trustee's partial decryption of the closed tally — one factor `α^{s_j}` per tally
 * ciphertext with a Chaum–Pedersen proof against its verification key. Only the tally is ever
 * decrypted, never a ballot.
 */
export const decrypt = defineMethod<DecryptArgs, TrusteeRecord>({
  summary: 'A trustee’s partial decryption of the tally, with Chaum–Pedersen proofs',
  args: S.Object(
    {
      election: S.Id(),
      factors: S.Array(S.Object({ factor: S.Hex(32), proof: S.Hex(64) }), {
        maxItems: 2 * LIMITS.questions * LIMITS.answers,
      }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['election', 'factors']);
    return {
      election: r.id('election'),
      factors: r.list('factors', 2 * LIMITS.questions * LIMITS.answers, (x, p) => {
        const s = r.sub(x, p, ['factor', 'proof']);
        return { factor: s.bytes('factor', 32), proof: s.bytes('proof', 64) };
      }),
    };
  },
  check: (ctx, a) => {
    const loaded = loadElection(ctx.state, a.election);
    const j = trusteeIndex(ctx, loaded);
    const { e, tally } = closedElection(ctx.state, a.election);
    const ts = trusteeRecords(ctx.state, e);
    const d = readDkg(ctx.state, e.id);
    if (d.disqualified.includes(j))
      throw new GongzhiError('VOTING_DISQUALIFIED', `trustee ${j} was disqualified`, { trustee: j });
    const mine = ts[j - 1] as TrusteeRecord;
    if (mine.partial !== undefined)
      throw new GongzhiError('VOTING_ALREADY_POSTED', 'decryption posted already', { trustee: j });
    const grp = groupOf(e);
    const cts = tallyCiphertexts(grp, tally);
    if (a.factors.length !== cts.length) {
      throw new GongzhiError('VOTING_BAD_PROOF', `the tally has ${cts.length} ciphertexts`, {
        got: a.factors.length,
      });
    }
    const vk = verificationKey<G>(grp, qualifiedMessages(ts, d), j);
    const fp = e.fingerprint as Uint8Array;
    a.factors.forEach((f, pos) => {
      if (!verifyPartial(grp, fp, j, vk, (cts[pos] as Ct<G>).a, pos, f.factor, f.proof)) {
        throw new GongzhiError('VOTING_BAD_PROOF', `partial decryption ${pos} does not verify`, {
          trustee: j,
          pos,
        });
      }
    });
    return { ...mine, partial: a.factors };
  },
  apply: (ctx, a, t) => {
    writeStored(ctx.state, keys.trustee(a.election, t.index), trusteeCodec, t);
    ctx.emit('decrypted', { id: a.election, trustee: t.index });
  },
});

/** Arguments of `voting.tally`: the claimed counts, per question, per answer. */
export interface TallyArgs {
  readonly election: string;
  readonly plain: readonly (readonly number[])[];
  readonly weighted: readonly (readonly number[])[];
}

function readMatrix(r: ReturnType<typeof readArgs>, f: string): number[][] {
  return r.list(f, LIMITS.questions, (v: CborValue, p) => {
    if (!Array.isArray(v) || v.length > LIMITS.answers)
      r.fail(f, `lists of ≤ ${LIMITS.answers} counts (${p})`);
    return (v as CborValue[]).map((x) => {
      if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) r.fail(f, `unsigned integers (${p})`);
      return x as number;
    });
  });
}

/** The first `threshold` trustees (index order) with a partial decryption, as index → factors. */
export function decryptingSet(
  ts: readonly (TrusteeRecord | undefined)[],
  threshold: number,
): TrusteeRecord[] {
  return ts.filter((t): t is TrusteeRecord => t?.partial !== undefined).slice(0, threshold);
}

/**
 * `tally`: publish the result once `threshold` trustees decrypted. Anyone may submit it; the
 * module checks each claimed count m against the Lagrange-combined decryption (`g^m`), so only
 * the true result is accepted. The discrete logs are found off-ledger (`gongzhi vote tally`).
 */
export const tally = defineMethod<TallyArgs, { election: Election; result: ResultRecord }>({
  summary: 'Publish the election result, checked against the threshold decryption',
  args: S.Object(
    {
      election: S.Id(),
      plain: S.Array(S.Array(S.Uint()), { description: 'head-count per question, per answer' }),
      weighted: S.Array(S.Array(S.Uint()), { description: 'weight per question, per answer' }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['election', 'plain', 'weighted']);
    return { election: r.id('election'), plain: readMatrix(r, 'plain'), weighted: readMatrix(r, 'weighted') };
  },
  check: (ctx, a) => {
    const { e, tally: t } = closedElection(ctx.state, a.election);
    const set = decryptingSet(trusteeRecords(ctx.state, e), e.threshold);
    assertTallyInputs(e, set.length, a.plain, a.weighted);
    const grp = groupOf(e);
    const cts = tallyCiphertexts(grp, t);
    const claimed = a.plain.flat().flatMap((p, i) => [p, a.weighted.flat()[i] as number]);
    cts.forEach((ct, pos) => {
      const factors = new Map<number, G>(set.map((tr) => [tr.index, grp.decode(factorAt(tr, pos))]));
      if (!grp.eq(combine(grp, ct, factors), grp.gpow(BigInt(claimed[pos] as number)))) {
        throw new GongzhiError('VOTING_WRONG_RESULT', `count ${pos} does not match the decryption`, { pos });
      }
    });
    return talliedResult(ctx, e, t, a.plain, a.weighted);
  },
  apply: (ctx, a, p) => applyTallied(ctx, a.election, p),
});
