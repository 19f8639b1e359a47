import { createHash, hash } from 'node:crypto';
import { plainBytes } from './internal.js';

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
