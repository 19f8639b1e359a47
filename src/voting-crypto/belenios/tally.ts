import type { CheckedBallot } from './ballot.js';
import { BeleniosError, div, gpow, modq, mul, pow, Q, readElement } from './group.js';

/** Item `i` of what must be an array (BAD_SHAPE otherwise). */
const at = (v: unknown, i: number): unknown => {
  if (!Array.isArray(v))
    throw new BeleniosError('BAD_SHAPE', 'partial decryption: arrays of arrays expected');
  return v[i];
};

import { type ProofJson, proofJson, proveFactor, type Rand, readProof, verifyFactor } from './proofs.js';

export interface Ct {
  readonly alpha: bigint;
  readonly beta: bigint;
}
export type CtsJson = readonly (readonly { readonly alpha: string; readonly beta: string }[])[];

/** §"Encrypted tally": per question, per answer, Π ciphertext^weight over the last ballots. */
export function encryptedTally(
  questions: readonly { readonly answers: readonly unknown[] }[],
  ballots: readonly { readonly ballot: CheckedBallot; readonly weight: number }[],
): Ct[][] {
  return questions.map((q, qi) =>
    q.answers.map((_, ai) => {
      let alpha = 1n;
      let beta = 1n;
      for (const { ballot, weight } of ballots) {
        const c = (ballot.cts[qi] as readonly Ct[])[ai] as Ct;
        alpha = mul(alpha, pow(c.alpha, BigInt(weight)));
        beta = mul(beta, pow(c.beta, BigInt(weight)));
      }
      return { alpha, beta };
    }),
  );
}

export const ctsJson = (t: readonly (readonly Ct[])[]): CtsJson =>
  t.map((q) => q.map((c) => ({ alpha: c.alpha.toString(), beta: c.beta.toString() })));

/** Belenios' `partial_decryption`: `α^x` per ciphertext with its proof. */
export interface PartialDecryptionJson {
  readonly decryption_factors: readonly (readonly string[])[];
  readonly decryption_proofs: readonly (readonly ProofJson[])[];
}

export function partialDecryption(
  fp: string,
  x: bigint,
  tally: readonly (readonly Ct[])[],
  rand: Rand,
): PartialDecryptionJson {
  return {
    decryption_factors: tally.map((q) => q.map((c) => pow(c.alpha, x).toString())),
    decryption_proofs: tally.map((q) => q.map((c) => proofJson(proveFactor(fp, x, c.alpha, rand)))),
  };
}

/** Check a partial decryption against the trustee's public key `X`; returns the factors. */
export function checkPartialDecryption(
  fp: string,
  X: bigint,
  tally: readonly (readonly Ct[])[],
  pd: PartialDecryptionJson,
): bigint[][] {
  if (!Array.isArray(pd.decryption_factors) || pd.decryption_factors.length !== tally.length) {
    throw new BeleniosError('BAD_SHAPE', `partial decryption: ${tally.length} questions expected`);
  }
  return tally.map((q, qi) =>
    q.map((c, ai) => {
      const f = readElement(at(at(pd.decryption_factors, qi), ai), `decryption factor ${qi}.${ai}`);
      const p = readProof(at(at(pd.decryption_proofs, qi), ai), `decryption proof ${qi}.${ai}`);
      if (!verifyFactor(fp, X, c.alpha, f, p)) {
        throw new BeleniosError('BAD_PROOF', `decryption factor ${qi}.${ai} does not verify`);
      }
      return f;
    }),
  );
}

/** Lagrange coefficient at 0 of index `d` among `ids` (1-based trustee positions), mod q. */
export function lagrange(d: number, ids: readonly number[]): bigint {
  let num = 1n;
  let den = 1n;
  for (const k of ids) {
    if (k === d) continue;
    num = modq(num * BigInt(k));
    den = modq(den * BigInt(k - d));
  }
  return modq(num * modInvQ(den));
}

function modInvQ(a: bigint): bigint {
  let r = 1n;
  let b = modq(a);
  let e = Q - 2n;
  while (e > 0n) {
    if (e & 1n) r = modq(r * b);
    b = modq(b * b);
    e >>= 1n;
  }
  return r;
}

/** Combine per-ciphertext factors (already raised to their Lagrange weights) into `F`. */
export function combineFactors(parts: readonly (readonly (readonly bigint[])[])[]): bigint[][] {
  const first = parts[0];
  if (first === undefined) throw new BeleniosError('BAD_SHAPE', 'no partial decryption');
  return first.map((q, qi) =>
    q.map((_, ai) => parts.reduce((acc, p) => mul(acc, (p[qi] as bigint[])[ai] as bigint), 1n)),
  );
}

/** `m` with `g^m = target`, 0 ≤ m ≤ bound (baby-step giant-step: √bound multiplications each way). */
export function dlog(target: bigint, bound: number): number | undefined {
  const m = Math.max(1, Math.ceil(Math.sqrt(bound + 1)));
  const baby = new Map<bigint, number>();
  let acc = 1n;
  for (let j = 0; j < m; j++) {
    if (!baby.has(acc)) baby.set(acc, j);
    acc = mul(acc, gpow(1n));
  }
  const giant = pow(gpow(BigInt(m)), Q - 1n);
  let y = target;
  for (let i = 0; i * m <= bound; i++) {
    const j = baby.get(y);
    if (j !== undefined && i * m + j <= bound) return i * m + j;
    y = mul(y, giant);
  }
  return undefined;
}

/** `log_g(β / F)` bounded by the total weight: the result of a homomorphic question. */
export function decryptResult(
  tally: readonly (readonly Ct[])[],
  F: readonly (readonly bigint[])[],
  bound: number,
): number[][] {
  return tally.map((q, qi) =>
    q.map((c, ai) => {
      const m = dlog(div(c.beta, (F[qi] as bigint[])[ai] as bigint), bound);
      if (m === undefined) throw new BeleniosError('NO_DLOG', `answer ${qi}.${ai}: no count up to ${bound}`);
      return m;
    }),
  );
}
