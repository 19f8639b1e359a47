import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256, sha512 } from '@noble/hashes/sha2';
import { bytesEqual, concatBytes } from '../encoding/bytes.js';
import { GongzhiError } from '../errors/index.js';
import { addressFromDigest, badKey, bytesToBigInt, check32 } from './internal.js';
import { isEd25519PublicKey, isSecp256k1PublicKey } from './points.js';
import { createSm2 } from './sm2-core.js';
import { hmacSm3, sm3 } from './sm3.js';
import type { CryptoSuite, KeyPair, SuiteId } from './suite.js';

/**
 * Portable suites: the same three suites as `getSuite` with no node: imports and no Buffer, for
 * browsers and other non-Node runtimes (the SDK uses these). Hashes, public keys, addresses and
 * accepted signatures are those of the node suites; ed25519 and sm2 signatures are byte-identical
 * (both deterministic); secp256k1 signs with RFC 6979 deterministic k where the node suite uses
 * OpenSSL's random k, and both produce low-S signatures that either side verifies.
 *
 * Backends: @noble/curves (Ed25519, secp256k1 ECDSA, SM2 point arithmetic), @noble/hashes
 * (SHA-256), our SM3 (`sm3.ts`), and `globalThis.crypto.getRandomValues` for key generation.
 */

/** `n` bytes from the Web Crypto CSPRNG (browsers, workers, Node >= 19, Deno, Bun). */
export function portableRandomBytes(n: number): Uint8Array {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (typeof c?.getRandomValues !== 'function') {
    throw new GongzhiError('CONFIG_INVALID', 'no CSPRNG available (globalThis.crypto.getRandomValues)');
  }
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65536 bytes per call.
  for (let o = 0; o < n; o += 65536) c.getRandomValues(out.subarray(o, Math.min(n, o + 65536)));
  return out;
}

function sha256Hash(data: Uint8Array): Uint8Array {
  return sha256(data);
}

// ---------------------------------------------------------------------------------------------
// ed25519

const ED25519_L = ed25519.Point.Fn.ORDER;

function littleEndian(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i] as number);
  return n;
}

/**
 * Ed25519 verification with OpenSSL's rules (what the node suite runs), so node and browser accept
 * exactly the same signatures, including crafted ones: S < L; the public key decoded as ref10
 * does (y taken mod p, so non-canonical encodings and small-order keys are accepted); k =
 * SHA-512(R || A || M) over the raw bytes; and the cofactorless check encode([S]B - [k]A) == R
 * byte for byte (so a non-canonical R never verifies). @noble/curves' own `verify` differs on
 * such inputs either way (zip215 or strict RFC 8032 with the small-order rejection).
 */
function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const rBytes = signature.subarray(0, 32);
  const s = littleEndian(signature.subarray(32));
  if (s >= ED25519_L) return false;
  let a: ReturnType<typeof ed25519.Point.fromBytes>;
  try {
    a = ed25519.Point.fromBytes(publicKey, true);
  } catch {
    return false;
  }
  const k = littleEndian(sha512(concatBytes(rBytes, publicKey, message))) % ED25519_L;
  const r = ed25519.Point.BASE.multiplyUnsafe(s).subtract(a.multiplyUnsafe(k));
  return bytesEqual(r.toBytes(), rBytes);
}

function ed25519PublicKeyFromSecret(secretKey: Uint8Array): Uint8Array {
  check32(secretKey, 'ed25519');
  return ed25519.getPublicKey(secretKey);
}

/** Ed25519 (RFC 8032, pure) with SHA-256 for hashing and addresses; @noble/curves. */
export const portableEd25519Suite: CryptoSuite = {
  id: 'ed25519',
  hashName: 'sha256',
  hash: sha256Hash,
  generateKeyPair(): KeyPair {
    const secretKey = portableRandomBytes(32);
    return { secretKey, publicKey: ed25519PublicKeyFromSecret(secretKey) };
  },
  publicKeyFromSecret: ed25519PublicKeyFromSecret,
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
    check32(secretKey, 'ed25519');
    return ed25519.sign(message, secretKey);
  },
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      return ed25519Verify(publicKey, message, signature);
    } catch {
      return false;
    }
  },
  address(publicKey: Uint8Array): string {
    if (publicKey.length !== 32)
      throw badKey('ed25519 public key must be 32 bytes', { length: publicKey.length });
    return addressFromDigest(sha256Hash(publicKey));
  },
  isPublicKey: isEd25519PublicKey,
};

