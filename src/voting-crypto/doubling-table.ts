import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';

/** p = 2^255 − 19. */
const P = (1n << 255n) - 19n;
const LOW = (1n << 255n) - 1n;

/**
 * Reduce a product modulo p the cheap way for p = 2^255 − 19: 2^255 ≡ 19, so fold the high part
 * down twice. The result is congruent mod p and small (|v| < 2^256), which is all the next product
 * needs; `norm` makes it canonical. Works for negative values too (BigInt `&` and `>>` are those
 * of an infinite two's complement).
 */
const red = (v: bigint): bigint => {
  const once = (v & LOW) + 19n * (v >> 255n);
  return (once & LOW) + 19n * (once >> 255n);
};
const norm = (v: bigint): bigint => {
  const r = v % P;
  return r < 0n ? r + P : r;
};

type Ristretto = InstanceType<typeof ristretto255.Point>;

/**
 * `[16·a, 16²·a, …, 16^(n−1)·a]` for a ristretto255 element `a`: the table of Yao's method.
 * The 4(n−1) doublings run here in extended coordinates (dbl-2008-hwcd with a = −1) without the T
 * coordinate between them and with the fast reduction above — about half the field work of the
 * library's `double()` — and each entry is handed back as a library point, so every later
 * operation is the library's own. Checked against the ladder in test/unit/voting-fast-paths.test.ts.
 */
export function sixteenfoldTable(a: { toAffine(): { x: bigint; y: bigint } }, n: number): Ristretto[] {
  const { x, y } = a.toAffine();
  let X = x;
  let Y = y;
  let Z = 1n;
  const out: Ristretto[] = [];
  for (let i = 1; i < n; i++) {
    let E0 = 0n;
    let H0 = 0n;
    for (let k = 0; k < 4; k++) {
      const A = red(X * X);
      const B = red(Y * Y);
      const C = 2n * red(Z * Z);
      const s = X + Y;
      const E1 = red(s * s) - A - B;
      const G = B - A;
      const F = G - C;
      const H = -A - B;
      X = red(E1 * F);
      Y = red(G * H);
      Z = red(F * G);
      E0 = E1;
      H0 = H;
    }
    const ep = new ed25519.Point(norm(X), norm(Y), norm(Z), norm(red(E0 * H0)));
    out.push(new ristretto255.Point(ep));
  }
  return out;
}
