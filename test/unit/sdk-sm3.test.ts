import { createHash, createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSm3, Sm3, sm3 } from '../../src/crypto/sm3.js';
import { toHex, utf8 } from '../../src/encoding/bytes.js';

const nodeSm3 = (d: Uint8Array): string => createHash('sm3').update(d).digest('hex');

describe('pure-JS SM3 (GB/T 32905)', () => {
  it('matches the standard examples', () => {
    // GB/T 32905-2016 appendix A, examples 1 and 2.
    expect(toHex(sm3(utf8('abc')))).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(toHex(sm3(utf8('abcd'.repeat(16))))).toBe(
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
    expect(toHex(sm3(new Uint8Array(0)))).toBe(nodeSm3(new Uint8Array(0)));
  });

  it('matches node:crypto on every length 0..300 (padding boundaries at 55/56/64)', () => {
    for (let n = 0; n <= 300; n++) {
      const d = randomBytes(n);
      expect(toHex(sm3(d)), `length ${n}`).toBe(nodeSm3(d));
    }
  });

  it('matches node:crypto on random inputs and random chunkings (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.array(fc.nat({ max: 300 }), { maxLength: 6 }),
        (data, cuts) => {
          const want = nodeSm3(data);
          expect(toHex(sm3(data))).toBe(want);
          // Same digest however the input is split across update() calls.
          const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
          const h = new Sm3();
          let last = 0;
          for (const p of points) {
            h.update(data.subarray(last, p));
            last = p;
          }
          h.update(data.subarray(last));
          expect(toHex(h.digest())).toBe(want);
          expect(toHex(sm3(data.subarray(0, last), data.subarray(last)))).toBe(want);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('matches node:crypto on a 1 MB input', () => {
    const big = randomBytes(1 << 20);
    expect(toHex(sm3(big))).toBe(nodeSm3(big));
  });

  it('HMAC-SM3 matches node:crypto (keys shorter, equal to and longer than a block)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 150 }),
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        (key, data) => {
          const want = createHmac('sm3', key).update(data).digest('hex');
          expect(toHex(hmacSm3(key, data))).toBe(want);
          expect(toHex(hmacSm3(key, data.subarray(0, 7), data.subarray(7)))).toBe(want);
        },
      ),
      { numRuns: 300 },
    );
    for (const len of [0, 63, 64, 65, 128]) {
      const key = randomBytes(len);
      const data = randomBytes(100);
      expect(toHex(hmacSm3(key, data))).toBe(createHmac('sm3', key).update(data).digest('hex'));
    }
  });

  it('a hasher digests once', () => {
    const h = new Sm3().update(utf8('x'));
    h.digest();
    expect(() => h.digest()).toThrow();
    expect(() => h.update(utf8('y'))).toThrow();
  });
});
