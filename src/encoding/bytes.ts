import { GongzhiError } from '../errors/index.js';

const HEX_RE = /^(?:[0-9a-f]{2})*$/;

/** Lower-case hex of bytes. */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Strict hex decode (lower-case, even length, optional 0x prefix). */
export function fromHex(
  s: string,
  code: 'ENCODING_INVALID' | 'TX_MALFORMED' = 'ENCODING_INVALID',
): Uint8Array {
  const h = s.startsWith('0x') ? s.slice(2) : s;
  if (!HEX_RE.test(h)) throw new GongzhiError(code, 'expected lower-case hex', { length: s.length });
  return new Uint8Array(Buffer.from(h, 'hex'));
}

/** base64url without padding. */
export function toBase64Url(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
}

/** Strict base64url decode (re-encoding must give back the input). */
export function fromBase64Url(s: string): Uint8Array {
  const b = Buffer.from(s, 'base64url');
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
