/**
 * The packed Merkle trees kept with each block (src/ledger/merkle-tree.ts) are the tree the
 * headers commit to: the same root as `merkleRoot` and, read back from the packed bytes, the same
 * proof as `merkleProof` for every leaf of every size up to 40 (and some of 257) (odd levels promote their last node);
 * a packed tree of the wrong size is refused as corrupt.
 */
import { describe, expect, it } from 'vitest';
import { getSuite } from '../../src/crypto/index.js';
import { utf8 } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import {
  applyMerkleProof,
  leafHash,
  levelsRoot,
  merkleLevels,
  merkleProof,
  merkleRoot,
  packedTreeBytes,
  packLevels,
  proofFromPacked,
} from '../../src/ledger/index.js';

const suite = getSuite('ed25519');
const hash = (b: Uint8Array) => suite.hash(b);
const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(hash, utf8(`leaf-${i}`)));

describe('packed block Merkle trees', () => {
  it('have the root and the proofs of merkleRoot and merkleProof, for 0 to 40 leaves and 257', () => {
    for (const n of [...Array.from({ length: 41 }, (_, i) => i), 257]) {
      const ls = leaves(n);
      const levels = merkleLevels(hash, ls);
      expect(levelsRoot(hash, levels)).toEqual(merkleRoot(hash, ls));
      const packed = packLevels(levels);
      expect(packed.length).toBe(packedTreeBytes(n));
      for (let i = 0; i < n; i++) {
        if (n > 40 && i % 37 !== 0 && i !== n - 1) continue;
        const steps = proofFromPacked(packed, n, i);
        expect(steps).toEqual(merkleProof(hash, ls, i));
        expect(applyMerkleProof(hash, ls[i] as Uint8Array, steps)).toEqual(merkleRoot(hash, ls));
      }
    }
  });

  it('a packed tree of the wrong size is STORAGE_CORRUPT; an index outside it EVIDENCE_BAD_PROOF', () => {
    const packed = packLevels(merkleLevels(hash, leaves(5)));
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isGongzhiError(e) ? e.code : String(e);
      }
      return 'no error';
    };
    expect(code(() => proofFromPacked(packed.subarray(32), 5, 0))).toBe('STORAGE_CORRUPT');
    expect(code(() => proofFromPacked(packed, 6, 0))).toBe('STORAGE_CORRUPT');
    expect(code(() => proofFromPacked(packed, 5, 5))).toBe('EVIDENCE_BAD_PROOF');
    expect(code(() => proofFromPacked(packed, 5, -1))).toBe('EVIDENCE_BAD_PROOF');
  });
});
