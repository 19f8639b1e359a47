/**
 * SM3 (GB/T 32905-2016, GM/T 0004-2012) and HMAC-SM3 (RFC 2104) in plain JavaScript: no node:
 * imports and no Buffer, so it runs in browsers. Checked against node's OpenSSL SM3 on random
 * inputs and against the standard's two examples (see test/unit/sdk-sm3.test.ts).
 */

const IV = Uint32Array.of(
  0x7380166f,
  0x4914b2b9,
  0x172442d7,
  0xda8a0600,
  0xa96f30bc,
  0x163138aa,
  0xe38dee4d,
  0xb0fb0e4e,
);

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** T_j <<< (j mod 32), precomputed for j = 0..63. */
const T_ROT = new Int32Array(64);
for (let j = 0; j < 64; j++) {
  const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
  const n = j % 32;
  T_ROT[j] = n === 0 ? t : rotl(t, n);
}

const BLOCK = 64;

/** Incremental SM3: `new Sm3().update(a).update(b).digest()`. A hasher digests once. */
export class Sm3 {
  readonly #v = new Int32Array(IV);
  readonly #w = new Int32Array(68);
  readonly #buf = new Uint8Array(BLOCK);
  #bufLen = 0;
  /** Total bytes hashed (a float is exact up to 2^53, far beyond any in-memory input). */
  #length = 0;
  #done = false;

  /** Feed more bytes. */
  update(data: Uint8Array): this {
    if (this.#done) throw new Error('SM3 hasher already finalised');
    let pos = 0;
    const len = data.length;
    this.#length += len;
    if (this.#bufLen > 0) {
      const take = Math.min(BLOCK - this.#bufLen, len);
      this.#buf.set(data.subarray(0, take), this.#bufLen);
      this.#bufLen += take;
      pos = take;
      if (this.#bufLen < BLOCK) return this;
      this.#compress(this.#buf, 0);
      this.#bufLen = 0;
    }
    for (; pos + BLOCK <= len; pos += BLOCK) this.#compress(data, pos);
    if (pos < len) {
      this.#buf.set(data.subarray(pos), 0);
      this.#bufLen = len - pos;
    }
    return this;
  }

  /** The 32-byte digest; the hasher cannot be used afterwards. */
  digest(): Uint8Array {
    if (this.#done) throw new Error('SM3 hasher already finalised');
    this.#done = true;
    const buf = this.#buf;
    let n = this.#bufLen;
    buf[n++] = 0x80;
    if (n > BLOCK - 8) {
      buf.fill(0, n);
      this.#compress(buf, 0);
      n = 0;
    }
    buf.fill(0, n, BLOCK - 8);
    // 64-bit big-endian bit length.
    const bits = this.#length * 8;
    const hi = Math.floor(bits / 0x1_0000_0000);
    const lo = bits >>> 0;
    buf[56] = hi >>> 24;
    buf[57] = hi >>> 16;
    buf[58] = hi >>> 8;
    buf[59] = hi;
    buf[60] = lo >>> 24;
    buf[61] = lo >>> 16;
    buf[62] = lo >>> 8;
    buf[63] = lo;
    this.#compress(buf, 0);
    const out = new Uint8Array(32);
    const v = this.#v;
    for (let i = 0; i < 8; i++) {
      const x = v[i] as number;
      out[4 * i] = x >>> 24;
      out[4 * i + 1] = x >>> 16;
      out[4 * i + 2] = x >>> 8;
      out[4 * i + 3] = x;
    }
    return out;
  }

  #compress(b: Uint8Array, off: number): void {
    const w = this.#w;
    for (let i = 0; i < 16; i++) {
      const o = off + 4 * i;
      w[i] =
        ((b[o] as number) << 24) |
        ((b[o + 1] as number) << 16) |
        ((b[o + 2] as number) << 8) |
        (b[o + 3] as number);
    }
    for (let j = 16; j < 68; j++) {
      const x = (w[j - 16] as number) ^ (w[j - 9] as number) ^ rotl(w[j - 3] as number, 15);
      // P1(x) = x ^ (x <<< 15) ^ (x <<< 23)
      w[j] = x ^ rotl(x, 15) ^ rotl(x, 23) ^ rotl(w[j - 13] as number, 7) ^ (w[j - 6] as number);
    }
    const v = this.#v;
    let a = v[0] as number;
    let bb = v[1] as number;
    let c = v[2] as number;
    let d = v[3] as number;
    let e = v[4] as number;
    let f = v[5] as number;
    let g = v[6] as number;
    let h = v[7] as number;
    for (let j = 0; j < 64; j++) {
      const a12 = rotl(a, 12);
      const ss1 = rotl((a12 + e + (T_ROT[j] as number)) | 0, 7);
      const ss2 = ss1 ^ a12;
      const wj = w[j] as number;
      const wj1 = wj ^ (w[j + 4] as number);
      let ff: number;
      let gg: number;
      if (j < 16) {
        ff = a ^ bb ^ c;
        gg = e ^ f ^ g;
      } else {
        ff = (a & bb) | (a & c) | (bb & c);
        gg = (e & f) | (~e & g);
      }
      const tt1 = (ff + d + ss2 + wj1) | 0;
      const tt2 = (gg + h + ss1 + wj) | 0;
      d = c;
      c = rotl(bb, 9);
      bb = a;
      a = tt1;
      h = g;
      g = rotl(f, 19);
      f = e;
      // P0(x) = x ^ (x <<< 9) ^ (x <<< 17)
      e = tt2 ^ rotl(tt2, 9) ^ rotl(tt2, 17);
    }
    v[0] = (v[0] as number) ^ a;
    v[1] = (v[1] as number) ^ bb;
    v[2] = (v[2] as number) ^ c;
    v[3] = (v[3] as number) ^ d;
    v[4] = (v[4] as number) ^ e;
    v[5] = (v[5] as number) ^ f;
    v[6] = (v[6] as number) ^ g;
    v[7] = (v[7] as number) ^ h;
  }
}

/** SM3 digest (32 bytes) of the concatenation of `parts`. */
export function sm3(...parts: Uint8Array[]): Uint8Array {
  const h = new Sm3();
  for (const p of parts) h.update(p);
  return h.digest();
}

/** HMAC-SM3 (RFC 2104 with SM3, 64-byte blocks) of the concatenation of `parts`. */
export function hmacSm3(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const k = new Uint8Array(BLOCK);
  k.set(key.length > BLOCK ? sm3(key) : key);
  const pad = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) pad[i] = (k[i] as number) ^ 0x36;
  const inner = new Sm3().update(pad);
  for (const p of parts) inner.update(p);
  const ih = inner.digest();
  for (let i = 0; i < BLOCK; i++) pad[i] = (k[i] as number) ^ 0x5c;
  const out = new Sm3().update(pad).update(ih).digest();
  k.fill(0);
  pad.fill(0);
  return out;
}
