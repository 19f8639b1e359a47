import { createHash } from 'node:crypto';
import { GongzhiError } from '../errors/index.js';

/** Entries kept per suite in the public-key caches (verify hot path). */
export const PUBLIC_KEY_CACHE_SIZE = 10_000;

/** Big-endian unsigned integer of `b`. */
export function bytesToBigInt(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  return BigInt(`0x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}`);
}

/** 32-byte big-endian encoding of `n` (0 <= n < 2^256). */
export function bigIntTo32(n: bigint): Uint8Array {
  return new Uint8Array(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));
}

/** Hex of a byte view without copying. */
export function hexOf(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** A plain Uint8Array copy of a Buffer (so results compare equal to Uint8Arrays and never alias pools). */
export function plainBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}

/** Digest with a node:crypto hash as a plain Uint8Array. */
export function digest(name: 'sha256' | 'sm3', ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(name);
  for (const p of parts) h.update(p);
  return plainBytes(h.digest());
}

/** `prefix || body` in a non-pooled Buffer that the caller may wipe after use. */
export function derWith(prefix: Uint8Array, body: Uint8Array): Buffer {
  const out = Buffer.alloc(prefix.length + body.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
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
