import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

// Public-key checks shared by the node and the portable suites, so both answer `isPublicKey` alike.

/** 32 bytes that decode as an Ed25519 point (RFC 8032 decoding: canonical y < p). */
export function isEd25519PublicKey(publicKey: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  try {
    ed25519.Point.fromBytes(publicKey);
    return true;
  } catch {
    return false;
  }
}

/** 33-byte compressed SEC1 point on secp256k1. */
export function isSecp256k1PublicKey(publicKey: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 33) return false;
  if (publicKey[0] !== 2 && publicKey[0] !== 3) return false;
  try {
    secp256k1.Point.fromBytes(publicKey).assertValidity();
    return true;
  } catch {
    return false;
  }
}
