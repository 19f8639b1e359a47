import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
  randomBytes,
} from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { BoundedCache } from './bounded-cache.js';
import {
  addressFromDigest,
  badKey,
  bigIntTo32,
  bytesToBigInt,
  hexOf,
  PUBLIC_KEY_CACHE_SIZE,
  plainBytes,
} from './internal.js';
import { cachedPrivateKey, derWith, digest } from './node-internal.js';
import { isSecp256k1PublicKey } from './points.js';
import type { CryptoSuite, KeyPair } from './suite.js';

const Point = secp256k1.Point;
/** Order of the secp256k1 group. */
export const SECP256K1_N = Point.Fn.ORDER;
const HALF_N = SECP256K1_N >> 1n;

/** SPKI prefix (id-ecPublicKey, secp256k1) for a 33-byte compressed point. */
const SPKI_COMPRESSED_PREFIX = Uint8Array.from(
  Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex'),
);
/** PKCS#8 prefix (id-ecPublicKey, secp256k1, ECPrivateKey v1 without public key) for a 32-byte scalar. */
const PKCS8_PREFIX = Uint8Array.from(
  Buffer.from('303e020100301006072a8648ce3d020106052b8104000a042730250201010420', 'hex'),
);

const publicKeys = new BoundedCache<KeyObject>(PUBLIC_KEY_CACHE_SIZE);

function checkSecret(secretKey: Uint8Array): void {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
    throw badKey('secp256k1 secret key must be 32 bytes', { length: secretKey?.length ?? 0 });
  }
  const d = bytesToBigInt(secretKey);
  if (d === 0n || d >= SECP256K1_N) throw badKey('secp256k1 secret key out of range');
}

function privateKeyObject(secretKey: Uint8Array): KeyObject {
  checkSecret(secretKey);
  const der = derWith(PKCS8_PREFIX, secretKey);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw badKey('invalid secp256k1 secret key', {}, e);
  } finally {
    der.fill(0);
  }
}

/** Compressed 33-byte form of a SEC1 secp256k1 point (33 or 65 bytes); validates it is on the curve. */
export function secp256k1CompressPoint(point: Uint8Array): Uint8Array {
  try {
    return Point.fromBytes(point).toBytes(true);
  } catch (e) {
    throw badKey('invalid secp256k1 public key', { length: point.length }, e);
  }
}

/** Uncompressed 65-byte (0x04 || x || y) form of a SEC1 secp256k1 point; validates it is on the curve. */
export function secp256k1DecompressPoint(point: Uint8Array): Uint8Array {
  try {
    return Point.fromBytes(point).toBytes(false);
  } catch (e) {
    throw badKey('invalid secp256k1 public key', { length: point.length }, e);
  }
}

/** KeyObject for a compressed public key (cached); undefined when it is not a valid point. */
export function secp256k1PublicKeyObject(publicKey: Uint8Array): KeyObject | undefined {
  if (publicKey.length !== 33 || (publicKey[0] !== 2 && publicKey[0] !== 3)) return undefined;
  const hex = hexOf(publicKey);
  let key = publicKeys.get(hex);
  if (key === undefined) {
    try {
      // OpenSSL decompresses (and so validates) the point on import.
      key = createPublicKey({ key: derWith(SPKI_COMPRESSED_PREFIX, publicKey), format: 'der', type: 'spki' });
    } catch {
      return undefined;
    }
    publicKeys.set(hex, key);
  }
  return key;
}

function publicKeyFromSecret(secretKey: Uint8Array): Uint8Array {
  checkSecret(secretKey);
  return secp256k1.getPublicKey(secretKey, true);
}

function hash(data: Uint8Array): Uint8Array {
  return digest('sha256', data);
}

/**
 * ECDSA over secp256k1 with SHA-256(message). Signatures are 64-byte r || s with low S:
 * signing normalises S, verification rejects high S so signatures are not malleable.
 * Nonces come from OpenSSL (random k), so signatures are not deterministic.
 */
export const secp256k1Suite: CryptoSuite = {
  id: 'secp256k1',
  hashName: 'sha256',
  hash,
  generateKeyPair(): KeyPair {
    for (;;) {
      const secretKey = plainBytes(randomBytes(32));
      const d = bytesToBigInt(secretKey);
      if (d !== 0n && d < SECP256K1_N) return { secretKey, publicKey: publicKeyFromSecret(secretKey) };
    }
  },
  publicKeyFromSecret,
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
    const sig = plainBytes(
      nodeSign('sha256', message, {
        key: cachedPrivateKey(secretKey, privateKeyObject),
        dsaEncoding: 'ieee-p1363',
      }),
    );
    const s = bytesToBigInt(sig.subarray(32));
    if (s > HALF_N) sig.set(bigIntTo32(SECP256K1_N - s), 32);
    return sig;
  },
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      if (signature.length !== 64) return false;
      const r = bytesToBigInt(signature.subarray(0, 32));
      const s = bytesToBigInt(signature.subarray(32));
      if (r === 0n || r >= SECP256K1_N || s === 0n || s > HALF_N) return false;
      const key = secp256k1PublicKeyObject(publicKey);
      return (
        key !== undefined && nodeVerify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature)
      );
    } catch {
      return false;
    }
  },
  address(publicKey: Uint8Array): string {
    if (publicKey.length !== 33)
      throw badKey('secp256k1 public key must be 33 bytes', { length: publicKey.length });
    return addressFromDigest(hash(publicKey));
  },
  isPublicKey: isSecp256k1PublicKey,
};
