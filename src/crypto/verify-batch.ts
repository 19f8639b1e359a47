import type { CryptoSuite, SuiteId } from './suite.js';

/** One signature to check. */
export interface VerifyItem {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** Pool → worker. `buf` is transferred, not copied. */
export interface VerifyRequest {
  readonly id: number;
  readonly suite: SuiteId;
  readonly buf: ArrayBuffer;
}

/** Worker → pool. `results` (one byte per item, 1 = valid) is transferred back. */
export type VerifyResponse =
  | { readonly id: number; readonly ok: true; readonly results: ArrayBuffer }
  | { readonly id: number; readonly ok: false; readonly message: string };

const U16_MAX = 0xffff;

/**
 * Pack items[start, end) into one buffer:
 * u32 count, count × (u16 pubLen, u16 sigLen, u32 msgLen), then pub || sig || msg per item.
 * Keys or signatures too long for u16 are sent empty: they could never verify anyway.
 */
export function encodeBatch(items: readonly VerifyItem[], start = 0, end = items.length): ArrayBuffer {
  const count = end - start;
  let size = 4 + 8 * count;
  for (let i = start; i < end; i++) {
    const item = items[i] as VerifyItem;
    size +=
      shortField(item.publicKey).length +
      shortField(item.signature).length +
      bytesOrEmpty(item.message).length;
  }
  const buf = new ArrayBuffer(size);
  const view = new DataView(buf);
  const bytes = new Uint8Array(buf);
  view.setUint32(0, count);
  let head = 4;
  let body = 4 + 8 * count;
  for (let i = start; i < end; i++) {
    const item = items[i] as VerifyItem;
    const pub = shortField(item.publicKey);
    const sig = shortField(item.signature);
    const msg = bytesOrEmpty(item.message);
    view.setUint16(head, pub.length);
    view.setUint16(head + 2, sig.length);
    view.setUint32(head + 4, msg.length);
    head += 8;
    bytes.set(pub, body);
    body += pub.length;
    bytes.set(sig, body);
    body += sig.length;
    bytes.set(msg, body);
    body += msg.length;
  }
  return buf;
}

const EMPTY = new Uint8Array(0);

function shortField(b: Uint8Array): Uint8Array {
  return b instanceof Uint8Array && b.length <= U16_MAX ? b : EMPTY;
}

function bytesOrEmpty(b: Uint8Array): Uint8Array {
  return b instanceof Uint8Array ? b : EMPTY;
}

/** Views into `buf` for every packed item (no copies). Returns undefined if the layout is inconsistent. */
export function decodeBatch(buf: ArrayBuffer): VerifyItem[] | undefined {
  if (buf.byteLength < 4) return undefined;
  const view = new DataView(buf);
  const count = view.getUint32(0);
  if (4 + 8 * count > buf.byteLength) return undefined;
  const out: VerifyItem[] = [];
  let head = 4;
  let body = 4 + 8 * count;
  for (let i = 0; i < count; i++) {
    const pl = view.getUint16(head);
    const sl = view.getUint16(head + 2);
    const ml = view.getUint32(head + 4);
    head += 8;
    if (body + pl + sl + ml > buf.byteLength) return undefined;
    const publicKey = new Uint8Array(buf, body, pl);
    const signature = new Uint8Array(buf, body + pl, sl);
    const message = new Uint8Array(buf, body + pl + sl, ml);
    body += pl + sl + ml;
    out.push({ publicKey, message, signature });
  }
  return body === buf.byteLength ? out : undefined;
}

/** Verify each item on the current thread; 1 = valid, 0 = invalid. */
export function verifyItems(suite: CryptoSuite, items: readonly VerifyItem[]): Uint8Array {
  const out = new Uint8Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as VerifyItem;
    out[i] = suite.verify(item.publicKey, item.message, item.signature) ? 1 : 0;
  }
  return out;
}
