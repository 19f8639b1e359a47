import { GongzhiError } from '../errors/index.js';
import type { CborValue } from './value.js';

/**
 * A direct encoder for the ledger's CBOR subset, written for speed on the hot path (one pass, one
 * growing buffer, no token objects). Its output is checked byte-for-byte against cborg's RFC 8949
 * deterministic encoder by property tests (test/unit/cbor.test.ts).
 */
const MAX_DEPTH = 64;
const textEncoder = new TextEncoder();

class Writer {
  buf: Uint8Array;
  view: DataView;
  len = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  head(major: number, n: number | bigint): void {
    const m = major << 5;
    this.ensure(9);
    if (typeof n === 'bigint') {
      if (n <= 0xffffffffn) {
        this.head(major, Number(n));
        return;
      }
      this.buf[this.len++] = m | 27;
      this.view.setBigUint64(this.len, n);
      this.len += 8;
      return;
    }
    if (n < 24) this.buf[this.len++] = m | n;
    else if (n < 0x100) {
      this.buf[this.len++] = m | 24;
      this.buf[this.len++] = n;
    } else if (n < 0x10000) {
      this.buf[this.len++] = m | 25;
      this.view.setUint16(this.len, n);
      this.len += 2;
    } else if (n < 0x100000000) {
      this.buf[this.len++] = m | 26;
      this.view.setUint32(this.len, n);
      this.len += 4;
    } else {
      this.buf[this.len++] = m | 27;
      this.view.setBigUint64(this.len, BigInt(n));
      this.len += 8;
    }
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
}

/**
 * The path of the value being encoded, as a stack of keys and indexes: the error path string is
 * built only when encoding fails, not for every nested value on the hot path.
 */
const segs: (string | number)[] = [];

/** `$`, `$.a`, `$.a[2].b`: the path of `segs` as the error details name it. */
export function pathOf(stack: readonly (string | number)[]): string {
  let p = '$';
  for (const s of stack) p += typeof s === 'number' ? `[${s}]` : `.${s}`;
  return p;
}

function fail(message: string): never {
  throw new GongzhiError('ENCODING_UNSUPPORTED_TYPE', message, { path: pathOf(segs) });
}

/** Byte-wise comparison of encoded keys (RFC 8949 §4.2.1). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Encoded map keys, memoised: ledger maps reuse a small set of field names. */
const keyCache = new Map<string, Uint8Array>();
const KEY_CACHE_MAX = 4096;

function encodeKey(k: string): Uint8Array {
  const hit = keyCache.get(k);
  if (hit) return hit;
  const utf = textEncoder.encode(k);
  const w = new Writer(utf.length + 9);
  w.head(3, utf.length);
  w.bytes(utf);
  const out = w.buf.slice(0, w.len);
  if (k.length <= 64 && keyCache.size < KEY_CACHE_MAX) keyCache.set(k, out);
  return out;
}

/** Text string: ASCII fast path, TextEncoder otherwise. */
function writeText(w: Writer, v: string): void {
  const n = v.length;
  let ascii = true;
  for (let i = 0; i < n; i++) {
    if (v.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (!ascii) {
    const utf = textEncoder.encode(v);
    w.head(3, utf.length);
    w.bytes(utf);
    return;
  }
  w.head(3, n);
  w.ensure(n);
  const buf = w.buf;
  let o = w.len;
  for (let i = 0; i < n; i++) buf[o++] = v.charCodeAt(i);
  w.len = o;
}

/** Above this many keys a map's keys are sorted by `Array.prototype.sort`, below by insertion. */
const INSERTION_SORT_MAX = 32;

/**
 * A map with its keys in RFC 8949 §4.2.1 order (bytewise by encoded key). Ledger maps are small
 * and their encoded keys are memoised, so two parallel arrays sorted in place replace an object
 * per entry.
 */
function writeMap(w: Writer, obj: Record<string, unknown>, depth: number): void {
  const names = Object.keys(obj);
  const n = names.length;
  const enc: Uint8Array[] = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) {
    const k = names[i] as string;
    if (obj[k] === undefined) {
      segs.push(k);
      fail('undefined is not encodable; omit the key');
    }
    // JavaScript objects cannot hold it as data on decode, so it could never round-trip.
    if (k === '__proto__') fail('the key "__proto__" is not allowed');
    enc[i] = encodeKey(k);
  }
  if (n > INSERTION_SORT_MAX) {
    const order = names
      .map((_, i) => i)
      .sort((a, b) => compareBytes(enc[a] as Uint8Array, enc[b] as Uint8Array));
    const sortedNames = order.map((i) => names[i] as string);
    const sortedEnc = order.map((i) => enc[i] as Uint8Array);
    for (let i = 0; i < n; i++) {
      names[i] = sortedNames[i] as string;
      enc[i] = sortedEnc[i] as Uint8Array;
    }
  } else {
    for (let i = 1; i < n; i++) {
      const e = enc[i] as Uint8Array;
      const k = names[i] as string;
      let j = i - 1;
      while (j >= 0 && compareBytes(enc[j] as Uint8Array, e) > 0) {
        enc[j + 1] = enc[j] as Uint8Array;
        names[j + 1] = names[j] as string;
        j--;
      }
      enc[j + 1] = e;
      names[j + 1] = k;
    }
  }
  w.head(5, n);
  for (let i = 0; i < n; i++) {
    const k = names[i] as string;
    w.bytes(enc[i] as Uint8Array);
    segs.push(k);
    write(w, obj[k], depth + 1);
    segs.pop();
  }
}

function write(w: Writer, v: unknown, depth: number): void {
  if (depth > MAX_DEPTH) fail('value nested too deeply');
  switch (typeof v) {
    case 'number':
      if (!Number.isSafeInteger(v)) fail('only safe integers are allowed (no floats)');
      if (v >= 0) w.head(0, v);
      else w.head(1, -1 - v);
      return;
    case 'bigint':
      if (v >= 0n) {
        if (v >= 2n ** 64n) fail('integer outside 64-bit range');
        w.head(0, v);
      } else {
        if (v < -(2n ** 64n)) fail('integer outside 64-bit range');
        w.head(1, -1n - v);
      }
      return;
    case 'string':
      writeText(w, v);
      return;
    case 'boolean':
      w.ensure(1);
      w.buf[w.len++] = v ? 0xf5 : 0xf4;
      return;
    case 'object': {
      if (v === null) {
        w.ensure(1);
        w.buf[w.len++] = 0xf6;
        return;
      }
      if (v instanceof Uint8Array) {
        w.head(2, v.length);
        w.bytes(v);
        return;
      }
      if (Array.isArray(v)) {
        w.head(4, v.length);
        for (let i = 0; i < v.length; i++) {
          segs.push(i);
          write(w, v[i], depth + 1);
          segs.pop();
        }
        return;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) fail('only plain objects may be encoded');
      writeMap(w, v as Record<string, unknown>, depth);
      return;
    }
    default:
      fail(`type ${typeof v} is not encodable`);
  }
}

/** Encode a ledger value in canonical form (see `encodeCanonical`). */
// One scratch buffer reused by every call: encoding is synchronous and never re-entered.
const scratch = new Writer(64 * 1024);

export function encodeLedgerValue(value: CborValue): Uint8Array {
  scratch.len = 0;
  segs.length = 0;
  write(scratch, value, 0);
  return scratch.buf.slice(0, scratch.len);
}
