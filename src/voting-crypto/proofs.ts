import { type CborValue, concatBytes } from '../encoding/index.js';
import {
  type AnyGroup,
  hashToScalar,
  modq,
  scalarFromBytes,
  scalarToBytes,
  VoteCryptoError,
} from './group.js';

/**
 * The three sigma protocols of the election, made non-interactive by Fiat–Shamir with every
 * challenge bound to a context list (the election fingerprint first, then who and what it is
 * about), so a proof cannot be replayed into another election, ballot or position:
 * - Schnorr proof of knowledge of a discrete log (credential signatures, trustee keys);
 * - Chaum–Pedersen equality of discrete logs (partial decryptions);
 * - the disjunctive Chaum–Pedersen (CDS) proof that an ElGamal ciphertext encrypts one of lo..hi.
 * Every proof is `(c, s)` pairs with response `s = w − x·c`; the verifier recomputes the
 * commitments from them and checks the hash. Randomness comes in as `Rng` from the client.
 */

/** Where the prover's random scalars come from (the client: a seed, see `deriveScalar`). */
export type Rng = (label: string) => bigint;

/** A challenge/response pair. */
export interface Pair {
  readonly c: bigint;
  readonly s: bigint;
}

/** `c ‖ s`, each a canonical scalar. */
export function encodePair(grp: AnyGroup, p: Pair): Uint8Array {
  return concatBytes(scalarToBytes(p.c, grp.scalarBytes), scalarToBytes(p.s, grp.scalarBytes));
}

export function decodePair(grp: AnyGroup, b: Uint8Array): Pair {
  const n = grp.scalarBytes;
  if (b.length !== 2 * n) throw new VoteCryptoError('BAD_SHAPE', `a proof pair is ${2 * n} bytes`);
  return { c: scalarFromBytes(grp, b.subarray(0, n)), s: scalarFromBytes(grp, b.subarray(n)) };
}

const enc = (grp: AnyGroup, e: unknown): Uint8Array => grp.encode(e);

/** Schnorr: prove knowledge of `x` with `pk = g^x`, binding `ctx` and `msg`. */
export function schnorrProve<E>(
  grp: AnyGroup,
  label: string,
  ctx: readonly CborValue[],
  x: bigint,
  pk: E,
  msg: Uint8Array,
  w: bigint,
): Pair {
  const t = grp.gpow(w);
  const c = hashToScalar(grp, label, [...ctx, enc(grp, pk), enc(grp, t), msg]);
  return { c, s: modq(grp, w - x * c) };
}

export function schnorrVerify<E>(
  grp: AnyGroup,
  label: string,
  ctx: readonly CborValue[],
  pk: E,
  msg: Uint8Array,
  p: Pair,
): boolean {
  // g has fixed-base tables: its public exponent takes the fast variable-time path.
  const t = grp.mul(grp.pow(grp.g, p.s), grp.pow(pk, p.c));
  return hashToScalar(grp, label, [...ctx, enc(grp, pk), enc(grp, t), msg]) === p.c;
}

/** Chaum–Pedersen: prove `log_g vk = log_a d` (= x). */
export function cpProve<E>(
  grp: AnyGroup,
  label: string,
  ctx: readonly CborValue[],
  x: bigint,
  vk: E,
  a: E,
  d: E,
  w: bigint,
): Pair {
  const t1 = grp.gpow(w);
  const t2 = grp.powSecret(a, w);
  const c = hashToScalar(grp, label, [...ctx, ...[vk, a, d, t1, t2].map((e) => enc(grp, e))]);
  return { c, s: modq(grp, w - x * c) };
}

export function cpVerify<E>(
  grp: AnyGroup,
  label: string,
  ctx: readonly CborValue[],
  vk: E,
  a: E,
  d: E,
  p: Pair,
): boolean {
  const t1 = grp.mul(grp.gpow(p.s), grp.pow(vk, p.c));
  const t2 = grp.multiPow([a, d], [p.s, p.c]);
  return hashToScalar(grp, label, [...ctx, ...[vk, a, d, t1, t2].map((e) => enc(grp, e))]) === p.c;
}

/** An exponential-ElGamal ciphertext `(α, β) = (g^r, g^m·y^r)`. */
export interface Ct<E> {
  readonly a: E;
  readonly b: E;
}

/**
 * Disjunctive proof that `ct` encrypts `m ∈ lo..hi` under `y`, knowing `r` (one pair per value).
 * For each value j ≠ m the pair is simulated; the real one is fixed by `c = Σ c_j`.
 */
export function rangeProve<E>(
  grp: AnyGroup,
  ctx: readonly CborValue[],
  y: E,
  ct: Ct<E>,
  r: bigint,
  m: number,
  lo: number,
  hi: number,
  rng: Rng,
): Pair[] {
  if (m < lo || m > hi) throw new VoteCryptoError('BAD_SHAPE', `value ${m} outside ${lo}..${hi}`);
  const pairs: (Pair | undefined)[] = [];
  const commits: Uint8Array[] = [];
  const w = rng('w');
  for (let j = lo; j <= hi; j++) {
    if (j === m) {
      pairs.push(undefined);
      commits.push(enc(grp, grp.gpow(w)), enc(grp, grp.powSecret(y, w)));
      continue;
    }
    const c = rng(`c${j}`);
    const s = rng(`s${j}`);
    pairs.push({ c, s });
    const bj = grp.div(ct.b, grp.gpow(BigInt(j)));
    commits.push(enc(grp, grp.mul(grp.gpow(s), grp.pow(ct.a, c))), enc(grp, grp.multiPow([y, bj], [s, c])));
  }
  const c = rangeChallenge(grp, ctx, ct, lo, hi, commits);
  let rest = c;
  for (const p of pairs) if (p !== undefined) rest -= p.c;
  const cm = modq(grp, rest);
  return pairs.map((p) => p ?? { c: cm, s: modq(grp, w - r * cm) });
}

function rangeChallenge<E>(
  grp: AnyGroup,
  ctx: readonly CborValue[],
  ct: Ct<E>,
  lo: number,
  hi: number,
  commits: readonly Uint8Array[],
): bigint {
  return hashToScalar(grp, 'range', [...ctx, enc(grp, ct.a), enc(grp, ct.b), lo, hi, commits]);
}

export function rangeVerify<E>(
  grp: AnyGroup,
  ctx: readonly CborValue[],
  y: E,
  ct: Ct<E>,
  lo: number,
  hi: number,
  proof: readonly Pair[],
): boolean {
  if (proof.length !== hi - lo + 1) return false;
  const commits: Uint8Array[] = [];
  let sum = 0n;
  // α and β are raised to every pair's challenge: share their doublings. (β/g^j)^c is β^c / g^{jc},
  // and g, y are fixed bases with tables, so each pair costs two shared-doubling exponentiations.
  const aTo = grp.multiplier(ct.a);
  const bTo = grp.multiplier(ct.b);
  for (let j = lo; j <= hi; j++) {
    const p = proof[j - lo] as Pair;
    sum += p.c;
    commits.push(
      enc(grp, grp.mul(grp.pow(grp.g, p.s), aTo(p.c))),
      enc(grp, grp.div(grp.mul(grp.pow(y, p.s), bTo(p.c)), grp.pow(grp.g, BigInt(j) * p.c))),
    );
  }
  return modq(grp, sum) === rangeChallenge(grp, ctx, ct, lo, hi, commits);
}
