import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSm4Ctr, sm4CtrBackend, sm4NativeUnavailableReason } from '../../src/crypto/index.js';

/**
 * The delivery cipher of SM2 chains: whichever backend this machine uses (the native AVX2 + GFNI
 * code, or node:crypto's), the bytes must be node:crypto's SM4-CTR, for any split of the stream.
 */
describe('SM4-CTR (src/crypto/sm4-ctr.ts)', () => {
  const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
  const data = Buffer.alloc(70_001);
  for (let i = 0; i < data.length; i++) data[i] = (i * 151 + (i >> 8)) & 0xff;

  it(`equals node:crypto's sm4-ctr over odd splits, in place or not (backend: ${sm4CtrBackend()}${sm4NativeUnavailableReason === undefined ? '' : `, ${sm4NativeUnavailableReason}`})`, () => {
    for (const ivHex of [
      '00000000000000000000000000000000',
      'fffffffffffffffffffffffffffffff0',
      '0123456789abcdef00000000fffffffa',
    ]) {
      const iv = Buffer.from(ivHex, 'hex');
      const want = createCipheriv('sm4-ctr', key, iv).update(data);
      for (const inPlace of [false, true]) {
        const s = createSm4Ctr(key, iv);
        const parts: Buffer[] = [];
        for (let o = 0, i = 0; o < data.length; i++) {
          const n = [1, 16, 255, 256, 257, 4096, 9999][i % 7] as number;
          const chunk = Buffer.from(data.subarray(o, Math.min(data.length, o + n)));
          parts.push(s.update(chunk, inPlace));
          o += chunk.length;
        }
        expect(Buffer.concat(parts).equals(want)).toBe(true);
      }
    }
  });

  it('decrypts what it encrypts, and the standard example gives E_K(P)', () => {
    const iv = Buffer.alloc(16, 7);
    const sealed = createSm4Ctr(key, iv).update(Buffer.from(data));
    expect(sealed.equals(data)).toBe(false);
    expect(createSm4Ctr(key, iv).update(sealed).equals(data)).toBe(true);
    // GB/T 32907 example: K = P = 0123…3210 encrypts to 681e…4246; CTR's first key-stream block is E_K(IV).
    expect(createSm4Ctr(key, key).update(Buffer.alloc(16)).toString('hex')).toBe(
      '681edf34d206965e86b3e94f536e4246',
    );
  });

  it('refuses a key or IV of the wrong length', () => {
    expect(() => createSm4Ctr(Buffer.alloc(15), Buffer.alloc(16))).toThrow(RangeError);
    expect(() => createSm4Ctr(Buffer.alloc(16), Buffer.alloc(12))).toThrow(RangeError);
  });
});
