/**
 * `chain verify`'s check of the Merkle trees a node keeps beside each block (table block_trees,
 * src/ledger/merkle-tree.ts): inclusion proofs are read from them, not rebuilt, so a damaged tree
 * would hand out proofs that fail against the header while the block itself is sound. Each stored
 * tree must be byte for byte the tree the replay builds, and its root the header's txRoot /
 * receiptRoot. A block with no row has its proofs rebuilt from the transactions, so a missing row
 * is damage only where a row must be: a block with transactions at or above the file's `treesFrom`
 * marker (src/storage/trees-from.ts). Below it (blocks written before trees were kept), or in a
 * file no tree-keeping build has opened (no marker, perhaps no table), a missing row is not damage.
 */
import type Database from 'better-sqlite3';
import { bytesEqual } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { type BlockHeader, packedTreeBytes, packLevels } from '../ledger/index.js';
import { readTreesFrom } from '../storage/index.js';

/** Which part of a stored tree is wrong (`details.kind` of CHAIN_TREE_MISMATCH). */
export type TreeDamage = 'size' | 'root' | 'nodes' | 'missing';

type Levels = readonly (readonly Uint8Array[])[];

/** Reads block `height`'s stored trees; `check` throws CHAIN_TREE_MISMATCH on the first bad one. */
export class StoredTreeCheck {
  /** Undefined for a file from before the table (read-only: nothing created it). */
  private readonly q: Database.Statement<[number], { tx_tree: Buffer; receipt_tree: Buffer }> | undefined;
  /** First height whose blocks with transactions must have a row; undefined: none must. */
  readonly treesFrom: number | undefined;
  /** Stored rows compared so far (each holds two trees). */
  checked = 0;

  constructor(db: Database.Database) {
    const table = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'block_trees'")
      .get();
    this.q = table ? db.prepare('SELECT tx_tree, receipt_tree FROM block_trees WHERE height = ?') : undefined;
    this.treesFrom = this.q ? readTreesFrom(db) : undefined;
  }

  /** Compare block `header`'s stored trees with the replay's `txTree` and `receiptTree`. */
  check(header: BlockHeader, txTree: Levels, receiptTree: Levels): void {
    const row = this.q?.get(header.height);
    if (!row) {
      const from = this.treesFrom;
      if (from !== undefined && header.height >= from && header.txCount > 0) {
        throw new GongzhiError(
          'CHAIN_TREE_MISMATCH',
          `block ${header.height} has ${header.txCount} transactions but no stored trees (kept from height ${from})`,
          { height: header.height, kind: 'missing', treesFrom: from },
        );
      }
      return;
    }
    this.one(header.height, 'tx', u8(row.tx_tree), txTree, header.txRoot, header.txCount);
    this.one(header.height, 'receipt', u8(row.receipt_tree), receiptTree, header.receiptRoot, header.txCount);
    this.checked++;
  }

  private one(
    height: number,
    tree: 'tx' | 'receipt',
    stored: Uint8Array,
    replayed: Levels,
    root: Uint8Array,
    leaves: number,
  ): void {
    const fail = (kind: TreeDamage, what: string): never => {
      throw new GongzhiError('CHAIN_TREE_MISMATCH', `stored ${tree} tree of block ${height} ${what}`, {
        height,
        tree,
        kind,
      });
    };
    if (stored.length !== packedTreeBytes(leaves))
      fail('size', `has ${stored.length} bytes, not a tree of ${leaves} leaves`);
    // The root is the last 32 bytes of the packed levels (leaves first).
    if (!bytesEqual(stored.subarray(stored.length - 32), root))
      fail('root', `has a root other than the header's`);
    if (!bytesEqual(stored, packLevels(replayed))) fail('nodes', 'differs from the tree of its transactions');
  }
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
