import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { BoundedCache } from './bounded-cache.js';
import { addressFromDigest, badKey, hexOf, PUBLIC_KEY_CACHE_SIZE, plainBytes } from './internal.js';
import { cachedPrivateKey, derWith, digest, rawFromDer, rememberPrivateKey } from './node-internal.js';
import { isEd25519PublicKey } from './points.js';
import type { CryptoSuite, KeyPair } from './suite.js';

/** DER prefix of an RFC 8410 SubjectPublicKeyInfo for a raw 32-byte Ed25519 key. */
export const ED25519_SPKI_PREFIX = Uint8Array.from(Buffer.from('302a300506032b6570032100', 'hex'));
/** DER prefix of an RFC 8410 PKCS#8 OneAsymmetricKey (v1) for a raw 32-byte Ed25519 seed. */
export const ED25519_PKCS8_PREFIX = Uint8Array.from(Buffer.from('302e020100300506032b657004220420', 'hex'));

// Building a KeyObject costs about as much as a verification, so hot keys are cached.
const publicKeys = new BoundedCache<KeyObject>(PUBLIC_KEY_CACHE_SIZE);

function privateKeyObject(secretKey: Uint8Array): KeyObject {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
    throw badKey('ed25519 secret key must be 32 bytes', { length: secretKey?.length ?? 0 });
  }
  const der = derWith(ED25519_PKCS8_PREFIX, secretKey);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw badKey('invalid ed25519 secret key', {}, e);
  } finally {
    der.fill(0);
  }
}

/** KeyObject for a raw Ed25519 public key (cached); undefined when node rejects it. */
export function ed25519PublicKeyObject(publicKey: Uint8Array): KeyObject | undefined {
  if (publicKey.length !== 32) return undefined;
  const hex = hexOf(publicKey);
  let key = publicKeys.get(hex);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: derWith(ED25519_SPKI_PREFIX, publicKey), format: 'der', type: 'spki' });
    } catch {
      return undefined;
    }
    publicKeys.set(hex, key);
  }
  return key;
}

function publicKeyFromSecret(secretKey: Uint8Array): Uint8Array {
  const spki = createPublicKey(cachedPrivateKey(secretKey, privateKeyObject)).export({
    format: 'der',
    type: 'spki',
  });
  return plainBytes(spki.subarray(ED25519_SPKI_PREFIX.length));
}

function hash(data: Uint8Array): Uint8Array {
  return digest('sha256', data);
}

/**
 * The same check as `ed25519Suite.verify`, run on libuv's thread pool (node:crypto's callback
 * form): a server answering many verifications keeps its one JS thread for the requests while
 * the curve arithmetic runs on another core. Never rejects; false for a bad key or signature.
 */
export function ed25519VerifyAsync(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const key = signature.length === 64 ? ed25519PublicKeyObject(publicKey) : undefined;
  if (key === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      nodeVerify(null, message, key, signature, (err, ok) => resolve(err === null && ok));
    } catch {
      resolve(false);
    }
  });
}

/** Ed25519 (RFC 8032, pure) with SHA-256 for hashing and addresses; backed by node:crypto. */
export const ed25519Suite: CryptoSuite = {
  id: 'ed25519',
  hashName: 'sha256',
  hash,
  generateKeyPair(): KeyPair {
    // OpenSSL's generator, exported (≈ 360 µs a pair through this function), rather than random
    // bytes imported as PKCS#8 (≈ 640 µs for the import alone, see cachedPrivateKey); the generated
    // KeyObject is kept for signing. Not a JWK export of the private key: on Node 20 it was seen to
    // hang the thread within a few thousand keys.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const secretKey = rawFromDer(ED25519_PKCS8_PREFIX, privateKey.export({ format: 'der', type: 'pkcs8' }));
    const pub = rawFromDer(ED25519_SPKI_PREFIX, publicKey.export({ format: 'der', type: 'spki' }));
    rememberPrivateKey(secretKey, privateKey);
    return { secretKey, publicKey: pub };
  },
  publicKeyFromSecret,
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
    return plainBytes(nodeSign(null, message, cachedPrivateKey(secretKey, privateKeyObject)));
  },
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      if (signature.length !== 64) return false;
      const key = ed25519PublicKeyObject(publicKey);
      return key !== undefined && nodeVerify(null, message, key, signature);
    } catch {
      return false;
    }
  },
  address(publicKey: Uint8Array): string {
    if (publicKey.length !== 32)
      throw badKey('ed25519 public key must be 32 bytes', { length: publicKey.length });
    return addressFromDigest(hash(publicKey));
  },
  isPublicKey: isEd25519PublicKey,
};
