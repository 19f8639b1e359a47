import { concatBytes, toHex } from '../encoding/index.js';
import { discreteLogNative } from './dlog-native.js';
import {
  type AnyGroup,
  deriveScalar,
  hashToScalar,
  modq,
  RISTRETTO,
  scalarFromBytes,
  scalarToBytes,
  VoteCryptoError,
} from './group.js';
import { type Ct, cpProve, cpVerify, decodePair, encodePair, schnorrProve, schnorrVerify } from './proofs.js';
import { loadRistrettoNative } from './ristretto-native.js';

/**
 * Threshold trustees without a dealer (joint Feldman / Pedersen DKG, two rounds on the ledger):
 * 1. each trustee i publishes an encryption key `g^{e_i}` with a Schnorr proof of knowledge;
 * 2. each trustee picks a random polynomial f_i of degree t−1, publishes the Feldman commitments
 *    `C_{i,k} = g^{a_{i,k}}` with a proof of knowledge of `a_{i,0}`, and for every trustee j the
 *    share `f_i(j)` encrypted to j's key. Trustee j's secret is `s_j = Σ_i f_i(j)`; its public
 *    verification key `vk_j = Π_i Π_k C_{i,k}^{j^k}` and the election key `y = Π_i C_{i,0}` are
 *    computed by anyone from the commitments. No one ever holds the election's secret `Σ_i a_{i,0}`.
 * Trustee indices are 1..n (the polynomial is evaluated there; 0 is the secret).
 */

export function trusteeKeyFromSeed(
  grp: AnyGroup,
  seed: Uint8Array,
): { secret: bigint; publicKey: Uint8Array } {
  const secret = deriveScalar(grp, seed, 'trustee/enc');
  return { secret, publicKey: grp.encode(grp.gpow(secret)) };
}

/** Round 1: the encryption key's proof of knowledge, bound to the election and the index. */
export function proveTrusteeKey(
  grp: AnyGroup,
  election: string,
  index: number,
  seed: Uint8Array,
): Uint8Array {
  const k = trusteeKeyFromSeed(grp, seed);
  const p = schnorrProve(
    grp,
    'trustee-key',
    [election, index],
    k.secret,
    grp.gpow(k.secret),
    new Uint8Array(0),
    deriveScalar(grp, seed, 'trustee/enc/w'),
  );
  return encodePair(grp, p);
}

export function verifyTrusteeKey(
  grp: AnyGroup,
  election: string,
  index: number,
  publicKey: Uint8Array,
  proof: Uint8Array,
): boolean {
  return schnorrVerify(
    grp,
    'trustee-key',
    [election, index],
    grp.decode(publicKey),
    new Uint8Array(0),
    decodePair(grp, proof),
  );
}

/** Round 2 as published: commitments, the proof for `a_0`, and one encrypted share per trustee. */
export interface TrusteeSharesWire {
  readonly commitments: readonly Uint8Array[];
  readonly proof: Uint8Array;
  /** For trustee j (1..n, in order): `R ‖ v` with `R = g^e`, `v = f(j) + H(R, encKey_j^e) mod q`. */
  readonly shares: readonly Uint8Array[];
}

const coefficient = (grp: AnyGroup, seed: Uint8Array, k: number): bigint =>
  deriveScalar(grp, seed, `trustee/poly/${k}`);

function evalPoly(grp: AnyGroup, coeffs: readonly bigint[], x: number): bigint {
  let acc = 0n;
  for (let k = coeffs.length - 1; k >= 0; k--) acc = modq(grp, acc * BigInt(x) + (coeffs[k] as bigint));
  return acc;
}

const shareMask = (
  grp: AnyGroup,
  election: string,
  from: number,
  to: number,
  r: Uint8Array,
  k: Uint8Array,
): bigint => hashToScalar(grp, 'share-mask', [election, from, to, r, k]);

const commitCtx = (election: string, index: number, commitments: readonly Uint8Array[]) => [
  election,
  index,
  [...commitments],
];

