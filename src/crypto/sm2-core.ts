import { type WeierstrassPoint, weierstrassN } from '@noble/curves/abstract/weierstrass.js';
import { BoundedCache } from './bounded-cache.js';
import {
  addressFromDigest,
  badKey,
  bigIntTo32,
  bytesToBigInt,
  hexOf,
  PUBLIC_KEY_CACHE_SIZE,
} from './internal.js';
import type { CryptoSuite, KeyPair } from './suite.js';

/**
 * SM2 digital signature (GB/T 32918.2-2016 / GM/T 0003.2-2012) over the SM2 recommended curve.
 *
 * The protocol is implemented here on @noble/curves point arithmetic; the hash, HMAC and random
 * source are parameters (`createSm2`), so the node suite (SM3 from node:crypto) and the portable
 * suite (pure-JS SM3, Web Crypto randomness) share this code and produce identical signatures.
 *
 * Why not node:crypto: an EC KeyObject on the SM2 curve signs with plain ECDSA-with-SM3,
 * which is a different algorithm (no Z value, different r/s equations); SM2 verifiers reject it.
 */

/** SM2 recommended curve parameters (GB/T 32918.5). */
export const SM2_CURVE = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
} as const;

/** Default distinguishing identifier (GM/T 0009): '1234567812345678', ENTL = 0x0080. */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

/** What the SM2 code needs from its runtime. */
export interface Sm2Primitives {
  /** SM3 digest of the concatenation of `parts`. */
  sm3(...parts: Uint8Array[]): Uint8Array;
  /** HMAC-SM3 of the concatenation of `parts`. */
  hmacSm3(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array;
  /** `n` bytes from a CSPRNG (key generation only: signing is deterministic). */
  randomBytes(n: number): Uint8Array;
  /** Optional faster arithmetic for verification (the node suite's native addon). */
  native?: Sm2NativeArithmetic | undefined;
  /** Bound of the native key-table cache (default 1,024). */
  preparedKeys?: number | undefined;
}

/** A key prepared by the native arithmetic (its fixed-base table); opaque to TypeScript. */
export interface Sm2PreparedKey {
  readonly __sm2PreparedKey: never;
}

/**
 * Verification arithmetic outside JavaScript. Given the validated key (uncompressed, or prepared),
 * e = SM3(Z || M) and r || s, `verify` applies exactly the range checks and equation of the
 * portable code below; `prepare` builds a key's table (undefined if it cannot), `release` frees it.
 */
export interface Sm2NativeArithmetic {
  verify(key: Uint8Array | Sm2PreparedKey, e: Uint8Array, signature: Uint8Array): boolean;
  prepare(publicKey65: Uint8Array): Sm2PreparedKey | undefined;
  release(key: Sm2PreparedKey): void;
}

/** SM2 sign/verify with an explicit user ID, and the suite (default user ID). */
export interface Sm2 {
  /** 64-byte r || s; throws CRYPTO_BAD_KEY for an invalid secret key. */
  sign(secretKey: Uint8Array, message: Uint8Array, userId?: string | Uint8Array): Uint8Array;
  /** Never throws: malformed input yields false. */
  verify(
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
    userId?: string | Uint8Array,
  ): boolean;
  readonly suite: CryptoSuite;
}

type SmPoint = WeierstrassPoint<bigint>;

const Point = weierstrassN<bigint>({ ...SM2_CURVE, h: 1n });
const Fn = Point.Fn;
const N = SM2_CURVE.n;

// A key seen this many times gets a precomputed multiplication table (window 4, ~75 KB):
// it costs ~2.5 plain verifications once and makes later ones ~3x faster.
const PRECOMPUTE_AFTER_USES = 3;
const PRECOMPUTE_WINDOW = 4;
const PRECOMPUTED_KEYS = 256;
// Native arithmetic: building a key's table costs about half a plain verification and makes each
// later one ~2.5x faster, so it pays from a key's third use if the table stays cached. 1,024 tables
// are ~84 MB per thread at most (a consortium's active signers; a key used once or twice never gets one).
const PREPARED_KEYS = 1024;

function userIdBytes(userId: string | Uint8Array): Uint8Array {
  const id = typeof userId === 'string' ? new TextEncoder().encode(userId) : userId;
  // ENTL is a 16-bit bit length.
  if (id.length > 8191) throw badKey('SM2 user ID longer than 8191 bytes', { length: id.length });
  return id;
}

/** ENTL || ID || a || b || Gx || Gy: the key-independent prefix of Z. */
function zPrefix(userId: string | Uint8Array): Uint8Array {
  const id = userIdBytes(userId);
  const entl = id.length * 8;
  const out = new Uint8Array(2 + id.length + 4 * 32);
  out[0] = entl >> 8;
  out[1] = entl & 0xff;
  out.set(id, 2);
  let o = 2 + id.length;
  for (const v of [SM2_CURVE.a, SM2_CURVE.b, SM2_CURVE.Gx, SM2_CURVE.Gy]) {
    out.set(bigIntTo32(v), o);
    o += 32;
  }
  return out;
}

const DEFAULT_Z_PREFIX = zPrefix(SM2_DEFAULT_USER_ID);

function secretScalar(secretKey: Uint8Array): bigint {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
    throw badKey('sm2 secret key must be 32 bytes', { length: secretKey?.length ?? 0 });
  }
  const d = bytesToBigInt(secretKey);
  // d = n - 1 is excluded because signing needs (1 + d)^-1 mod n.
  if (d === 0n || d > N - 2n) throw badKey('sm2 secret key out of range [1, n-2]');
  return d;
}

