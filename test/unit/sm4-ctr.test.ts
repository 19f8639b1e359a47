import { spawnSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createSm4Ctr,
  sm4CtrBackend,
  sm4CtrVariant,
  sm4NativeUnavailableReason,
} from '../../src/crypto/index.js';
import { SM2_NATIVE_PATH } from '../../src/crypto/sm2-native.js';
import { sm4Ctr as portableSm4Ctr } from '../../src/sdk/sm4.js';

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

  it(`updateInto decrypts into another buffer as node:crypto does, across 512-byte batches (${sm4CtrVariant()})`, () => {
    const iv = Buffer.from('0000000000000000fffffffffffffff7', 'hex');
    const want = createCipheriv('sm4-ctr', key, iv).update(data);
    const s = createSm4Ctr(key, iv);
    const out = Buffer.alloc(data.length);
    for (let o = 0, i = 0; o < data.length; i++) {
      const n = [511, 512, 513, 1, 1023, 65536, 31][i % 7] as number;
      const end = Math.min(data.length, o + n);
      s.updateInto(data.subarray(o, end), out.subarray(o, end));
      o = end;
    }
    expect(out.equals(want)).toBe(true);
    expect(() => createSm4Ctr(key, iv).updateInto(Buffer.alloc(32), Buffer.alloc(16))).toThrow();
  });

  it('equals the portable SM4 of the SDK (src/sdk/sm4.ts), written from the standard', () => {
    const iv = Buffer.from('fedcba98765432100123456789abcdef', 'hex');
    const part = data.subarray(0, 5000);
    const mine = createSm4Ctr(key, iv).update(Buffer.from(part));
    expect(Buffer.from(portableSm4Ctr(key, iv, part)).equals(mine)).toBe(true);
  });

  // The AVX2 code runs only where AVX-512 is absent, so it is checked in a child process that
  // opts out of AVX-512 (the addon reads GONGZHI_SM4_AVX512 once, at its first call).
  // An addon built before the AVX-512 path (variant 'native') cannot be told to use AVX2: skipped.
  it.runIf(existsSync(SM2_NATIVE_PATH) && sm4CtrVariant().endsWith('-gfni'))(
    'the AVX2 path (GONGZHI_SM4_AVX512=0) gives the same bytes',
    () => {
      const script = `
        const { createCipheriv } = require('node:crypto');
        const m = require(${JSON.stringify(SM2_NATIVE_PATH)});
        if (m.sm4CtrWhyNot() !== undefined) { console.log('unavailable'); process.exit(0); }
        const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
        const data = Buffer.alloc(20011);
        for (let i = 0; i < data.length; i++) data[i] = (i * 151 + (i >> 8)) & 0xff;
        let ok = true;
        for (const ivHex of ['ffffffffffffffffffffffffffffffe0', '00000000000000000000000fffffff00']) {
          const iv = Buffer.from(ivHex, 'hex');
          const want = createCipheriv('sm4-ctr', key, iv).update(data);
          const h = m.sm4CtrNew(key, iv);
          const got = Buffer.from(data);
          for (let o = 0, i = 0; o < got.length; i++) {
            const p = got.subarray(o, Math.min(got.length, o + [1, 255, 512, 513, 4096][i % 5]));
            m.sm4CtrUpdate(h, p, p);
            o += p.length;
          }
          ok = ok && got.equals(want);
        }
        console.log(m.sm4CtrImpl(), ok);`;
      const r = spawnSync(process.execPath, ['-e', script], {
        env: { ...process.env, GONGZHI_SM4_AVX512: '0' },
        encoding: 'utf8',
        timeout: 20_000,
        killSignal: 'SIGKILL',
      });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('avx2-gfni true');
    },
  );

  it('refuses a key or IV of the wrong length', () => {
    expect(() => createSm4Ctr(Buffer.alloc(15), Buffer.alloc(16))).toThrow(RangeError);
    expect(() => createSm4Ctr(Buffer.alloc(16), Buffer.alloc(12))).toThrow(RangeError);
  });
});
