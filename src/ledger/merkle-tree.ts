/**
 * A block's whole Merkle tree, kept beside the block so that a transaction's inclusion proof is
 * read instead of rebuilt: rebuilding it needs every transaction and receipt of the block (each
 * receipt hashed again) and about 2n hashes; reading it is one row and a copy of log2(n) nodes.
 * The tree is the one `merkleRoot` and `merkleProof` (./merkle.ts) define — an odd last node is
 * promoted unchanged — packed level by level, leaves first, 32 bytes a node. The level sizes
 * follow from the leaf count alone (n, ⌈n/2⌉, …, 1), so the packed bytes need no framing.
 */
import { GongzhiError } from '../errors/index.js';
import { type HashFn, type MerkleStep, merkleRoot, nodeHash } from './merkle.js';

const NODE_BYTES = 32;

/** The tree's levels, leaves first, root last; `[[]]` for no leaves (whose root is H(0x00)). */
export function merkleLevels(hash: HashFn, leaves: readonly Uint8Array[]): Uint8Array[][] {
  const levels: Uint8Array[][] = [leaves.slice()];
  let level = levels[0] as Uint8Array[];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const l = level[i] as Uint8Array;
      const r = level[i + 1];
      next.push(r === undefined ? l : nodeHash(hash, l, r));
    }
    levels.push(next);
    level = next;
  }
  return levels;
}

/** The root of `levels` (equal to `merkleRoot` of its leaves). */
export function levelsRoot(hash: HashFn, levels: readonly (readonly Uint8Array[])[]): Uint8Array {
  const top = levels.at(-1);
  return top?.length === 1 ? (top[0] as Uint8Array) : merkleRoot(hash, []);
}

/** The levels as one byte string, leaves first. */
export function packLevels(levels: readonly (readonly Uint8Array[])[]): Uint8Array {
  let size = 0;
  for (const l of levels) size += l.length * NODE_BYTES;
  const out = new Uint8Array(size);
  let at = 0;
  for (const l of levels) {
    for (const node of l) {
      out.set(node, at);
      at += NODE_BYTES;
    }
  }
  return out;
}

/** Bytes a packed tree of `leaves` leaves takes. */
export function packedTreeBytes(leaves: number): number {
  let nodes = 0;
  for (let n = leaves; ; n = Math.ceil(n / 2)) {
    nodes += n;
    if (n <= 1) break;
  }
  return nodes * NODE_BYTES;
}

/**
 * The inclusion proof of leaf `index` read from a packed tree of `leaves` leaves: the same steps
 * `merkleProof` computes. A packed tree of the wrong size is STORAGE_CORRUPT.
 */
export function proofFromPacked(packed: Uint8Array, leaves: number, index: number): MerkleStep[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves) {
    throw new GongzhiError('EVIDENCE_BAD_PROOF', 'leaf index out of range', { index, count: leaves });
  }
  if (packed.length !== packedTreeBytes(leaves)) {
    throw new GongzhiError('STORAGE_CORRUPT', 'a stored Merkle tree has the wrong size', {
      bytes: packed.length,
      leaves,
    });
  }
  const steps: MerkleStep[] = [];
  let offset = 0;
  let i = index;
  for (let size = leaves; size > 1; size = Math.ceil(size / 2)) {
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    if (sibling < size) {
      const at = offset + sibling * NODE_BYTES;
      steps.push({ side: i % 2 === 0 ? 'right' : 'left', hash: packed.slice(at, at + NODE_BYTES) });
    }
    offset += size * NODE_BYTES;
    i = Math.floor(i / 2);
  }
  return steps;
}
