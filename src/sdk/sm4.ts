/**
 * SM4 (GB/T 32907-2016) block encryption and CTR mode, in plain JS for browsers: the SDK needs it
 * to open the SM4-CTR keystores of SM2 chains (node:crypto's 'sm4-ctr' writes them). CTR uses
 * only the forward cipher; the counter is the 16-byte IV as a big-endian integer, as OpenSSL's.
 * Checked against the standard's example and against node:crypto (test/unit/sdk-keystore.test.ts).
 */

/** The S-box of the standard, row by row. */
const SBOX = hexBytes(
  'd690e9fecce13db716b614c228fb2c052b679a762abe04c3aa44132649860699' +
    '9c4250f491ef987a33540b43edcfac62e4b31ca9c908e89580df94fa758f3fa6' +
    '4707a7fcf37317ba83593c19e6854fa8686b81b27164da8bf8eb0f4b70569d35' +
    '1e240e5e6358d1a225227c3b01217887d40046579fd327524c3602e7a0c4c89e' +
    'eabf8ad240c738b5a3f7f2cef96115a1e0ae5da49b341a55ad933230f58cb1e3' +
    '1df6e22e8266ca60c02923ab0d534e6fd5db3745defd8e2f03ff6a726d6c5b51' +
    '8d1baf92bbddbc7f11d95c411f105ad80ac13188a5cd7bbd2d74d012b8e5b4b0' +
    '8969974a0c96777e65b9f109c56ec68418f07dec3adc4d2079ee5f3ed7cb3948',
);
const FK = [0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc];

function hexBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const rotl = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;

/** τ: the S-box on each byte of a word. */
function tau(a: number): number {
  const s = (k: number) => SBOX[(a >>> k) & 0xff] as number;
  return ((s(24) << 24) | (s(16) << 16) | (s(8) << 8) | s(0)) >>> 0;
}

const roundT = (x: number): number => {
  const b = tau(x);
  return (b ^ rotl(b, 2) ^ rotl(b, 10) ^ rotl(b, 18) ^ rotl(b, 24)) >>> 0;
};

const keyT = (x: number): number => {
  const b = tau(x);
  return (b ^ rotl(b, 13) ^ rotl(b, 23)) >>> 0;
};

function word(b: Uint8Array, o: number): number {
  return (
    (((b[o] as number) << 24) |
      ((b[o + 1] as number) << 16) |
      ((b[o + 2] as number) << 8) |
      (b[o + 3] as number)) >>>
    0
  );
}

/** The 32 round keys of a 16-byte key. */
export function sm4RoundKeys(key: Uint8Array): Uint32Array {
  if (key.length !== 16) throw new RangeError('SM4 key must be 16 bytes');
  const k = [0, 1, 2, 3].map((i) => (word(key, 4 * i) ^ (FK[i] as number)) >>> 0);
  const rk = new Uint32Array(32);
  for (let i = 0; i < 32; i++) {
    // CK_i: bytes (4i + j) · 7 mod 256, j = 0..3.
    const ck =
      (((4 * i * 7) & 0xff) << 24) |
      ((((4 * i + 1) * 7) & 0xff) << 16) |
      ((((4 * i + 2) * 7) & 0xff) << 8) |
      (((4 * i + 3) * 7) & 0xff);
    const next =
      ((k[i] as number) ^
        keyT(((k[i + 1] as number) ^ (k[i + 2] as number) ^ (k[i + 3] as number) ^ ck) >>> 0)) >>>
      0;
    k.push(next);
    rk[i] = next;
  }
  return rk;
}

/** Encrypt one 16-byte block. */
export function sm4EncryptBlock(rk: Uint32Array, block: Uint8Array): Uint8Array {
  const x = [word(block, 0), word(block, 4), word(block, 8), word(block, 12)];
  for (let i = 0; i < 32; i++) {
    x.push(
      ((x[i] as number) ^
        roundT(
          ((x[i + 1] as number) ^ (x[i + 2] as number) ^ (x[i + 3] as number) ^ (rk[i] as number)) >>> 0,
        )) >>>
        0,
    );
  }
  const out = new Uint8Array(16);
  for (let j = 0; j < 4; j++) {
    const w = x[35 - j] as number;
    out[4 * j] = w >>> 24;
    out[4 * j + 1] = (w >>> 16) & 0xff;
    out[4 * j + 2] = (w >>> 8) & 0xff;
    out[4 * j + 3] = w & 0xff;
  }
  return out;
}

/** SM4-CTR: encryption and decryption are the same XOR with the key stream. */
export function sm4Ctr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (iv.length !== 16) throw new RangeError('SM4-CTR IV must be 16 bytes');
  const rk = sm4RoundKeys(key);
  const counter = new Uint8Array(iv);
  const out = new Uint8Array(data.length);
  for (let o = 0; o < data.length; o += 16) {
    const ks = sm4EncryptBlock(rk, counter);
    for (let i = 0; i < 16 && o + i < data.length; i++)
      out[o + i] = (data[o + i] as number) ^ (ks[i] as number);
    for (let i = 15; i >= 0; i--) {
      counter[i] = ((counter[i] as number) + 1) & 0xff;
      if (counter[i] !== 0) break;
    }
  }
  return out;
}
