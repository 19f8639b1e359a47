/**
 * `chain verify` checks the Merkle trees kept beside each block (table block_trees): a real node
 * writes a real SQLite file with a block of several transactions; copies of it are damaged in the
 * tree rows only (the blocks, receipts and state untouched, so every other check passes) and verify
 * must name the tree, the block and the kind of damage. A deleted row is damage from the file's
 * `treesFrom` marker on; a file from before the table (no marker, no rows) still verifies clean, and
 * a node that opens it keeps and checks trees for the blocks it adds.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../../src/crypto/index.js';
import { utf8 } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import { DEFAULT_MODULES, verifyChainFile } from '../../src/node/index.js';
import { TREES_FROM_KEY } from '../../src/storage/index.js';
import { makeTx, startTestNode, tempDir, testConsortium } from '../helpers/fixtures.js';

/** The error `f` throws, as code and details (fails the test when it throws anything else). */
function failure(f: () => unknown): { code: string; details: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    if (isGongzhiError(e)) return { code: e.code, details: { ...e.details } };
    throw e;
  }
  throw new Error('expected a GongzhiError, nothing was thrown');
}

describe('chain verify checks the stored Merkle trees', () => {
  const tmp = tempDir('gongzhi-trees-');
  const c = testConsortium();
  let file: string;
  /** The stored row with the most leaves (a block of several transactions). */
  let big: { height: number; tx: Buffer; receipt: Buffer };
  let n = 0;

  const copy = (): string => {
    const dir = join(tmp.dir, `case-${n++}`);
    mkdirSync(dir, { recursive: true });
    const target = join(dir, 'main.sqlite');
    copyFileSync(file, target);
    return target;
  };
  const setTree = (path: string, column: 'tx_tree' | 'receipt_tree', bytes: Buffer): void => {
    const db = new Database(path);
    const r = db.prepare(`UPDATE block_trees SET ${column} = ? WHERE height = ?`).run(bytes, big.height);
    db.close();
    expect(r.changes).toBe(1);
  };
  const flipped = (b: Buffer, at: number): Buffer => {
    const out = Buffer.from(b);
    out[at] = (out[at] as number) ^ 0xff;
    return out;
  };

  beforeAll(async () => {
    const dir = join(tmp.dir, 'pristine');
    const node = await startTestNode(c, dir);
    const g = node.group('main');
    const admin = c.admins[0] as KeyPair;
    const txs = Array.from({ length: 5 }, (_, i) =>
      makeTx(c.suite, admin, g, 'evidence', 'anchor', {
        digest: c.suite.hash(utf8(`tree doc ${i}`)),
        alg: 'sha256',
        meta: { type: 'doc', capturedBy: 'org0', capturedAt: 1, method: 'upload' },
      }),
    );
    const out = await g.submit(txs.map((t) => t.bytes));
    for (const r of out) {
      if (!r || 'error' in r) throw new Error('submit failed');
      await g.waitForCommit(r.hash, 10_000);
    }
    await node.close();
    file = join(dir, 'main.sqlite');
    const db = new Database(file, { readonly: true });
    const row = db
      .prepare<[], { height: number; tx_tree: Buffer; receipt_tree: Buffer }>(
        'SELECT height, tx_tree, receipt_tree FROM block_trees ORDER BY length(tx_tree) DESC LIMIT 1',
      )
      .get();
    db.close();
    if (!row) throw new Error('the node kept no trees');
    big = { height: row.height, tx: row.tx_tree, receipt: row.receipt_tree };
  });
  afterAll(() => tmp.remove());

  it('an untouched file verifies with every stored tree compared', () => {
    // Precondition: a tree with inner nodes (3+ leaves: 3 + 2 + 1 nodes of 32 bytes at least).
    expect(big.tx.length).toBeGreaterThanOrEqual(6 * 32);
    const r = verifyChainFile(file, DEFAULT_MODULES);
    expect(r.txs).toBe(5);
    expect(r.trees).toBeGreaterThanOrEqual(2);
    expect(r.trees % 2).toBe(0);
  });

  it('a changed leaf under an intact root is found (kind nodes)', () => {
    const f = copy();
    setTree(f, 'tx_tree', flipped(big.tx, 0));
    expect(failure(() => verifyChainFile(f, DEFAULT_MODULES))).toEqual({
      code: 'CHAIN_TREE_MISMATCH',
      details: { height: big.height, tree: 'tx', kind: 'nodes' },
    });
  });

  it('a changed root is found (kind root)', () => {
    const f = copy();
    setTree(f, 'receipt_tree', flipped(big.receipt, big.receipt.length - 1));
    expect(failure(() => verifyChainFile(f, DEFAULT_MODULES))).toEqual({
      code: 'CHAIN_TREE_MISMATCH',
      details: { height: big.height, tree: 'receipt', kind: 'root' },
    });
  });

  it('a cut tree is found (kind size), and the damaged file is left as it was', () => {
    const f = copy();
    const cut = big.tx.subarray(0, big.tx.length - 32);
    setTree(f, 'tx_tree', Buffer.from(cut));
    expect(failure(() => verifyChainFile(f, DEFAULT_MODULES))).toEqual({
      code: 'CHAIN_TREE_MISMATCH',
      details: { height: big.height, tree: 'tx', kind: 'size' },
    });
    // verify opens the file read-only: the damage is still there for the operator to see.
    const db = new Database(f, { readonly: true });
    const row = db
      .prepare<[number], { tx_tree: Buffer }>('SELECT tx_tree FROM block_trees WHERE height = ?')
      .get(big.height);
    db.close();
    expect(row?.tx_tree.length).toBe(cut.length);
  });

  it('a tree swapped with the other tree of the same block is found', () => {
    const f = copy();
    setTree(f, 'tx_tree', big.receipt);
    const e = failure(() => verifyChainFile(f, DEFAULT_MODULES));
    expect(e.code).toBe('CHAIN_TREE_MISMATCH');
    expect(e.details).toMatchObject({ height: big.height, tree: 'tx' });
  });
});

