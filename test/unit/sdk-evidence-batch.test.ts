import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getSuite } from '../../src/crypto/index.js';
import { bytesEqual, toHex, utf8 } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import { leafHash, merkleProof, merkleRoot } from '../../src/ledger/index.js';
import { applyProof, buildBatch, parseProof, verifyProof } from '../../src/sdk/evidence/batch.js';
import { fileDigest, hasherFor } from '../../src/sdk/evidence/hash.js';
import type { EvidenceProof } from '../../src/sdk/evidence/types.js';

const sha = getSuite('ed25519');
const sm3 = getSuite('sm2');

const digestLists = fc.uniqueArray(fc.uint8Array({ minLength: 32, maxLength: 32 }), {
  minLength: 1,
  maxLength: 64,
  selector: (d) => toHex(d),
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isGongzhiError(e) ? e.code : 'not-gongzhi';
  }
  return undefined;
}

describe('buildBatch / applyProof', () => {
  it('property: every proof leads to the root, and no proof verifies another digest', () => {
    fc.assert(
      fc.property(digestLists, fc.constantFrom(sha, sm3), (digests, hasher) => {
        const { root, proofs } = buildBatch(hasher, digests);
        expect(root).toEqual(
          merkleRoot(
            hasher.hash,
            digests.map((d) => leafHash(hasher.hash, d)),
          ),
        );
        expect(proofs).toHaveLength(digests.length);
        digests.forEach((d, i) => {
          const p = proofs[i]!;
          expect(p.leaf).toBe(toHex(d));
          expect(p.root).toBe(toHex(root));
          expect(bytesEqual(applyProof(hasher, d, p), root)).toBe(true);
          expect(verifyProof(hasher, d, p, root)).toBe(true);
        });
        for (let i = 0; i < digests.length; i++) {
          for (let j = 0; j < digests.length; j++) {
            if (i === j) continue;
            const other = digests[j]!;
            expect(bytesEqual(applyProof(hasher, other, proofs[i]!), root)).toBe(false);
            expect(verifyProof(hasher, other, proofs[i]!)).toBe(false);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('property: proofs carry the same steps as the ledger merkleProof', () => {
    fc.assert(
      fc.property(digestLists, (digests) => {
        const leaves = digests.map((d) => leafHash(sha.hash, d));
        const { proofs } = buildBatch(sha, digests);
        proofs.forEach((p, i) => {
          const steps = merkleProof(sha.hash, leaves, i).map((s) => ({ op: s.side, hash: toHex(s.hash) }));
          expect(p.ops).toEqual([{ op: 'leaf' }, ...steps]);
        });
      }),
      { numRuns: 40 },
    );
  });

  it('a single-file batch root is the leaf hash and its proof is just the leaf step', () => {
    const d = fileDigest('sha256', utf8('only'));
    const { root, proofs } = buildBatch(sha, [d]);
    expect(root).toEqual(leafHash(sha.hash, d));
    expect(proofs[0]!.ops).toEqual([{ op: 'leaf' }]);
  });

  it('rejects empty, short and duplicated digest lists', () => {
    const d = fileDigest('sha256', utf8('a'));
    expect(codeOf(() => buildBatch(sha, []))).toBe('EVIDENCE_BAD_DIGEST');
    expect(codeOf(() => buildBatch(sha, [d, new Uint8Array(31)]))).toBe('EVIDENCE_BAD_DIGEST');
    expect(codeOf(() => buildBatch(sha, [d, d]))).toBe('EVIDENCE_BAD_DIGEST');
  });

  it('rejects malformed proofs and proofs of another algorithm', () => {
    const ds = ['a', 'b', 'c'].map((s) => fileDigest('sha256', utf8(s)));
    const p = buildBatch(sha, ds).proofs[1]!;
    const bad = (q: unknown): string | undefined => codeOf(() => parseProof(q));
    expect(bad(p)).toBeUndefined();
    expect(bad({ ...p, version: 2 })).toBe('EVIDENCE_BAD_PROOF');
    expect(bad({ ...p, extra: 1 })).toBe('EVIDENCE_BAD_PROOF');
    expect(bad({ ...p, ops: p.ops.slice(1) })).toBe('EVIDENCE_BAD_PROOF');
    expect(bad({ ...p, ops: [...p.ops, { op: 'leaf' }] })).toBe('EVIDENCE_BAD_PROOF');
    expect(bad({ ...p, ops: [{ op: 'leaf' }, { op: 'up', hash: p.leaf }] })).toBe('EVIDENCE_BAD_PROOF');
    expect(bad({ ...p, ops: [{ op: 'leaf' }, { op: 'left', hash: p.leaf.toUpperCase() }] })).toBe(
      'EVIDENCE_BAD_PROOF',
    );
    expect(bad({ ...p, root: 'ab' })).toBe('EVIDENCE_BAD_PROOF');
    expect(codeOf(() => applyProof(sm3, ds[1]!, p))).toBe('EVIDENCE_BAD_PROOF');
    expect(codeOf(() => applyProof(sha, new Uint8Array(16), p))).toBe('EVIDENCE_BAD_DIGEST');
    const tampered: EvidenceProof = {
      ...p,
      ops: p.ops.map((o) => (o.op === 'leaf' ? o : { ...o, hash: `00${o.hash.slice(2)}` })),
    };
    expect(verifyProof(sha, ds[1]!, tampered)).toBe(false);
  });

  it('hasherFor maps algorithms to suite hashes', () => {
    expect(hasherFor('sha256').hashName).toBe('sha256');
    expect(hasherFor('sm3').hashName).toBe('sm3');
    expect(toHex(fileDigest('sha256', utf8('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(toHex(fileDigest('sm3', utf8('abc')))).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
    expect(codeOf(() => hasherFor('md5' as 'sha256'))).toBe('EVIDENCE_BAD_DIGEST');
  });
});
