import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/encoding/index.js';
import { GongzhiError } from '../../src/errors/index.js';
import {
  applyMerkleProof,
  type HashFn,
  leafHash,
  type MerkleStep,
  merkleProof,
  merkleRoot,
  nodeHash,
} from '../../src/ledger/index.js';

/** SHA-256 straight from node:crypto, independent of the suites. */
const sha256: HashFn = (d) => new Uint8Array(createHash('sha256').update(d).digest());
const H = (...parts: number[][]): Uint8Array => sha256(Uint8Array.from(parts.flat()));
const bytes = (b: Uint8Array): number[] => [...b];

/** Distinct leaf hashes L0..L(n-1). */
function leaves(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => leafHash(sha256, utf8(`leaf-${i}`)));
}

const N = (l: Uint8Array, r: Uint8Array): Uint8Array => nodeHash(sha256, l, r);

/**
 * Independent reference: the RFC 6962 shape (split at the largest power of two below n).
 * For level-by-level pairing with the odd node promoted this yields the same tree.
 */
function referenceRoot(l: readonly Uint8Array[]): Uint8Array {
  if (l.length === 0) return H([0]);
  if (l.length === 1) return l[0] as Uint8Array;
  let k = 1;
  while (k * 2 < l.length) k *= 2;
  return N(referenceRoot(l.slice(0, k)), referenceRoot(l.slice(k)));
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof GongzhiError) return e.code;
    return `non-gongzhi: ${String(e)}`;
  }
  return undefined;
}

describe('leafHash / nodeHash domain separation', () => {
  it('leafHash is H(0x00 || data) and nodeHash is H(0x01 || l || r)', () => {
    const data = utf8('abc');
    expect(toHex(leafHash(sha256, data))).toBe(toHex(H([0], bytes(data))));
    const l = sha256(utf8('l'));
    const r = sha256(utf8('r'));
    expect(toHex(nodeHash(sha256, l, r))).toBe(toHex(H([1], bytes(l), bytes(r))));
    // Known answer: SHA-256(0x00 || "abc").
    expect(toHex(leafHash(sha256, data))).toBe(
      toHex(new Uint8Array(createHash('sha256').update(Buffer.from('00616263', 'hex')).digest())),
    );
  });

  it('a leaf and an inner node over the same bytes never hash alike', () => {
    const l = sha256(utf8('l'));
    const r = sha256(utf8('r'));
    const concat = Uint8Array.from([...l, ...r]);
    expect(toHex(leafHash(sha256, concat))).not.toBe(toHex(nodeHash(sha256, l, r)));
  });
});

