/** Identifier of a signature suite; stored on-chain, so the strings never change. */
export type SuiteId = 'ed25519' | 'secp256k1' | 'sm2';

/** All suite identifiers, in a stable order. */
export const SUITE_IDS: readonly SuiteId[] = ['ed25519', 'secp256k1', 'sm2'];

/** A raw key pair: 32-byte secret key and the suite's public key encoding. */
export interface KeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/**
 * A signature suite: hash, key generation, signing, verification and address derivation.
 * Public keys are raw 32 bytes (ed25519) or 33-byte compressed SEC1 points (secp256k1, sm2).
 */
export interface CryptoSuite {
  readonly id: SuiteId;
  readonly hashName: 'sha256' | 'sm3';
  /** 32-byte digest with the suite's hash. */
  hash(data: Uint8Array): Uint8Array;
  /** Fresh key pair from the OS CSPRNG. */
  generateKeyPair(): KeyPair;
  /** Derive the public key; throws CRYPTO_BAD_KEY for an invalid secret key. */
  publicKeyFromSecret(secretKey: Uint8Array): Uint8Array;
  /** 64-byte signature; throws CRYPTO_BAD_KEY for an invalid secret key. */
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** Never throws: any malformed key or signature simply yields false. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** 'gz' + hex of the last 20 bytes of hash(publicKey); throws CRYPTO_BAD_KEY on a wrong-length key. */
  address(publicKey: Uint8Array): string;
  /**
   * True when `publicKey` is a usable public key of the suite: ed25519, 32 bytes that decode as a
   * point; secp256k1 and sm2, a 33-byte compressed point on the curve. Never throws.
   */
  isPublicKey(publicKey: Uint8Array): boolean;
}

/** True when `x` names a known suite. */
export function isSuiteId(x: unknown): x is SuiteId {
  return x === 'ed25519' || x === 'secp256k1' || x === 'sm2';
}
