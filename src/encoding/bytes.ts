import { GongzhiError } from '../errors/index.js';

// Hex and base64url use Node's Buffer when the runtime has one (fast, native) and the pure-JS
// fallbacks below otherwise (browsers). Both paths accept and produce exactly the same strings;
// test/unit/sdk-bytes.test.ts compares them on random input.

const HEX_RE = /^(?:[0-9a-f]{2})*$/;

/** Node's Buffer when present (looked up on globalThis so bundlers do not polyfill it). */
const NodeBuffer: typeof Buffer | undefined =
  typeof globalThis.Buffer === 'function' && typeof globalThis.Buffer.from === 'function'
    ? globalThis.Buffer
    : undefined;

const HEX_DIGITS = '0123456789abcdef';
const BYTE_HEX: readonly string[] = Array.from(
  { length: 256 },
  (_, i) => `${HEX_DIGITS[i >> 4]}${HEX_DIGITS[i & 15]}`,
);

/** Lower-case hex, pure JS. */
export function toHexFallback(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += BYTE_HEX[b[i] as number];
  return s;
}

function hexNibble(c: number): number {
  // '0'-'9' → 0-9, 'a'-'f' → 10-15; callers have checked the alphabet.
  return c <= 57 ? c - 48 : c - 87;
}

/** Bytes of an already-validated lower-case, even-length hex string, pure JS. */
function hexToBytesFallback(h: string): Uint8Array {
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) {
    out[i] = (hexNibble(h.charCodeAt(2 * i)) << 4) | hexNibble(h.charCodeAt(2 * i + 1));
  }
  return out;
}

/** Lower-case hex of bytes. */
export function toHex(b: Uint8Array): string {
  if (NodeBuffer !== undefined) return NodeBuffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
  return toHexFallback(b);
}

type HexErrorCode = 'ENCODING_INVALID' | 'TX_MALFORMED';

function strictHex(s: string, code: HexErrorCode): string {
  const h = s.startsWith('0x') ? s.slice(2) : s;
  if (!HEX_RE.test(h)) throw new GongzhiError(code, 'expected lower-case hex', { length: s.length });
  return h;
}

/** Strict hex decode (lower-case, even length, optional 0x prefix). */
export function fromHex(s: string, code: HexErrorCode = 'ENCODING_INVALID'): Uint8Array {
  const h = strictHex(s, code);
  if (NodeBuffer !== undefined) return new Uint8Array(NodeBuffer.from(h, 'hex'));
  return hexToBytesFallback(h);
}

/** `fromHex` without Buffer (exported for tests). */
export function fromHexFallback(s: string, code: HexErrorCode = 'ENCODING_INVALID'): Uint8Array {
  return hexToBytesFallback(strictHex(s, code));
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < B64URL.length; i++) B64URL_VALUE[B64URL.charCodeAt(i)] = i;

/** base64url without padding, pure JS. */
export function toBase64UrlFallback(b: Uint8Array): string {
  let s = '';
  const n = b.length;
  let i = 0;
  for (; i + 3 <= n; i += 3) {
    const v = ((b[i] as number) << 16) | ((b[i + 1] as number) << 8) | (b[i + 2] as number);
    s +=
      B64URL.charAt(v >> 18) +
      B64URL.charAt((v >> 12) & 63) +
      B64URL.charAt((v >> 6) & 63) +
      B64URL.charAt(v & 63);
  }
  if (n - i === 1) {
    const v = b[i] as number;
    s += B64URL.charAt(v >> 2) + B64URL.charAt((v & 3) << 4);
  } else if (n - i === 2) {
    const v = ((b[i] as number) << 8) | (b[i + 1] as number);
    s += B64URL.charAt(v >> 10) + B64URL.charAt((v >> 4) & 63) + B64URL.charAt((v & 15) << 2);
  }
  return s;
}

/**
 * Strict base64url decode, pure JS: only the url-safe alphabet, no padding, no whitespace,
 * no dangling character and zero unused trailing bits — exactly the strings `toBase64Url`
 * produces (the same set the Buffer path accepts by re-encoding).
 */
export function fromBase64UrlFallback(s: string): Uint8Array {
  const bad = (): never => {
    throw new GongzhiError('ENCODING_INVALID', 'invalid base64url');
  };
  const n = s.length;
  if (n % 4 === 1) bad();
  const out = new Uint8Array(Math.floor((n * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? (B64URL_VALUE[c] as number) : -1;
    if (v < 0) bad();
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits (2 or 4) must be zero, or the string is not the canonical encoding.
  if ((acc & ((1 << bits) - 1)) !== 0) bad();
  return out;
}

/** base64url without padding. */
export function toBase64Url(b: Uint8Array): string {
  if (NodeBuffer !== undefined)
    return NodeBuffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
  return toBase64UrlFallback(b);
}

/** Strict base64url decode (re-encoding must give back the input). */
export function fromBase64Url(s: string): Uint8Array {
  if (NodeBuffer === undefined) return fromBase64UrlFallback(s);
  const b = NodeBuffer.from(s, 'base64url');
  if (b.toString('base64url') !== s) throw new GongzhiError('ENCODING_INVALID', 'invalid base64url');
  return new Uint8Array(b);
}

/** Constant-shape byte equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}

/** Concatenate byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