describe('merkleRoot computed by hand', () => {
  it('0 leaves: H(0x00)', () => {
    expect(toHex(merkleRoot(sha256, []))).toBe(toHex(H([0])));
    expect(toHex(merkleRoot(sha256, []))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  it('1 leaf: the leaf itself', () => {
    const [a] = leaves(1) as [Uint8Array];
    expect(toHex(merkleRoot(sha256, [a]))).toBe(toHex(a));
  });

  it('2 leaves: N(L0, L1)', () => {
    const [a, b] = leaves(2) as [Uint8Array, Uint8Array];
    expect(toHex(merkleRoot(sha256, [a, b]))).toBe(toHex(H([1], bytes(a), bytes(b))));
  });

  it('3 leaves: N(N(L0, L1), L2) — the odd leaf is promoted, not duplicated', () => {
    const [a, b, c] = leaves(3) as [Uint8Array, Uint8Array, Uint8Array];
    const expected = N(N(a, b), c);
    expect(toHex(merkleRoot(sha256, [a, b, c]))).toBe(toHex(expected));
    // Duplicating the odd node (Bitcoin style) would give N(N(a,b), N(c,c)).
    expect(toHex(merkleRoot(sha256, [a, b, c]))).not.toBe(toHex(N(N(a, b), N(c, c))));
    // And [a,b,c] and [a,b,c,c] must not share a root.
    expect(toHex(merkleRoot(sha256, [a, b, c]))).not.toBe(toHex(merkleRoot(sha256, [a, b, c, c])));
  });

  it('5 leaves: N(N(N(L0,L1), N(L2,L3)), L4)', () => {
    const [a, b, c, d, e] = leaves(5) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    expect(toHex(merkleRoot(sha256, [a, b, c, d, e]))).toBe(toHex(N(N(N(a, b), N(c, d)), e)));
  });

  it('8 leaves: the full binary tree', () => {
    const l = leaves(8);
    const [a, b, c, d, e, f, g, h] = l as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const expected = N(N(N(a, b), N(c, d)), N(N(e, f), N(g, h)));
    expect(toHex(merkleRoot(sha256, l))).toBe(toHex(expected));
  });

  it('does not mutate its input', () => {
    const l = leaves(5);
    const copy = l.map(toHex);
    merkleRoot(sha256, l);
    merkleProof(sha256, l, 4);
    expect(l.map(toHex)).toEqual(copy);
  });

  it('order matters', () => {
    const [a, b] = leaves(2) as [Uint8Array, Uint8Array];
    expect(toHex(merkleRoot(sha256, [a, b]))).not.toBe(toHex(merkleRoot(sha256, [b, a])));
  });
});

describe('merkleProof / applyMerkleProof', () => {
  it('every proof of every index verifies for 1..33 leaves', () => {
    for (let n = 1; n <= 33; n++) {
      const l = leaves(n);
      const root = toHex(merkleRoot(sha256, l));
      expect(root).toBe(toHex(referenceRoot(l)));
      for (let i = 0; i < n; i++) {
        const proof = merkleProof(sha256, l, i);
        expect(toHex(applyMerkleProof(sha256, l[i] as Uint8Array, proof)), `n=${n} i=${i}`).toBe(root);
        // Never longer than the tree height.
        expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
      }
      // Index 0 always has a sibling on every level.
      expect(merkleProof(sha256, l, 0).length).toBe(Math.ceil(Math.log2(n)));
    }
  });

  it('a single leaf has an empty proof', () => {
    expect(merkleProof(sha256, leaves(1), 0)).toEqual([]);
  });

  it('the promoted last leaf of 5 has a single left step: N(N(L0,L1),N(L2,L3))', () => {
    const [a, b, c, d] = leaves(5) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const proof = merkleProof(sha256, leaves(5), 4);
    expect(proof.map((s) => s.side)).toEqual(['left']);
    expect(toHex((proof[0] as MerkleStep).hash)).toBe(toHex(N(N(a, b), N(c, d))));
  });

  it('proof of index 2 among 3 leaves is [left N(L0,L1)] and of index 0 is [right L1, right L2]', () => {
    const [a, b, c] = leaves(3) as [Uint8Array, Uint8Array, Uint8Array];
    const p2 = merkleProof(sha256, [a, b, c], 2);
    expect(p2.map((s) => [s.side, toHex(s.hash)])).toEqual([['left', toHex(N(a, b))]]);
    const p0 = merkleProof(sha256, [a, b, c], 0);
    expect(p0.map((s) => [s.side, toHex(s.hash)])).toEqual([
      ['right', toHex(b)],
      ['right', toHex(c)],
    ]);
  });

  it('a proof for index i does not verify leaf j ≠ i', () => {
    for (const n of [2, 3, 5, 8, 13, 33]) {
      const l = leaves(n);
      const root = toHex(merkleRoot(sha256, l));
      for (let i = 0; i < n; i++) {
        const proof = merkleProof(sha256, l, i);
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          expect(toHex(applyMerkleProof(sha256, l[j] as Uint8Array, proof)), `n=${n} i=${i} j=${j}`).not.toBe(
            root,
          );
        }
      }
    }
  });

  it('tampering with any step (hash byte, side, dropping, adding) breaks verification', () => {
    for (const n of [2, 3, 5, 8, 17, 33]) {
      const l = leaves(n);
      const root = toHex(merkleRoot(sha256, l));
      for (let i = 0; i < n; i++) {
        const proof = merkleProof(sha256, l, i);
        const leaf = l[i] as Uint8Array;
        expect(proof.length).toBeGreaterThan(0);
        for (let k = 0; k < proof.length; k++) {
          const step = proof[k] as MerkleStep;
          const flipped = Uint8Array.from(step.hash);
          flipped[k % 32] = (flipped[k % 32] as number) ^ 0x01;
          const badHash = proof.map((s, x) => (x === k ? { side: s.side, hash: flipped } : s));
          expect(toHex(applyMerkleProof(sha256, leaf, badHash))).not.toBe(root);
          const badSide = proof.map((s, x) =>
            x === k ? { side: s.side === 'left' ? ('right' as const) : ('left' as const), hash: s.hash } : s,
          );
          expect(toHex(applyMerkleProof(sha256, leaf, badSide))).not.toBe(root);
          const dropped = proof.filter((_, x) => x !== k);
          expect(toHex(applyMerkleProof(sha256, leaf, dropped))).not.toBe(root);
        }
        const extra: MerkleStep[] = [...proof, { side: 'right', hash: leaf }];
        expect(toHex(applyMerkleProof(sha256, leaf, extra))).not.toBe(root);
      }
    }
  });

  it('an out-of-range or non-integer index throws GongzhiError EVIDENCE_BAD_PROOF', () => {
    const l = leaves(5);
    for (const index of [-1, 5, 6, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(
        codeOf(() => merkleProof(sha256, l, index)),
        `index ${index}`,
      ).toBe('EVIDENCE_BAD_PROOF');
    }
    expect(codeOf(() => merkleProof(sha256, [], 0))).toBe('EVIDENCE_BAD_PROOF');
    expect(() => merkleProof(sha256, l, 5)).toThrow(GongzhiError);
  });
});

describe('merkle properties', () => {
  const leafList = fc.array(fc.uint8Array({ minLength: 0, maxLength: 48 }), { minLength: 1, maxLength: 70 });

  it('root matches the reference and every proof verifies only for its own leaf', () => {
    fc.assert(
      fc.property(leafList, fc.nat(), (data, pick) => {
        const l = data.map((d) => leafHash(sha256, d));
        const root = toHex(merkleRoot(sha256, l));
        expect(root).toBe(toHex(referenceRoot(l)));
        const i = pick % l.length;
        const proof = merkleProof(sha256, l, i);
        expect(toHex(applyMerkleProof(sha256, l[i] as Uint8Array, proof))).toBe(root);
        for (let j = 0; j < l.length; j++) {
          if (toHex(l[j] as Uint8Array) === toHex(l[i] as Uint8Array)) continue;
          expect(toHex(applyMerkleProof(sha256, l[j] as Uint8Array, proof))).not.toBe(root);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('changing, appending or removing a leaf changes the root', () => {
    fc.assert(
      fc.property(leafList, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), (data, pick, extra) => {
        const l = data.map((d) => leafHash(sha256, d));
        const root = toHex(merkleRoot(sha256, l));
        const i = pick % l.length;
        const changed = l.slice();
        changed[i] = leafHash(sha256, Uint8Array.from([...(data[i] as Uint8Array), ...extra]));
        expect(toHex(merkleRoot(sha256, changed))).not.toBe(root);
        expect(toHex(merkleRoot(sha256, [...l, l[l.length - 1] as Uint8Array]))).not.toBe(root);
        if (l.length > 1) expect(toHex(merkleRoot(sha256, l.slice(0, -1)))).not.toBe(root);
      }),
      { numRuns: 200 },
    );
  });
});