describe('chain verify reports a deleted tree row from the treesFrom marker on', () => {
  // Shares nothing with the suite above: its own node and file.
  const tmp = tempDir('gongzhi-trees-missing-');
  const c = testConsortium();
  let file: string;
  let heights: number[] = [];
  let n = 0;
  const copy = (): string => {
    const dir = join(tmp.dir, `case-${n++}`);
    mkdirSync(dir, { recursive: true });
    const target = join(dir, 'main.sqlite');
    copyFileSync(file, target);
    return target;
  };
  const sql = (path: string, text: string, ...args: unknown[]): number => {
    const db = new Database(path);
    try {
      return db.prepare(text).run(...args).changes;
    } finally {
      db.close();
    }
  };
  const treeHeights = (path: string): number[] => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare<[], number>('SELECT height FROM block_trees ORDER BY height').pluck().all();
    } finally {
      db.close();
    }
  };
  const marker = (path: string): string | undefined => {
    const db = new Database(path, { readonly: true });
    try {
      const r = db
        .prepare<[string], Buffer>('SELECT value FROM meta WHERE key = ?')
        .pluck()
        .get(TREES_FROM_KEY);
      return r?.toString('utf8');
    } finally {
      db.close();
    }
  };
  /** Anchor `count` documents through a node on `dir` (started, used, closed). */
  const anchorOn = async (dir: string, from: number, count: number): Promise<void> => {
    const node = await startTestNode(c, dir);
    try {
      const g = node.group('main');
      const admin = c.admins[0] as KeyPair;
      for (let i = from; i < from + count; i++) {
        const t = makeTx(c.suite, admin, g, 'evidence', 'anchor', {
          digest: c.suite.hash(utf8(`missing-tree doc ${i}`)),
          alg: 'sha256',
          meta: { type: 'doc', capturedBy: 'org0', capturedAt: 1, method: 'upload' },
        });
        const [r] = await g.submit([t.bytes]);
        if (!r || 'error' in r) throw new Error('submit failed');
        await g.waitForCommit(r.hash, 10_000);
      }
    } finally {
      await node.close();
    }
  };

  beforeAll(async () => {
    const dir = join(tmp.dir, 'pristine');
    await anchorOn(dir, 0, 3);
    file = join(dir, 'main.sqlite');
    heights = treeHeights(file);
  });
  afterAll(() => tmp.remove());

  it('a file made by this build keeps trees from height 0, and a deleted row is reported with its height', () => {
    expect(marker(file)).toBe('0');
    expect(heights.length).toBeGreaterThanOrEqual(1);
    const victim = heights[heights.length - 1] as number;
    const f = copy();
    expect(sql(f, 'DELETE FROM block_trees WHERE height = ?', victim)).toBe(1);
    expect(failure(() => verifyChainFile(f, DEFAULT_MODULES))).toEqual({
      code: 'CHAIN_TREE_MISMATCH',
      details: { height: victim, kind: 'missing', treesFrom: 0 },
    });
    // Read-only: the row is still missing afterwards.
    expect(treeHeights(f)).not.toContain(victim);
  });

  it('a file from before the table (no marker, no rows) verifies clean', () => {
    const f = copy();
    sql(f, 'DELETE FROM meta WHERE key = ?', TREES_FROM_KEY);
    sql(f, 'DROP TABLE block_trees');
    const r = verifyChainFile(f, DEFAULT_MODULES);
    expect(r.txs).toBe(3);
    expect(r.trees).toBe(0);
  });

  it('a file with rows but no marker verifies clean with a row deleted (it cannot be told apart)', () => {
    const f = copy();
    sql(f, 'DELETE FROM meta WHERE key = ?', TREES_FROM_KEY);
    expect(sql(f, 'DELETE FROM block_trees WHERE height = ?', heights[0])).toBe(1);
    expect(verifyChainFile(f, DEFAULT_MODULES).txs).toBe(3);
  });

  it('a node opening an old-layout file marks head + 1: old blocks pass without rows, a new one is checked', async () => {
    const f = copy();
    sql(f, 'DELETE FROM meta WHERE key = ?', TREES_FROM_KEY);
    sql(f, 'DROP TABLE block_trees');
    const oldHead = verifyChainFile(f, DEFAULT_MODULES).blocks - 1;
    await anchorOn(dirname(f), 100, 1);
    expect(marker(f)).toBe(String(oldHead + 1));
    const added = treeHeights(f);
    expect(added.length).toBe(1);
    expect(added[0]).toBeGreaterThan(oldHead);
    const r = verifyChainFile(f, DEFAULT_MODULES);
    expect(r.txs).toBe(4);
    expect(r.trees).toBe(2);
    expect(sql(f, 'DELETE FROM block_trees WHERE height = ?', added[0])).toBe(1);
    expect(failure(() => verifyChainFile(f, DEFAULT_MODULES))).toEqual({
      code: 'CHAIN_TREE_MISMATCH',
      details: { height: added[0], kind: 'missing', treesFrom: oldHead + 1 },
    });
  });
});
