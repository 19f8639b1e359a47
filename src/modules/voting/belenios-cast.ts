import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import {
  type CheckContext,
  defineMethod,
  readArgs,
  readStored,
  S,
  writeStored,
} from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import {
  type Ct,
  checkPartialDecryption,
  gpow,
  hashJson,
  lagrange,
  mul,
  type PartialDecryptionJson,
  pow,
  Q,
  readElement,
} from '../../voting-crypto/belenios/index.js';
import { belBallotAdmitJob, belElection, checkedBelBallot } from './belenios-ballot-job.js';
import {
  type BelBallot,
  type BelTally,
  type BelTrustee,
  belBallotCodec,
  belCheck,
  belKeys,
  belTallyCodec,
  belTrusteeCodec,
  elementBytes,
  MAX_JSON,
} from './belenios-state.js';

export { belElection } from './belenios-ballot-job.js';

import { assertBelenios, belTrustees } from './belenios-trustee.js';
import { assertPhase, enrolledVoter, loadElection, trusteeIndex } from './common.js';
import { applyTallied, assertTallyInputs, talliedResult } from './tallied.js';
import { type Election, LIMITS, type ResultRecord } from './types.js';

export function belTally(state: StateReader, e: Election): BelTally {
  const t = readStored(state, belKeys.tally(e.id), belTallyCodec);
  if (t === undefined)
    throw new GongzhiError('CHAIN_INVALID', 'opened Belenios election without a tally', { id: e.id });
  return t;
}

const readCt = (s: string): Ct => {
  const [a, b] = s.split(',');
  return { alpha: BigInt(a ?? '1'), beta: BigInt(b ?? '1') };
};
const ctStr = (c: Ct): string => `${c.alpha},${c.beta}`;
/** `x^{-1}` in the order-q subgroup is `x^{q−1}`. */
const invCt = (c: Ct): Ct => ({ alpha: pow(c.alpha, Q - 1n), beta: pow(c.beta, Q - 1n) });
const powCt = (c: Ct, w: number): Ct =>
  w === 1 ? c : { alpha: pow(c.alpha, BigInt(w)), beta: pow(c.beta, BigInt(w)) };
const mulCt = (a: Ct, b: Ct): Ct => ({ alpha: mul(a.alpha, b.alpha), beta: mul(a.beta, b.beta) });

/** The flattened tally regrouped per question, as Belenios' encrypted tally is. */
export function perQuestion(e: Election, flat: readonly string[]): Ct[][] {
  let k = 0;
  return e.questions.map((q) => q.answers.map(() => readCt(flat[k++] ?? '1,1')));
}

/**
 * `beleniosCast`: a Belenios 2.0 ballot (its exact JSON) for a BELENIOS-2048 election. Every check
 * of Belenios' verifier runs here — fingerprint, each 0/1 and min..max proof, the credential's
 * signature — plus enrolment; the last ballot of a credential counts (Belenios' rule), and both
 * running tallies (weighted and head-count) move with it.
 */
export const beleniosCast = defineMethod<
  { election: string; ballot: string },
  { ballot: BelBallot; cred: string; tally: BelTally }
