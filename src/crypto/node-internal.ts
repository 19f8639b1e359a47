import { createHash, hash, type KeyObject, timingSafeEqual } from 'node:crypto';
import { badKey, plainBytes } from './internal.js';

// Helpers of the node:crypto suites only (never reachable from the portable suites or the SDK).

/** Digest with a node:crypto hash as a plain Uint8Array. */
export function digest(name: 'sha256' | 'sm3', ...parts: Uint8Array[]): Uint8Array {
  // One part (a transaction body, a block header) is the hot case: the one-shot hash skips
  // building a Hash object, about a third of the cost of a short digest on this machine.
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only !== undefined) return plainBytes(hash(name, only, 'buffer'));
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

// Importing a PKCS#8 private key costs about ten signatures (≈ 640 µs against ≈ 58 µs for an Ed25519
// signature on this machine: OpenSSL 3 looks its decoders up on every import), so a caller signing
// many times with one key array — a client pre-signing a day's transactions, a node signing its
// blocks — keeps the KeyObject. Held weakly by the array's identity, so it goes with the array; and
// checked against a copy of the bytes at each use, so an array changed or wiped in place is never
// signed with the key it held before.
const signingKeys = new WeakMap<Uint8Array, { readonly key: KeyObject; readonly bytes: Uint8Array }>();

/** The KeyObject of `secretKey`, built (and the bytes checked) by `build` at most once per array and value. */
export function cachedPrivateKey(
  secretKey: Uint8Array,
  build: (secretKey: Uint8Array) => KeyObject,
): KeyObject {
  const hit = signingKeys.get(secretKey);
  if (hit !== undefined && hit.bytes.length === secretKey.length && timingSafeEqual(hit.bytes, secretKey)) {
    return hit.key;
  }
  const key = build(secretKey);
  rememberPrivateKey(secretKey, key);
  return key;
}

/** Keep `key` as the KeyObject of `secretKey` (a key pair just generated from the KeyObject). */
export function rememberPrivateKey(secretKey: Uint8Array, key: KeyObject): void {
  signingKeys.set(secretKey, { key, bytes: Uint8Array.from(secretKey) });
}

/** The 32 raw key bytes after a fixed DER `prefix` (an RFC 8410 key OpenSSL exported), checked. */
export function rawFromDer(prefix: Uint8Array, der: Buffer): Uint8Array {
  const head = der.subarray(0, prefix.length);
  if (der.length !== prefix.length + 32 || !head.equals(prefix)) {
    throw badKey('an exported key is not in the expected DER form', { length: der.length });
  }
  const raw = Uint8Array.from(der.subarray(prefix.length));
  der.fill(0);
  return raw;
}