// ---------------------------------------------------------------------------------------------
// secp256k1

const SECP256K1_N = secp256k1.Point.Fn.ORDER;
const SECP256K1_HALF_N = SECP256K1_N >> 1n;

function secp256k1Scalar(secretKey: Uint8Array): bigint {
  check32(secretKey, 'secp256k1');
  const d = bytesToBigInt(secretKey);
  if (d === 0n || d >= SECP256K1_N) throw badKey('secp256k1 secret key out of range');
  return d;
}

function secp256k1PublicKeyFromSecret(secretKey: Uint8Array): Uint8Array {
  secp256k1Scalar(secretKey);
  return secp256k1.getPublicKey(secretKey, true);
}

/**
 * ECDSA over secp256k1 with SHA-256(message), 64-byte r || s, low S on signing, high S rejected
 * on verification (as the node suite). k is RFC 6979 deterministic.
 */
export const portableSecp256k1Suite: CryptoSuite = {
  id: 'secp256k1',
  hashName: 'sha256',
  hash: sha256Hash,
  generateKeyPair(): KeyPair {
    for (;;) {
      const secretKey = portableRandomBytes(32);
      const d = bytesToBigInt(secretKey);
      if (d !== 0n && d < SECP256K1_N)
        return { secretKey, publicKey: secp256k1PublicKeyFromSecret(secretKey) };
    }
  },
  publicKeyFromSecret: secp256k1PublicKeyFromSecret,
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
    secp256k1Scalar(secretKey);
    return secp256k1.sign(sha256(message), secretKey, { lowS: true, prehash: false }).toBytes('compact');
  },
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      if (signature.length !== 64) return false;
      if (publicKey.length !== 33 || (publicKey[0] !== 2 && publicKey[0] !== 3)) return false;
      const r = bytesToBigInt(signature.subarray(0, 32));
      const s = bytesToBigInt(signature.subarray(32));
      if (r === 0n || r >= SECP256K1_N || s === 0n || s > SECP256K1_HALF_N) return false;
      return secp256k1.verify(signature, sha256(message), publicKey, {
        format: 'compact',
        lowS: true,
        prehash: false,
      });
    } catch {
      return false;
    }
  },
  address(publicKey: Uint8Array): string {
    if (publicKey.length !== 33)
      throw badKey('secp256k1 public key must be 33 bytes', { length: publicKey.length });
    return addressFromDigest(sha256Hash(publicKey));
  },
  isPublicKey: isSecp256k1PublicKey,
};

// ---------------------------------------------------------------------------------------------
// sm2

const portableSm2 = createSm2({ sm3, hmacSm3, randomBytes: portableRandomBytes });

/** SM2 (default user ID) with SM3 for hashing and addresses; pure JS, same signatures as node's. */
export const portableSm2Suite: CryptoSuite = portableSm2.suite;

/** Portable SM2 signature with an explicit user ID (see `sm2Sign`). */
export const portableSm2Sign = portableSm2.sign;

/** Portable SM2 verification with an explicit user ID (see `sm2Verify`); never throws. */
export const portableSm2Verify = portableSm2.verify;

const PORTABLE_SUITES: Readonly<Record<SuiteId, CryptoSuite>> = {
  ed25519: portableEd25519Suite,
  secp256k1: portableSecp256k1Suite,
  sm2: portableSm2Suite,
};

/**
 * The portable implementation of suite `id` (no node:crypto, no Buffer); throws
 * CRYPTO_UNKNOWN_SUITE for anything else.
 */
export function getPortableSuite(id: SuiteId): CryptoSuite {
  // Ids often come from untrusted JSON, so check at runtime despite the type.
  const suite = Object.hasOwn(PORTABLE_SUITES, id) ? PORTABLE_SUITES[id] : undefined;
  if (suite === undefined) {
    throw new GongzhiError('CRYPTO_UNKNOWN_SUITE', 'unknown signature suite', { suite: String(id) });
  }
  return suite;
}