>({
  summary: 'Cast a Belenios 2.0 ballot in a BELENIOS-2048 election (verified completely)',
  args: S.Object(
    {
      election: S.Id(),
      ballot: S.String({ maxLength: MAX_JSON, description: 'the ballot’s JSON, as Belenios writes it' }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['election', 'ballot']);
    return { election: r.id('election'), ballot: r.str('ballot', MAX_JSON) };
  },
  // Refused at admission (nothing enters a block): not open, or any Belenios check failing.
  // The checks run as a job on the node's worker pool (./belenios-ballot-job.ts).
  admit: (ctx, a) => belBallotAdmitJob(ctx.state, a.election, a.ballot),
  // Indexed by election: the `.bel` export reads this election's ballots only (`…/txs?subject=`).
  subject: (a) => a.election,
  check: (ctx, a) => {
    const { e, b } = checkedBelBallot(ctx.state, a.election, a.ballot);
    const credential = elementBytes(b.credential);
    const voter = enrolledVoter(ctx.state, e, credential);
    const cred = toHex(credential);
    const prev = readStored(ctx.state, belKeys.ballot(e.id, cred), belBallotCodec);
    const t = belTally(ctx.state, e);
    let weighted = t.weighted.map(readCt);
    let plain = t.plain.map(readCt);
    if (prev !== undefined) {
      // Verified when admitted: only its ciphertexts are needed to take it out again.
      const old = (
        JSON.parse(prev.json) as { answers: { choices: { alpha: string; beta: string }[] }[] }
      ).answers.flatMap((q) => q.choices.map((c) => invCt({ alpha: BigInt(c.alpha), beta: BigInt(c.beta) })));
      weighted = weighted.map((w, i) => mulCt(w, powCt(old[i] as Ct, voter.weight)));
      plain = plain.map((w, i) => mulCt(w, old[i] as Ct));
    }
    const cts = b.cts.flat();
    weighted = weighted.map((w, i) => mulCt(w, powCt(cts[i] as Ct, voter.weight)));
    plain = plain.map((w, i) => mulCt(w, cts[i] as Ct));
    return {
      cred,
      ballot: { json: a.ballot, order: t.admitted, weight: voter.weight },
      tally: {
        ballots: t.ballots + (prev === undefined ? 1 : 0),
        weight: t.weight + (prev === undefined ? voter.weight : 0),
        admitted: t.admitted + 1,
        weighted: weighted.map(ctStr),
        plain: plain.map(ctStr),
      },
    };
  },
  apply: (ctx, a, p) => {
    writeStored(ctx.state, belKeys.ballot(a.election, p.cred), belBallotCodec, p.ballot);
    writeStored(ctx.state, belKeys.tally(a.election), belTallyCodec, p.tally);
    ctx.emit('cast', { id: a.election, ballot: hashJson(a.ballot), seq: p.ballot.order });
  },
});

function closedBelenios(ctx: CheckContext, id: string) {
  const e = loadElection(ctx.state, id);
  assertBelenios(e);
  assertPhase(e, 'closed');
  return { e, fp: hashJson(belElection(ctx.state, e).json), t: belTally(ctx.state, e) };
}

const vkeyOf = (t: BelTrustee | undefined): bigint => {
  if (t?.vkey === undefined)
    throw new GongzhiError('CHAIN_INVALID', 'opened election with a missing verification key');
  return readElement((JSON.parse(t.vkey) as { public_key: unknown }).public_key, 'verification key');
};

/**
 * `beleniosDecrypt`: a trustee's Belenios partial decryptions of the closed weighted tally (the
 * one the archive carries) and of the head-count tally, each factor with its proof.
 */
export const beleniosDecrypt = defineMethod<
  { election: string; weighted: string; plain: string },
  BelTrustee
>({
  summary: 'A trustee’s Belenios partial decryptions (weighted and head-count tallies)',
  args: S.Object(
    {
      election: S.Id(),
      weighted: S.String({ maxLength: MAX_JSON }),
      plain: S.String({ maxLength: MAX_JSON }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['election', 'weighted', 'plain']);
    return {
      election: r.id('election'),
      weighted: r.str('weighted', MAX_JSON),
      plain: r.str('plain', MAX_JSON),
    };
  },
  check: (ctx, a) => {
    const j = trusteeIndex(ctx, loadElection(ctx.state, a.election));
    const { e, fp, t } = closedBelenios(ctx, a.election);
    const mine = belTrustees(ctx.state, e)[j - 1];
    if (mine?.weighted !== undefined)
      throw new GongzhiError('VOTING_ALREADY_POSTED', 'decryption posted already', { trustee: j });
    const X = vkeyOf(mine);
    belCheck(`trustee ${j} weighted decryption`, () =>
      checkPartialDecryption(
        fp,
        X,
        perQuestion(e, t.weighted),
        JSON.parse(a.weighted) as PartialDecryptionJson,
      ),
    );
    belCheck(`trustee ${j} head-count decryption`, () =>
      checkPartialDecryption(fp, X, perQuestion(e, t.plain), JSON.parse(a.plain) as PartialDecryptionJson),
    );
    return { ...(mine as BelTrustee), weighted: a.weighted, plain: a.plain };
  },
  apply: (ctx, a, t) => {
    writeStored(ctx.state, belKeys.trustee(a.election, t.index), belTrusteeCodec, t);
    ctx.emit('decrypted', { id: a.election, trustee: t.index });
  },
});

const matrix = S.Array(S.Array(S.Uint(), { maxItems: LIMITS.answers }), { maxItems: LIMITS.questions });

/** `F · g^m = β` for every answer, F from the first `threshold` trustees' factors (Lagrange at 0). */
function checkCounts(
  e: Election,
  ts: readonly BelTrustee[],
  which: 'weighted' | 'plain',
  tally: Ct[][],
  claimed: readonly (readonly number[])[],
) {
  const ids = ts.map((t) => t.index);
  const factors = ts.map((t) => (JSON.parse(t[which] as string) as PartialDecryptionJson).decryption_factors);
  for (const [qi, q] of tally.entries()) {
    for (const [ai, c] of q.entries()) {
      let F = 1n;
      ts.forEach((t, k) => {
        F = mul(F, pow(BigInt((factors[k]?.[qi] ?? [])[ai] ?? '1'), lagrange(t.index, ids)));
      });
      const m = claimed[qi]?.[ai];
      if (m === undefined || mul(F, gpow(BigInt(m))) !== c.beta) {
        throw new GongzhiError(
          'VOTING_WRONG_RESULT',
          `${which} count ${qi}.${ai} does not match the decryption`,
          {
            id: e.id,
          },
        );
      }
    }
  }
}

/** `beleniosTally`: publish the result once `threshold` trustees decrypted; both matrices checked. */
export const beleniosTally = defineMethod<
  { election: string; plain: number[][]; weighted: number[][] },
  { election: Election; result: ResultRecord }
>({
  summary: 'Publish a BELENIOS-2048 election’s result, checked against the threshold decryption',
  args: S.Object({ election: S.Id(), plain: matrix, weighted: matrix }, { additionalProperties: false }),
  parse: (v) => {
    const r = readArgs(v, ['election', 'plain', 'weighted']);
    const m = (f: string) =>
      r.list(f, LIMITS.questions, (x, p) => {
        if (
          !Array.isArray(x) ||
          x.length > LIMITS.answers ||
          x.some((n) => typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
        ) {
          r.fail(f, `lists of ≤ ${LIMITS.answers} unsigned counts (${p})`);
        }
        return x as number[];
      });
    return { election: r.id('election'), plain: m('plain'), weighted: m('weighted') };
  },
  check: (ctx, a) => {
    const { e, t } = closedBelenios(ctx, a.election);
    const set = belTrustees(ctx.state, e)
      .filter((x): x is BelTrustee => x?.weighted !== undefined)
      .slice(0, e.threshold);
    assertTallyInputs(e, set.length, a.plain, a.weighted);
    checkCounts(e, set, 'weighted', perQuestion(e, t.weighted), a.weighted);
    checkCounts(e, set, 'plain', perQuestion(e, t.plain), a.plain);
    return talliedResult(ctx, e, t, a.plain, a.weighted);
  },
  apply: (ctx, a, p) => applyTallied(ctx, a.election, p),
});