function decodePoint(bytes: Uint8Array): SmPoint {
  const p = Point.fromBytes(bytes);
  p.assertValidity();
  return p;
}

/** Compressed 33-byte form of a SEC1 SM2 point (33 or 65 bytes); validates it is on the curve. */
export function sm2CompressPoint(point: Uint8Array): Uint8Array {
  try {
    return decodePoint(point).toBytes(true);
  } catch (e) {
    throw badKey('invalid sm2 public key', { length: point.length }, e);
  }
}

/** Uncompressed 65-byte (0x04 || x || y) form of a SEC1 SM2 point; validates it is on the curve. */
export function sm2DecompressPoint(point: Uint8Array): Uint8Array {
  try {
    return decodePoint(point).toBytes(false);
  } catch (e) {
    throw badKey('invalid sm2 public key', { length: point.length }, e);
  }
}

/** 33-byte compressed SEC1 point on the SM2 curve. */
export function isSm2PublicKey(publicKey: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 33) return false;
  if (publicKey[0] !== 2 && publicKey[0] !== 3) return false;
  try {
    decodePoint(publicKey);
    return true;
  } catch {
    return false;
  }
}

function sm2PublicKeyFromSecret(secretKey: Uint8Array): Uint8Array {
  return Point.BASE.multiply(secretScalar(secretKey)).toBytes(true);
}

const BYTE_0 = Uint8Array.of(0);
const BYTE_1 = Uint8Array.of(1);

interface PublicKeyEntry {
  readonly point: SmPoint;
  /** Z for the default user ID. */
  readonly z: Uint8Array;
  uses: number;
}

