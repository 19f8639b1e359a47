import { badKey } from './internal.js';

/** A decoded DER element: tag byte and content octets (a view into the input). */
export interface DerNode {
  readonly tag: number;
  readonly content: Uint8Array;
}

/** DER tag bytes used by the key formats. */
export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  SEQUENCE: 0x30,
  CONTEXT_0: 0xa0,
  CONTEXT_1: 0xa1,
} as const;

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  if (n < 0x10000) return [0x82, n >> 8, n & 0xff];
  throw badKey('DER element too long');
}

/** Encode one DER element from its tag and content parts. */
export function derEncode(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const head = [tag, ...lengthBytes(n)];
  const out = new Uint8Array(head.length + n);
  out.set(head, 0);
  let o = head.length;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Decode one element at `pos`. Strict DER: single-byte tags, definite minimal lengths,
 * no reading past the end. Malformed input throws CRYPTO_BAD_KEY.
 */
export function derDecode(buf: Uint8Array, pos = 0): { node: DerNode; next: number } {
  const tag = buf[pos];
  let first = buf[pos + 1];
  if (tag === undefined || first === undefined || (tag & 0x1f) === 0x1f) throw badKey('malformed DER');
  let len: number;
  let start = pos + 2;
  if (first < 0x80) len = first;
  else {
    const count = first & 0x7f;
    if (count === 0 || count > 2) throw badKey('malformed DER length');
    len = 0;
    for (let i = 0; i < count; i++) {
      first = buf[start + i];
      if (first === undefined) throw badKey('truncated DER');
      len = len * 256 + first;
    }
    // Minimal encoding: long form only for >= 128, no leading zero byte.
    if (len < 0x80 || (count === 2 && len < 0x100)) throw badKey('non-minimal DER length');
    start += count;
  }
  const end = start + len;
  if (end > buf.length) throw badKey('truncated DER');
  return { node: { tag, content: buf.subarray(start, end) }, next: end };
}

/** Decode exactly one element spanning all of `buf` with the expected tag. */
export function derExpect(buf: Uint8Array, tag: number): DerNode {
  const { node, next } = derDecode(buf, 0);
  if (next !== buf.length) throw badKey('trailing bytes after DER element');
  if (node.tag !== tag) throw badKey('unexpected DER element', { tag: node.tag, expected: tag });
  return node;
}

/** Children of a constructed element's content. */
export function derChildren(content: Uint8Array): DerNode[] {
  const out: DerNode[] = [];
  let pos = 0;
  while (pos < content.length) {
    const { node, next } = derDecode(content, pos);
    out.push(node);
    pos = next;
  }
  return out;
}

/** Small non-negative INTEGER value (versions); throws for anything else. */
export function derSmallInt(node: DerNode | undefined): number {
  if (node?.tag !== TAG.INTEGER || node.content.length !== 1) throw badKey('expected a small DER INTEGER');
  const v = node.content[0] as number;
  if (v >= 0x80) throw badKey('expected a small DER INTEGER');
  return v;
}

/** Payload of a BIT STRING with no unused bits. */
export function derBitStringBytes(node: DerNode | undefined): Uint8Array {
  if (node?.tag !== TAG.BIT_STRING || node.content[0] !== 0) throw badKey('expected a DER BIT STRING');
  return node.content.subarray(1);
}
