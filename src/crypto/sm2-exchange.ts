import { randomBytes } from 'node:crypto';
import { type WeierstrassPoint, weierstrassN } from '@noble/curves/abstract/weierstrass.js';
import { badKey, bigIntTo32, bytesToBigInt } from './internal.js';
import { digest } from './node-internal.js';
import { SM2_CURVE, SM2_DEFAULT_USER_ID } from './sm2-core.js';

/**
 * SM2 key exchange protocol (GB/T 32918.3-2016 §6.1, GM/T 0003.3-2012), with the optional key
 * confirmation values S_B (responder → initiator) and S_A (initiator → responder).
 *
 * Each party has a static key pair (its identity: an account or a node key on the ledger) and a
 * fresh ephemeral one; the agreed key depends on both, so it is authenticated — only the holders of
 * the two static secret keys can compute it — and fresh. Written as a factory over the curve so the
 * standard's own worked example (Appendix A, a 256-bit test curve) checks the code; the chain uses
 * the SM2 recommended curve (`sm2Exchange`). Kept apart from the signature code (sm2-core.ts): only
 * the curve constants are shared.
 */

export interface Sm2CurveParams {
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
  readonly n: bigint;
  readonly Gx: bigint;
  readonly Gy: bigint;
}

/** One side's view of the other: its static public key, its ephemeral public key R, its user ID. */
export interface Sm2ExchangePeer {
  /** SEC1 point, 33 or 65 bytes. */
  readonly publicKey: Uint8Array;
  /** SEC1 point R = [r]G, 33 or 65 bytes. */
  readonly ephemeral: Uint8Array;
  readonly userId?: string | Uint8Array;
}

/** One side's own keys: the static secret key and the ephemeral secret r. */
export interface Sm2ExchangeSelf {
  readonly secretKey: Uint8Array;
  readonly ephemeralSecret: Uint8Array;
  readonly userId?: string | Uint8Array;
}

export interface Sm2ExchangeResult {
  /** The agreed key K (klen bytes). */
  readonly key: Uint8Array;
  /** S_B = Hash(0x02 ‖ y ‖ Hash(x ‖ ZA ‖ ZB ‖ x1 ‖ y1 ‖ x2 ‖ y2)): sent by B, checked by A. */
  readonly confirmB: Uint8Array;
  /** S_A = Hash(0x03 ‖ y ‖ Hash(…)): sent by A, checked by B. */
  readonly confirmA: Uint8Array;
}

export interface Sm2Exchange {
  /** A fresh ephemeral key pair: r (32 bytes) and R = [r]G (33-byte compressed). */
  ephemeral(): { readonly secret: Uint8Array; readonly point: Uint8Array };
  /** The static public key (33-byte compressed) of a secret key. */
  publicKey(secretKey: Uint8Array): Uint8Array;
  /** Initiator A (steps A4–A10). Throws CRYPTO_BAD_KEY for a point off the curve or V = O. */
  initiator(self: Sm2ExchangeSelf, peer: Sm2ExchangePeer, keyBytes: number): Sm2ExchangeResult;
  /** Responder B (steps B1–B10). */
  responder(self: Sm2ExchangeSelf, peer: Sm2ExchangePeer, keyBytes: number): Sm2ExchangeResult;
}

const TWO = Uint8Array.of(2);
const THREE = Uint8Array.of(3);