/** SM2 on the given SM3 / HMAC-SM3 / random source; each instance has its own key caches. */
export function createSm2(prim: Sm2Primitives): Sm2 {
  const { sm3, hmacSm3, native } = prim;
  const publicKeys = new BoundedCache<PublicKeyEntry>(PUBLIC_KEY_CACHE_SIZE);
  const precomputed = new BoundedCache<SmPoint>(PRECOMPUTED_KEYS);
  // Native tables are ~80 KB outside the JS heap each: freed as soon as they are evicted.
  const prepared = new BoundedCache<Sm2PreparedKey>(prim.preparedKeys ?? PREPARED_KEYS, (k) =>
    native?.release(k),
  );

  /** Z = SM3(ENTL || ID || a || b || Gx || Gy || xA || yA). */
  const zValue = (point: SmPoint, prefix: Uint8Array): Uint8Array => {
    const { x, y } = point.toAffine();
    return sm3(prefix, bigIntTo32(x), bigIntTo32(y));
  };

  const cachedPublicKey = (publicKey: Uint8Array): { entry: PublicKeyEntry; hex: string } | undefined => {
    if (publicKey.length !== 33 || (publicKey[0] !== 2 && publicKey[0] !== 3)) return undefined;
    const hex = hexOf(publicKey);
    let entry = publicKeys.get(hex);
    if (entry === undefined) {
      let point: SmPoint;
      try {
        point = decodePoint(publicKey);
      } catch {
        return undefined;
      }
      entry = { point, z: zValue(point, DEFAULT_Z_PREFIX), uses: 0 };
      publicKeys.set(hex, entry);
    }
    return { entry, hex };
  };

  /**
   * k is deterministic: RFC 6979 section 3.2 HMAC-DRBG instantiated with HMAC-SM3,
   * seeded with int2octets(d) || int2octets(e mod n); so equal inputs give equal signatures
   * and signing never depends on the quality of a runtime RNG.
   */
  const sign = (
    secretKey: Uint8Array,
    message: Uint8Array,
    userId: string | Uint8Array = SM2_DEFAULT_USER_ID,
  ): Uint8Array => {
    const d = secretScalar(secretKey);
    const prefix = userId === SM2_DEFAULT_USER_ID ? DEFAULT_Z_PREFIX : zPrefix(userId);
    const e = bytesToBigInt(sm3(zValue(Point.BASE.multiply(d), prefix), message));
    const dInv = Fn.inv(1n + d);
    const x = bigIntTo32(d);
    const h1 = bigIntTo32(e % N);
    let K: Uint8Array = new Uint8Array(32);
    let V: Uint8Array = new Uint8Array(32).fill(1);
    K = hmacSm3(K, V, BYTE_0, x, h1);
    V = hmacSm3(K, V);
    K = hmacSm3(K, V, BYTE_1, x, h1);
    V = hmacSm3(K, V);
    for (;;) {
      V = hmacSm3(K, V);
      const k = bytesToBigInt(V);
      if (k >= 1n && k < N) {
        const x1 = Point.BASE.multiply(k).toAffine().x;
        const r = Fn.create(e + x1);
        if (r !== 0n && r + k !== N) {
          const s = Fn.create(dInv * (k - r * d));
          if (s !== 0n) {
            const sig = new Uint8Array(64);
            sig.set(bigIntTo32(r), 0);
            sig.set(bigIntTo32(s), 32);
            x.fill(0);
            return sig;
          }
        }
      }
      K = hmacSm3(K, V, BYTE_0);
      V = hmacSm3(K, V);
    }
  };

  const verify = (
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
    userId: string | Uint8Array = SM2_DEFAULT_USER_ID,
  ): boolean => {
    try {
      if (signature.length !== 64) return false;
      if (native !== undefined) {
        const found = cachedPublicKey(publicKey);
        if (found === undefined) return false;
        const { entry, hex } = found;
        const z = userId === SM2_DEFAULT_USER_ID ? entry.z : zValue(entry.point, zPrefix(userId));
        let key: Uint8Array | Sm2PreparedKey | undefined = prepared.get(hex);
        if (key === undefined) {
          const uncompressed = entry.point.toBytes(false);
          key = uncompressed;
          if (++entry.uses >= PRECOMPUTE_AFTER_USES) {
            const table = native.prepare(uncompressed);
            if (table !== undefined) {
              prepared.set(hex, table);
              key = table;
            }
          }
        }
        return native.verify(key, sm3(z, message), signature);
      }
      const r = bytesToBigInt(signature.subarray(0, 32));
      const s = bytesToBigInt(signature.subarray(32));
      if (r < 1n || r >= N || s < 1n || s >= N) return false;
      const t = Fn.create(r + s);
      if (t === 0n) return false;
      const found = cachedPublicKey(publicKey);
      if (found === undefined) return false;
      const { entry, hex } = found;
      const z = userId === SM2_DEFAULT_USER_ID ? entry.z : zValue(entry.point, zPrefix(userId));
      const e = bytesToBigInt(sm3(z, message));
      let q = precomputed.get(hex);
      if (q === undefined) {
        q = entry.point;
        if (++entry.uses >= PRECOMPUTE_AFTER_USES) {
          // A fresh object: noble keys its tables by point identity, so eviction frees them.
          q = Point.fromAffine(entry.point.toAffine()).precompute(PRECOMPUTE_WINDOW, false);
          precomputed.set(hex, q);
        }
      }
      const R = Point.BASE.multiplyUnsafe(s).add(q.multiplyUnsafe(t));
      if (R.is0()) return false;
      return Fn.create(e + R.toAffine().x) === r;
    } catch {
      return false;
    }
  };

  const hash = (data: Uint8Array): Uint8Array => sm3(data);

  const suite: CryptoSuite = {
    id: 'sm2',
    hashName: 'sm3',
    hash,
    generateKeyPair(): KeyPair {
      for (;;) {
        const secretKey = prim.randomBytes(32);
        const d = bytesToBigInt(secretKey);
        if (d >= 1n && d <= N - 2n) return { secretKey, publicKey: sm2PublicKeyFromSecret(secretKey) };
      }
    },
    publicKeyFromSecret: sm2PublicKeyFromSecret,
    sign: (secretKey, message) => sign(secretKey, message),
    verify: (publicKey, message, signature) => verify(publicKey, message, signature),
    address(publicKey: Uint8Array): string {
      if (publicKey.length !== 33)
        throw badKey('sm2 public key must be 33 bytes', { length: publicKey.length });
      return addressFromDigest(hash(publicKey));
    },
    isPublicKey: isSm2PublicKey,
  };

  return { sign, verify, suite };
}
