/**
 * A committed transaction's inclusion proofs, for the routes that answer with them (a transaction,
 * an evidence certificate): from the Merkle trees kept with its block, not from its block's
 * transactions.
 */
import { bytesEqual } from '../encoding/index.js';
import {
  applyMerkleProof,
  leafHash,
  type MerkleStep,
  merkleProof,
  packedTreeBytes,
  proofFromPacked,
} from '../ledger/index.js';
import type { GroupLedger } from '../node/group-ledger.js';
import type { StoredBlock, StoredTx } from '../storage/index.js';

/**
 * The proofs of transaction `index` of `block` in its tx and receipt trees: read from the trees
 * kept with the block (one row, log2(n) nodes copied), each checked against the block header's
 * root (log2(n) hashes) from this transaction's own leaves. A block committed before the trees were kept, or a stored tree that does
 * not lead to the header's root, is rebuilt from all of the block's transactions, as before.
 */
export function inclusionSteps(
  g: GroupLedger,
  block: StoredBlock,
  tx: StoredTx,
): { txSteps: MerkleStep[]; receiptSteps: MerkleStep[] } {
  const hash = (b: Uint8Array): Uint8Array => g.suite.hash(b);
  const index = tx.index;
  const n = block.header.txCount;
  const trees = g.store.blockTrees(block.height);
  if (
    trees !== undefined &&
    trees.txTree.length === packedTreeBytes(n) &&
    trees.receiptTree.length === packedTreeBytes(n)
  ) {
    const txSteps = proofFromPacked(trees.txTree, n, index);
    const receiptSteps = proofFromPacked(trees.receiptTree, n, index);
    // This transaction's own leaves, led by the stored steps to the signed header's roots.
    const txLeaf = leafHash(hash, tx.hash);
    const receiptLeaf = leafHash(hash, hash(tx.receipt));
    if (
      bytesEqual(applyMerkleProof(hash, txLeaf, txSteps), block.header.txRoot) &&
      bytesEqual(applyMerkleProof(hash, receiptLeaf, receiptSteps), block.header.receiptRoot)
    ) {
      return { txSteps, receiptSteps };
    }
  }
  const siblings = g.store.txsOfBlock(block.height);
  return {
    txSteps: merkleProof(
      hash,
      siblings.map((s) => leafHash(hash, s.hash)),
      index,
    ),
    receiptSteps: merkleProof(
      hash,
      siblings.map((s) => leafHash(hash, hash(s.receipt))),
      index,
    ),
  };
}
