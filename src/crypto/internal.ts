import { fromHex, toHex } from '../encoding/bytes.js';
import { GongzhiError } from '../errors/index.js';

// Portable helpers shared by the node and the portable suites: no node: imports, no Buffer
// (the hex helpers of src/encoding use Buffer only when the runtime has it).

/** Entries kept per suite in the public-key caches (verify hot path). */
export const PUBLIC_KEY_CACHE_SIZE = 10_000;

/** Big-endian unsigned integer of `b`. */
export function bytesToBigInt(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  return BigInt(`0x${toHex(b)}`);
}

/** 32-byte big-endian encoding of `n` (0 <= n < 2^256). */
export function bigIntTo32(n: bigint): Uint8Array {
  return fromHex(n.toString(16).padStart(64, '0'));
}

/** Hex of a byte view without copying. */
export function hexOf(b: Uint8Array): string {
  return toHex(b);
}

/** A plain Uint8Array copy (so results compare equal to Uint8Arrays and never alias pools). */
export function plainBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}

/** The error for any unusable key material. */
export function badKey(
  message: string,
  details: Record<string, string | number> = {},
  cause?: unknown,
): GongzhiError {
  return new GongzhiError('CRYPTO_BAD_KEY', message, details, cause === undefined ? undefined : { cause });
}

/** 'gz' + hex of the last 20 bytes of a 32-byte digest. */
export function addressFromDigest(d: Uint8Array): string {
  return `gz${hexOf(d.subarray(d.length - 20))}`;
}

/** Secret key is 32 bytes, else CRYPTO_BAD_KEY naming the suite. */
export function check32(secretKey: Uint8Array, suite: string): void {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
    throw badKey(`${suite} secret key must be 32 bytes`, { length: secretKey?.length ?? 0 });
  }
}