/** The exchange on `curve` (cofactor 1, as both the recommended and the test curve have). */
export function createSm2Exchange(
  curve: Sm2CurveParams,
  sm3: (...parts: Uint8Array[]) => Uint8Array,
  random: (n: number) => Uint8Array,
): Sm2Exchange {
  type P = WeierstrassPoint<bigint>;
  const Point = weierstrassN<bigint>({ ...curve, h: 1n });
  const N = curve.n;
  const Fn = Point.Fn;
  // w = ⌈⌈log2 n⌉ / 2⌉ − 1; x̄ = 2^w + (x mod 2^w).
  const w = BigInt(Math.ceil(N.toString(2).length / 2) - 1);
  const low = (1n << w) - 1n;
  const xBar = (x: bigint) => (1n << w) + (x & low);
  const curveBytes = [curve.a, curve.b, curve.Gx, curve.Gy].map(bigIntTo32);

  const scalar = (b: Uint8Array, what: string): bigint => {
    if (b.length !== 32) throw badKey(`sm2 ${what} must be 32 bytes`, { length: b.length });
    const d = bytesToBigInt(b);
    if (d === 0n || d >= N) throw badKey(`sm2 ${what} out of range [1, n-1]`);
    return d;
  };
  const point = (b: Uint8Array, what: string): P => {
    try {
      const p = Point.fromBytes(b);
      p.assertValidity();
      return p;
    } catch (e) {
      throw badKey(`invalid sm2 ${what}`, { length: b.length }, e);
    }
  };
  const zValue = (userId: string | Uint8Array, p: P): Uint8Array => {
    const id = typeof userId === 'string' ? new TextEncoder().encode(userId) : userId;
    if (id.length > 8191) throw badKey('SM2 user ID longer than 8191 bytes', { length: id.length });
    const entl = Uint8Array.of((id.length * 8) >> 8, (id.length * 8) & 0xff);
    const { x, y } = p.toAffine();
    return sm3(entl, id, ...curveBytes, bigIntTo32(x), bigIntTo32(y));
  };
  /** KDF (GB/T 32918.3 §5.4.3): Hash(Z ‖ ct) for ct = 1, 2, … (32-bit big-endian), cut to klen. */
  const kdf = (z: Uint8Array, keyBytes: number): Uint8Array => {
    const out = new Uint8Array(keyBytes);
    for (let ct = 1, o = 0; o < keyBytes; ct++, o += 32) {
      const c = Uint8Array.of(ct >>> 24, (ct >>> 16) & 0xff, (ct >>> 8) & 0xff, ct & 0xff);
      out.set(sm3(z, c).subarray(0, Math.min(32, keyBytes - o)), o);
    }
    return out;
  };

  /** Both sides compute the same point: A's U = [tA](PB + [x̄2]RB), B's V = [tB](PA + [x̄1]RA). */
  const agree = (
    self: Sm2ExchangeSelf,
    peer: Sm2ExchangePeer,
    keyBytes: number,
    isInitiator: boolean,
  ): Sm2ExchangeResult => {
    if (!Number.isInteger(keyBytes) || keyBytes < 1 || keyBytes > 1024) {
      throw badKey('sm2 exchange key length must be 1..1024 bytes', { keyBytes });
    }
    const d = scalar(self.secretKey, 'secret key');
    const r = scalar(self.ephemeralSecret, 'ephemeral secret');
    const mine = Point.BASE.multiply(d);
    const myR = Point.BASE.multiply(r);
    const theirs = point(peer.publicKey, 'peer public key');
    const theirR = point(peer.ephemeral, 'peer ephemeral key');
    const t = Fn.create(d + xBar(myR.toAffine().x) * r);
    // [x̄]R uses only public values (the peer's ephemeral point), so the faster variable-time
    // multiplication is safe there; the secret t gets the constant-time one.
    const V = theirs.add(theirR.multiplyUnsafe(xBar(theirR.toAffine().x))).multiply(t);
    if (V.is0()) throw badKey('sm2 exchange gave the point at infinity');
    const { x: xv, y: yv } = V.toAffine();
    const zSelf = zValue(self.userId ?? SM2_DEFAULT_USER_ID, mine);
    const zPeer = zValue(peer.userId ?? SM2_DEFAULT_USER_ID, theirs);
    const [zA, zB] = isInitiator ? [zSelf, zPeer] : [zPeer, zSelf];
    const [RA, RB] = (isInitiator ? [myR, theirR] : [theirR, myR]).map((p) => p.toAffine());
    const xV = bigIntTo32(xv);
    const yV = bigIntTo32(yv);
    const key = kdf(new Uint8Array([...xV, ...yV, ...zA, ...zB]), keyBytes);
    const inner = sm3(xV, zA, zB, ...[RA?.x, RA?.y, RB?.x, RB?.y].map((c) => bigIntTo32(c as bigint)));
    return { key, confirmB: sm3(TWO, yV, inner), confirmA: sm3(THREE, yV, inner) };
  };

  return {
    ephemeral() {
      for (;;) {
        const secret = random(32);
        const r = bytesToBigInt(secret);
        if (r >= 1n && r < N) return { secret, point: Point.BASE.multiply(r).toBytes(true) };
      }
    },
    publicKey: (secretKey) => Point.BASE.multiply(scalar(secretKey, 'secret key')).toBytes(true),
    initiator: (self, peer, keyBytes) => agree(self, peer, keyBytes, true),
    responder: (self, peer, keyBytes) => agree(self, peer, keyBytes, false),
  };
}

/** The SM2 key exchange on the recommended curve, SM3 and randomness from node:crypto. */
export const sm2Exchange: Sm2Exchange = createSm2Exchange(
  SM2_CURVE,
  (...parts) => digest('sm3', ...parts),
  (n) => new Uint8Array(randomBytes(n)),
);