/** Build trustee `index`'s round-2 message for `encKeys` (every trustee's key, index order). */
export function makeTrusteeShares(
  grp: AnyGroup,
  election: string,
  index: number,
  threshold: number,
  encKeys: readonly Uint8Array[],
  seed: Uint8Array,
): TrusteeSharesWire {
  const coeffs = Array.from({ length: threshold }, (_, k) => coefficient(grp, seed, k));
  const commitments = coeffs.map((a) => grp.encode(grp.gpow(a)));
  const a0 = coeffs[0] as bigint;
  const proof = encodePair(
    grp,
    schnorrProve(
      grp,
      'trustee-commit',
      commitCtx(election, index, commitments),
      a0,
      grp.gpow(a0),
      new Uint8Array(0),
      deriveScalar(grp, seed, 'trustee/poly/w'),
    ),
  );
  const shares = encKeys.map((key, i) => {
    const j = i + 1;
    const e = deriveScalar(grp, seed, `trustee/share/${j}/e`);
    const r = grp.encode(grp.gpow(e));
    const kk = grp.encode(grp.powSecret(grp.decode(key), e));
    const v = modq(grp, evalPoly(grp, coeffs, j) + shareMask(grp, election, index, j, r, kk));
    return concatBytes(r, scalarToBytes(v, grp.scalarBytes));
  });
  return { commitments, proof, shares };
}

/** Check the published part of a round-2 message: element encodings, count, proof of `a_0`. */
export function verifyTrusteeShares(
  grp: AnyGroup,
  election: string,
  index: number,
  threshold: number,
  trustees: number,
  m: TrusteeSharesWire,
): boolean {
  if (m.commitments.length !== threshold || m.shares.length !== trustees) return false;
  try {
    const c0 = grp.decode(m.commitments[0] as Uint8Array);
    for (const c of m.commitments) grp.decode(c);
    for (const s of m.shares) {
      if (s.length !== grp.elementBytes + grp.scalarBytes) return false;
      grp.decode(s.subarray(0, grp.elementBytes));
      scalarFromBytes(grp, s.subarray(grp.elementBytes));
    }
    return schnorrVerify(
      grp,
      'trustee-commit',
      commitCtx(election, index, m.commitments),
      c0,
      new Uint8Array(0),
      decodePair(grp, m.proof),
    );
  } catch (e) {
    if (e instanceof VoteCryptoError) return false;
    throw e;
  }
}

/** `Π_k C_k^{j^k}`: what `f(j)` must be the discrete log of. */
export function commitmentAt<E>(grp: AnyGroup, commitments: readonly Uint8Array[], j: number): E {
  let acc = grp.identity as E;
  let pow = 1n;
  for (const c of commitments) {
    acc = grp.mul(acc, grp.pow(grp.decode(c), pow));
    pow = modq(grp, pow * BigInt(j));
  }
  return acc;
}

/** Trustee `me` opens the share trustee `from` sent it and checks it against `from`'s commitments. */
export function openShare(
  grp: AnyGroup,
  election: string,
  from: number,
  me: number,
  encSecret: bigint,
  m: TrusteeSharesWire,
): bigint {
  const s = m.shares[me - 1];
  if (s === undefined) throw new VoteCryptoError('BAD_SHAPE', `no share for trustee ${me}`);
  const r = s.subarray(0, grp.elementBytes);
  const k = grp.encode(grp.powSecret(grp.decode(r), encSecret));
  const v = modq(
    grp,
    scalarFromBytes(grp, s.subarray(grp.elementBytes)) - shareMask(grp, election, from, me, r, k),
  );
  if (!grp.eq(grp.gpow(v), commitmentAt(grp, m.commitments, me))) {
    throw new VoteCryptoError('BAD_PROOF', `the share from trustee ${from} does not match its commitments`);
  }
  return v;
}

/** The election public key `Π_i C_{i,0}`. */
export function electionKey<E>(grp: AnyGroup, all: readonly TrusteeSharesWire[]): E {
  let y = grp.identity as E;
  for (const m of all) y = grp.mul(y, grp.decode(m.commitments[0] as Uint8Array));
  return y;
}

/** Trustee j's verification key `g^{s_j}` from everyone's commitments. */
export function verificationKey<E>(grp: AnyGroup, all: readonly TrusteeSharesWire[], j: number): E {
  let vk = grp.identity as E;
  for (const m of all) vk = grp.mul(vk, commitmentAt<E>(grp, m.commitments, j));
  return vk;
}

const decryptCtx = (fp: Uint8Array, j: number, pos: number) => [fp, j, pos];

/** Trustee j's decryption factor `A^{s_j}` for the tally ciphertext at position `pos`, with its proof. */
export function partialDecrypt<E>(
  grp: AnyGroup,
  fp: Uint8Array,
  j: number,
  share: bigint,
  a: E,
  pos: number,
  w: bigint,
): { factor: Uint8Array; proof: Uint8Array } {
  const d = grp.powSecret(a, share);
  const p = cpProve(grp, 'decrypt', decryptCtx(fp, j, pos), share, grp.gpow(share), a, d, w);
  return { factor: grp.encode(d), proof: encodePair(grp, p) };
}

