import { describe, expect, it } from 'vitest';
import { seedOf } from '../../src/testing/index.js';
import { deriveScalar, RISTRETTO } from '../../src/voting-crypto/index.js';

const g = RISTRETTO;

/**
 * The shared-doubling exponentiation ballot verification uses for α and β must give exactly what
 * the ladder gives, for every kind of exponent (zero, small, digit boundaries, q − 1, above q,
 * negative, random) and base (the identity, the generator, random elements).
 */
describe('voting fast paths', () => {
  const q = g.q;
  const exps = [
    0n,
    1n,
    2n,
    15n,
    16n,
    17n,
    255n,
    256n,
    (1n << 252n) - 1n,
    1n << 252n,
    q - 1n,
    q,
    q + 5n,
    -3n,
    ...Array.from({ length: 12 }, (_, i) => deriveScalar(g, seedOf(`exp${i}`), 'k')),
  ];
  const bases = [
    g.identity,
    g.g,
    ...Array.from({ length: 4 }, (_, i) => g.gpow(deriveScalar(g, seedOf(`base${i}`), 'b'))),
  ];

  it('multiplier(a)(k) equals a^k by the ladder', () => {
    for (const a of bases) {
      const to = g.multiplier(a);
      for (const k of exps) {
        expect(g.encode(to(k))).toEqual(g.encode(g.pow(a, k)));
      }
    }
  });

  it('the generator’s public exponent (fixed-base table) equals the constant-time path', () => {
    for (const k of exps) expect(g.eq(g.pow(g.g, k), g.gpow(k))).toBe(true);
  });
});
