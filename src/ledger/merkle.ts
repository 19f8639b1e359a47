import { concatBytes } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';

/** A hash function as used by the chain's suite (32-byte output). */
export type HashFn = (data: Uint8Array) => Uint8Array;

/** One step of an inclusion proof: combine the running hash with `hash` on the given side. */
export interface MerkleStep {
  readonly side: 'left' | 'right';
  readonly hash: Uint8Array;
}

const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

/** Domain-separated leaf hash: H(0x00 || data). */
export function leafHash(hash: HashFn, data: Uint8Array): Uint8Array {
  return hash(concatBytes(LEAF, data));
}

/** Domain-separated inner node hash: H(0x01 || left || right). */
export function nodeHash(hash: HashFn, left: Uint8Array, right: Uint8Array): Uint8Array {
  return hash(concatBytes(NODE, left, right));
}

/**
 * Root of a binary Merkle tree over already-hashed leaves. An odd node at the end of a
 * level is promoted unchanged (never duplicated, which would allow two lists to share a root).
 * The empty tree's root is H(0x00).
 */
export function merkleRoot(hash: HashFn, leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return hash(LEAF);
  let level = leaves.slice();
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const l = level[i] as Uint8Array;
      const r = level[i + 1];
      next.push(r === undefined ? l : nodeHash(hash, l, r));
    }
    level = next;
  }
  return level[0] as Uint8Array;
}

/** Inclusion proof for leaf `index` (0-based) among `leaves`. */
export function merkleProof(hash: HashFn, leaves: readonly Uint8Array[], index: number): MerkleStep[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new GongzhiError('EVIDENCE_BAD_PROOF', 'leaf index out of range', { index, count: leaves.length });
  }
  const steps: MerkleStep[] = [];
  let level = leaves.slice();
  let i = index;
  while (level.length > 1) {
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    const s = level[sibling];
    if (s !== undefined) steps.push({ side: i % 2 === 0 ? 'right' : 'left', hash: s });
    const next: Uint8Array[] = [];
    for (let j = 0; j < level.length; j += 2) {
      const l = level[j] as Uint8Array;
      const r = level[j + 1];
      next.push(r === undefined ? l : nodeHash(hash, l, r));
    }
    level = next;
    i = Math.floor(i / 2);
  }
  return steps;
}

/** Recompute the root from a leaf hash and its proof. */
export function applyMerkleProof(hash: HashFn, leaf: Uint8Array, steps: readonly MerkleStep[]): Uint8Array {
  let acc = leaf;
  for (const s of steps) acc = s.side === 'right' ? nodeHash(hash, acc, s.hash) : nodeHash(hash, s.hash, acc);
  return acc;
}