export function verifyPartial<E>(
  grp: AnyGroup,
  fp: Uint8Array,
  j: number,
  vk: E,
  a: E,
  pos: number,
  factor: Uint8Array,
  proof: Uint8Array,
): boolean {
  try {
    return cpVerify(
      grp,
      'decrypt',
      decryptCtx(fp, j, pos),
      vk,
      a,
      grp.decode(factor),
      decodePair(grp, proof),
    );
  } catch (e) {
    if (e instanceof VoteCryptoError) return false;
    throw e;
  }
}

function inverse(grp: AnyGroup, x: bigint): bigint {
  // Fermat: q is prime.
  let result = 1n;
  let base = modq(grp, x);
  let e = grp.q - 2n;
  while (e > 0n) {
    if (e & 1n) result = (result * base) % grp.q;
    base = (base * base) % grp.q;
    e >>= 1n;
  }
  return result;
}

/** Lagrange coefficient at 0 of index `j` within `set`. */
export function lagrange(grp: AnyGroup, set: readonly number[], j: number): bigint {
  let num = 1n;
  let den = 1n;
  for (const m of set) {
    if (m === j) continue;
    num = modq(grp, num * BigInt(m));
    den = modq(grp, den * BigInt(m - j));
  }
  return modq(grp, num * inverse(grp, den));
}

/** `g^m = B / Π_j D_j^{λ_j}` from t factors (index → factor element). */
export function combine<E>(grp: AnyGroup, ct: Ct<E>, factors: ReadonlyMap<number, E>): E {
  const set = [...factors.keys()];
  let ax = grp.identity as E;
  for (const [j, d] of factors) ax = grp.mul(ax, grp.pow(d, lagrange(grp, set, j)));
  return grp.div(ct.b, ax);
}

/**
 * The m in 0..bound with `g^m = target`, by baby-step giant-step (√bound table); NO_DLOG when
 * there is none (a wrong tally or a bound too small).
 */
export function discreteLog<E>(grp: AnyGroup, target: E, bound: number): number {
  const native = grp === RISTRETTO ? loadRistrettoNative() : undefined;
  const found = native === undefined ? undefined : discreteLogNative(native, grp.encode(target), bound);
  if (found !== undefined) return found;
  const m = Math.max(1, Math.ceil(Math.sqrt(bound + 1)));
  const table = new Map<string, number>();
  let p = grp.identity as E;
  for (let i = 0; i < m; i++) {
    table.set(hexKey(grp.encode(p)), i);
    p = grp.mul(p, grp.g);
  }
  const step = grp.gpow(-BigInt(m));
  let gamma = target;
  for (let k = 0; k * m <= bound; k++) {
    const hit = table.get(hexKey(grp.encode(gamma)));
    if (hit !== undefined && k * m + hit <= bound) return k * m + hit;
    gamma = grp.mul(gamma, step);
  }
  throw new VoteCryptoError('NO_DLOG', `no discrete log in 0..${bound}`);
}

const hexKey = (b: Uint8Array): string => toHex(b);

/**
 * The complaint round: trustee `from`'s share for trustee `to`, `f_from(to)`, recomputed from its
 * seed — what the accused reveals in the clear when `to` complains about the encrypted one.
 */
export function shareFromSeed(grp: AnyGroup, seed: Uint8Array, threshold: number, to: number): bigint {
  const coeffs = Array.from({ length: threshold }, (_, k) => coefficient(grp, seed, k));
  return evalPoly(grp, coeffs, to);
}

/** Whether `v` is the share for trustee `j` that `commitments` promise (`g^v = Π_k C_k^{j^k}`). */
export function shareMatches(
  grp: AnyGroup,
  commitments: readonly Uint8Array[],
  j: number,
  v: bigint,
): boolean {
  try {
    return grp.eq(grp.gpow(v), commitmentAt(grp, commitments, j));
  } catch (e) {
    if (e instanceof VoteCryptoError) return false;
    throw e;
  }
}

/** Whether the encrypted share `from` sent to `me` opens to a value matching `from`'s commitments. */
export function shareIsGood(
  grp: AnyGroup,
  election: string,
  from: number,
  me: number,
  encSecret: bigint,
  m: TrusteeSharesWire,
): boolean {
  try {
    openShare(grp, election, from, me, encSecret, m);
    return true;
  } catch (e) {
    if (e instanceof VoteCryptoError) return false;
    throw e;
  }
}
