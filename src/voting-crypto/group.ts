import { ristretto255 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2';
import { type CborValue, encodeCanonical } from '../encoding/index.js';
import { sixteenfoldTable } from './doubling-table.js';

/**
 * The prime-order groups an election may use. Every proof in this folder is written against this
 * interface, so a second group (Belenios' finite field) plugs in without touching the protocol.
 * Elements are opaque; scalars are bigints mod `q`.
 */
export interface VoteGroup<E> {
  /** The election's `group` field. */
  readonly name: VoteGroupName;
  /** Prime order of the group (and modulus of scalars). */
  readonly q: bigint;
  /** Bytes of an encoded element / scalar. */
  readonly elementBytes: number;
  readonly scalarBytes: number;
  readonly g: E;
  readonly identity: E;
  /** Decode a canonical element encoding; throws VoteCryptoError('BAD_ELEMENT') otherwise. */
  decode(b: Uint8Array): E;
  encode(e: E): Uint8Array;
  mul(a: E, b: E): E;
  div(a: E, b: E): E;
  /** `a^k` for public values (variable time is fine: nothing secret). */
  pow(a: E, k: bigint): E;
  /** `g^k` for any k (constant-time path: k may be secret). */
  gpow(k: bigint): E;
  /** `a^k` with k secret (constant-time path). */
  powSecret(a: E, k: bigint): E;
  eq(a: E, b: E): boolean;
  /**
   * The same element with fixed-base tables for fast `pow` (the election key, used in every
   * proof of every ballot). Costs a few thousand additions once.
   */
  prepare(a: E): E;
  /** Sum of `a_i^k_i` (multi-exponentiation of public values). */
  multiPow(points: readonly E[], scalars: readonly bigint[]): E;
  /**
   * `k ↦ a^k` for a public base raised to several public exponents (a ciphertext in its range
   * proof): the base's doublings are computed once and shared by every exponent.
   */
  multiplier(a: E): (k: bigint) => E;
}

export type VoteGroupName = 'ed25519';
export const VOTE_GROUPS: readonly VoteGroupName[] = ['ed25519'];

/** A failed check inside the voting crypto; the module maps `reason` to its own code. */
export class VoteCryptoError extends Error {
  constructor(
    readonly reason:
      | 'BAD_ELEMENT'
      | 'BAD_SCALAR'
      | 'BAD_PROOF'
      | 'BAD_SIGNATURE'
      | 'BAD_SHAPE'
      | 'NO_DLOG'
      | 'TOO_MANY_CHOICES',
    message: string,
  ) {
    super(message);
    this.name = 'VoteCryptoError';
  }
}

const Point = ristretto255.Point;
/** The ristretto255 element operations used here (structural, so declarations stay portable). */
export interface RPoint {
  add(o: RPoint): RPoint;
  subtract(o: RPoint): RPoint;
  multiply(k: bigint): RPoint;
  multiplyUnsafe(k: bigint): RPoint;
  double(): RPoint;
  equals(o: RPoint): boolean;
  toAffine(): { x: bigint; y: bigint };
  toBytes(): Uint8Array;
  precompute(windowSize?: number, isLazy?: boolean): RPoint;
}
const Q = Point.Fn.ORDER;

const mod = (k: bigint): bigint => ((k % Q) + Q) % Q;
/** The bytes a decoded element came from (ciphertexts are hashed into every proof's challenge). */
const encodings = new WeakMap<RPoint, Uint8Array>();

/**
 * ristretto255 (RFC 9496) over Curve25519: a prime-order group of order
 * 2^252 + 27742317777372353535851937790883648493, built from the ed25519 curve, so there is no
 * cofactor to clear and every 32-byte canonical encoding names exactly one element.
 */
export const RISTRETTO: VoteGroup<RPoint> = {
  name: 'ed25519',
  q: Q,
  elementBytes: 32,
  scalarBytes: 32,
  g: Point.BASE,
  identity: Point.ZERO,
  decode(b) {
    if (b.length !== 32) throw new VoteCryptoError('BAD_ELEMENT', 'a group element is 32 bytes');
    let p: RPoint;
    try {
      p = Point.fromBytes(b);
    } catch {
      throw new VoteCryptoError('BAD_ELEMENT', 'not a canonical ristretto255 encoding');
    }
    // Decoding accepts only the canonical encoding, so these bytes are what encode would compute.
    encodings.set(p, Uint8Array.from(b));
    return p;
  },
  encode: (e) => {
    const known = encodings.get(e);
    return known === undefined ? e.toBytes() : Uint8Array.from(known);
  },
  mul: (a, b) => a.add(b),
  div: (a, b) => a.subtract(b),
  pow: (a, k) => {
    const m = mod(k);
    return m === 0n ? Point.ZERO : a.multiplyUnsafe(m);
  },
  gpow: (k) => {
    const m = mod(k);
    return m === 0n ? Point.ZERO : Point.BASE.multiply(m);
  },
  powSecret: (a, k) => {
    const m = mod(k);
    return m === 0n ? Point.ZERO : a.multiply(m);
  },
  eq: (a, b) => a.equals(b),
  prepare: (a) => a.precompute(8, false),
  multiplier: (a) => sharedDoublings(a),
  multiPow: (points, scalars) => {
    let acc: RPoint = Point.ZERO;
    for (let i = 0; i < points.length; i++) {
      const p = points[i] as RPoint;
      const m = mod(scalars[i] as bigint);
      if (m !== 0n) acc = acc.add(p.multiplyUnsafe(m));
    }
    return acc;
  },
};

/** Radix-16 digits of a 253-bit scalar. */
const WINDOWS = 64;
/** Doubling tables by element object (dropped with the element). */
const tables = new WeakMap<RPoint, RPoint[]>();

/**
 * Yao's fixed-base method: `D_i = 16^i·a` once (252 doublings), then each `a^k` is
 * Σ_j j·(Σ_{digit_i(k) = j} D_i), about 64 + 15 additions and no doubling — against 252 doublings
 * and ~126 additions per exponent for the ladder. Variable time: public values only.
 */
function sharedDoublings(a: RPoint): (k: bigint) => RPoint {
  return (k) => {
    let m = mod(k);
    if (m === 0n) return Point.ZERO;
    // Per element object: a one-answer question's sum is its only ciphertext, tables and all.
    let table = tables.get(a);
    if (table === undefined) {
      table = [a, ...sixteenfoldTable(a, WINDOWS)];
      tables.set(a, table);
    }
    const buckets: RPoint[][] = Array.from({ length: 16 }, () => []);
    for (let i = 0; m > 0n; i++) {
      const d = Number(m & 15n);
      if (d !== 0) (buckets[d] as RPoint[]).push(table[i] as RPoint);
      m >>= 4n;
    }
    let acc: RPoint | undefined;
    let run: RPoint | undefined;
    for (let j = 15; j >= 1; j--) {
      for (const p of buckets[j] as RPoint[]) run = run === undefined ? p : run.add(p);
      if (run !== undefined) acc = acc === undefined ? run : acc.add(run);
    }
    return acc ?? Point.ZERO;
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a group of any element type, chosen per election
export type AnyGroup = VoteGroup<any>;

/** The group named `name`. */
export function voteGroup(name: VoteGroupName): AnyGroup {
  if (name === 'ed25519') return RISTRETTO;
  throw new VoteCryptoError('BAD_SHAPE', `unknown group ${String(name)}`);
}

/** Scalar → `n` bytes little-endian. */
export function scalarToBytes(k: bigint, n = 32): Uint8Array {
  const out = new Uint8Array(n);
  let v = k;
  for (let i = 0; i < n; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Little-endian bytes → bigint. */
export function bytesToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
  return v;
}

/** A canonical scalar (< q) from its encoding; BAD_SCALAR otherwise. */
export function scalarFromBytes(grp: AnyGroup, b: Uint8Array): bigint {
  if (b.length !== grp.scalarBytes) throw new VoteCryptoError('BAD_SCALAR', 'wrong scalar length');
  const v = bytesToBig(b);
  if (v >= grp.q) throw new VoteCryptoError('BAD_SCALAR', 'scalar not reduced mod q');
  return v;
}

/** The protocol's domain tag: first item of every hashed list. */
export const DOMAIN = 'gongzhi-vote/v1';

/**
 * Fiat–Shamir hash to a scalar: SHA-512 over the canonical CBOR of `[DOMAIN, label, ...parts]`,
 * read little-endian and reduced mod q (512 bits → bias below 2^-250).
 */
export function hashToScalar(grp: AnyGroup, label: string, parts: readonly CborValue[]): bigint {
  return bytesToBig(sha512(encodeCanonical([DOMAIN, label, ...parts]))) % grp.q;
}

/**
 * Client-side randomness made reproducible: the scalar for `label` derived from a 32-byte seed the
 * client drew (SHA-512 of `[DOMAIN, "rand", seed, label]` mod q). The module never calls this; it
 * lets a client (and the golden vectors) rebuild the exact same ballot from the same seed.
 */
export function deriveScalar(grp: AnyGroup, seed: Uint8Array, label: string): bigint {
  const k = bytesToBig(sha512(encodeCanonical([DOMAIN, 'rand', seed, label]))) % grp.q;
  return k === 0n ? 1n : k;
}

export function modq(grp: AnyGroup, k: bigint): bigint {
  return ((k % grp.q) + grp.q) % grp.q;
}

const PREPARED_MAX = 16;
const prepared = new Map<string, unknown>();

/**
 * The decoded, prepared election key for `bytes`, memoised (a pure function of its input: the
 * same bytes always give the same element, so the cache cannot change any result).
 */
export function preparedKey(grp: AnyGroup, bytes: Uint8Array): unknown {
  const k = `${grp.name}:${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  const hit = prepared.get(k);
  if (hit !== undefined) return hit;
  const e = grp.prepare(grp.decode(bytes));
  if (prepared.size >= PREPARED_MAX) prepared.delete(prepared.keys().next().value as string);
  prepared.set(k, e);
  return e;
}
