import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { getSuite } from '../../src/crypto/index.js';
import { toHex, utf8 } from '../../src/encoding/index.js';
import type { BlockResult, CandidateTx } from '../../src/execution/index.js';
import {
  type BlockHeader,
  decodeTx,
  encodeReceipt,
  merkleLevels,
  type Receipt,
} from '../../src/ledger/index.js';
import { GroupStore, iterateCurrentState, readTreesFrom, TREES_FROM_KEY } from '../../src/storage/index.js';
import { makeTx, tempDir } from '../helpers/fixtures.js';

/**
 * GroupStore.rewindTo (a node taking its unfinal blocks off after a quorum signed others): the
 * file afterwards holds exactly what it held at that height — state, write history, transactions,
 * nonces, blocks, stored Merkle trees, head — whatever the blocks above wrote, overwrote or deleted.
 */
const suite = getSuite('ed25519');
const key = suite.generateKeyPair();
const tmp = tempDir('gongzhi-rewind-');
afterAll(() => tmp.remove());

const header = (height: number): BlockHeader => ({
  chain: 'rw',
  group: 'main',
  height,
  parent: new Uint8Array(32),
  timestamp: 1_700_000_000_000 + height,
  txCount: 1,
  txRoot: new Uint8Array(32),
  receiptRoot: new Uint8Array(32),
  stateRoot: new Uint8Array(32).fill(height % 256),
  order: {},
});

/** One block: one transaction (its nonce goes into the nonce table) and the given writes. */
function block(height: number, writes: Map<string, Uint8Array | null>, validUntil: number): BlockResult {
  const t = makeTx(
    suite,
    key,
    { chain: 'rw', group: 'main' },
    'evidence',
    'anchor',
    { n: height },
    { validUntil },
  );
  const tx = decodeTx(t.bytes);
  const c: CandidateTx = {
    tx,
    hash: suite.hash(t.bytes),
    bytes: t.bytes,
    sender: suite.address(key.publicKey),
    verified: true,
  };
  const receipt: Receipt = { tx: c.hash, index: 0, status: 'ok', events: [], writes: [] };
  const h = header(height);
  const receiptBytes = encodeReceipt(receipt);
  return {
    header: h,
    hash: suite.hash(utf8(`block-${height}-${toHex(c.hash)}`)),
    included: [c],
    receipts: [receipt],
    receiptBytes: [receiptBytes],
    dropped: [],
    // Every other block's transaction has a subject: the rewind must take its index row off too.
    subjects: [height % 2 === 0 ? `s${height % 3}` : undefined],
    writes,
    txTree: merkleLevels(suite.hash, [c.hash]),
    receiptTree: merkleLevels(suite.hash, [suite.hash(receiptBytes)]),
  };
}

/** Every row of the tables a block touches, in a fixed order. */
function dump(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const all = (sql: string) => db.prepare(sql).all();
    return {
      state: Array.from(iterateCurrentState(db), (r) => ({ key: r.key, v: r.value.toString('hex') })),
      writes: all('SELECT height, key, hex(value) AS v FROM state_writes ORDER BY height, key'),
      txs: all('SELECT hex(hash) AS h, height, idx FROM txs ORDER BY height, idx'),
      subjects: all('SELECT module, subject, height, idx FROM tx_subjects ORDER BY height, idx'),
      nonces: all('SELECT sender, nonce, valid_until FROM nonces ORDER BY sender, nonce'),
      blocks: all('SELECT height, hex(hash) AS h FROM blocks ORDER BY height'),
      trees: all('SELECT height, hex(tx_tree) AS t, hex(receipt_tree) AS r FROM block_trees ORDER BY height'),
      head: all("SELECT hex(value) AS v FROM meta WHERE key = 'head'"),
    };
  } finally {
    db.close();
  }
}

const genesisHeader = (): BlockHeader => ({ ...header(0), txCount: 0 });

describe('GroupStore.rewindTo', () => {
  it('leaves the file exactly as it was at the rewound height (random write histories)', () => {
    let run = 0;
    const keyArb = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    const writesArb = fc.array(fc.tuple(keyArb, fc.option(fc.uint8Array({ minLength: 1, maxLength: 4 }))), {
      maxLength: 4,
    });
    fc.assert(
      fc.property(fc.array(writesArb, { minLength: 1, maxLength: 8 }), fc.nat(), (blocks, pick) => {
        const path = join(tmp.dir, `p${run++}.sqlite`);
        const store = new GroupStore(path);
        try {
          store.commitGenesis(genesisHeader(), new Uint8Array(32), new Map([['a', utf8('genesis')]]), {});
          const at = pick % blocks.length; // rewind to a height in 0 … n-1
          let snapshot: Record<string, unknown[]> | undefined;
          if (at === 0) snapshot = dump(path);
          blocks.forEach((ws, i) => {
            const writes = new Map<string, Uint8Array | null>();
            for (const [k, v] of ws) writes.set(k, v);
            store.commitBlock(block(i + 1, writes, 500), []);
            if (i + 1 === at) snapshot = dump(path);
          });
          expect(store.rewindTo(at, 100)).toBe(blocks.length - at);
          expect(dump(path)).toEqual(snapshot);
          expect(store.latest()?.height).toBe(at);
        } finally {
          store.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('puts back nonces pruned above the rewound height that are still valid there', () => {
    const path = join(tmp.dir, 'prune.sqlite');
    const store = new GroupStore(path);
    try {
      store.commitGenesis(genesisHeader(), new Uint8Array(32), new Map(), {});
      // Block 1's transaction is valid until 99; block 100 prunes nonces valid below 100.
      store.commitBlock(block(1, new Map(), 99), []);
      for (let h = 2; h <= 95; h++) store.commitBlock(block(h, new Map(), 500), []);
      const snapshot = dump(path);
      for (let h = 96; h <= 100; h++) store.commitBlock(block(h, new Map(), 500), []);
      expect(dump(path).nonces?.length).toBe((snapshot.nonces?.length ?? 0) + 5 - 1); // block 1's nonce pruned
      store.rewindTo(95, 100);
      expect(dump(path)).toEqual(snapshot);
    } finally {
      store.close();
    }
  });

  it('keeps the treesFrom marker true: lowered to the first re-written height, never raised', () => {
    const path = join(tmp.dir, 'marker.sqlite');
    let store = new GroupStore(path);
    try {
      // A new file keeps trees from its first block.
      expect(readTreesFrom(store.db)).toBe(0);
      store.commitGenesis(genesisHeader(), new Uint8Array(32), new Map(), {});
      for (let h = 1; h <= 6; h++) store.commitBlock(block(h, new Map(), 500), []);
      // As a file from before the trees were kept: no marker, no rows; opening it marks head + 1.
      store.close();
      const raw = new Database(path);
      raw.prepare('DELETE FROM meta WHERE key = ?').run(TREES_FROM_KEY);
      raw.exec('DROP TABLE block_trees');
      raw.close();
      // check: false — this test's headers carry made-up state roots.
      store = new GroupStore(path, { check: false });
      expect(readTreesFrom(store.db)).toBe(7);
      // Blocks 4… go and are committed again, with their trees: the marker follows them down.
      expect(store.rewindTo(3, 100)).toBe(3);
      expect(readTreesFrom(store.db)).toBe(4);
      store.commitBlock(block(4, new Map(), 500), []);
      expect(store.blockTrees(4)).toBeDefined();
      // A rewind at or above the marker leaves it; one below lowers it again.
      expect(store.rewindTo(3, 100)).toBe(1);
      expect(readTreesFrom(store.db)).toBe(4);
      expect(store.rewindTo(2, 100)).toBe(1);
      expect(readTreesFrom(store.db)).toBe(3);
      store.commitBlock(block(3, new Map(), 500), []);
      store.commitBlock(block(4, new Map(), 500), []);
      expect(store.rewindTo(3, 100)).toBe(1);
      expect(readTreesFrom(store.db)).toBe(3);
      // Reopening does not move it.
      store.close();
      store = new GroupStore(path, { check: false });
      expect(readTreesFrom(store.db)).toBe(3);
    } finally {
      store.close();
    }
  });

  it('does nothing at or above the head', () => {
    const path = join(tmp.dir, 'noop.sqlite');
    const store = new GroupStore(path);
    try {
      store.commitGenesis(genesisHeader(), new Uint8Array(32), new Map(), {});
      store.commitBlock(block(1, new Map([['k', utf8('v')]]), 500), []);
      const before = dump(path);
      expect(store.rewindTo(1, 100)).toBe(0);
      expect(store.rewindTo(5, 100)).toBe(0);
      expect(dump(path)).toEqual(before);
    } finally {
      store.close();
    }
  });
});

/** The version-1 layout of the state (two tables), as files written before schema version 2 hold it. */
function downgradeToV1(path: string): void {
  const db = new Database(path);
  try {
    db.exec(`
      ALTER TABLE state_writes RENAME TO w2;
      CREATE TABLE state (key TEXT PRIMARY KEY, value BLOB NOT NULL);
      CREATE TABLE state_writes (height INTEGER NOT NULL, key TEXT NOT NULL, value BLOB);
      CREATE UNIQUE INDEX state_writes_by_key ON state_writes (key, height);
      INSERT INTO state_writes (height, key, value) SELECT height, key, value FROM w2 ORDER BY height, key;
      INSERT INTO state (key, value)
        SELECT key, value FROM (SELECT key, value, max(height) FROM w2 GROUP BY key) WHERE value IS NOT NULL;
      DROP TABLE w2;
    `);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schemaVersion'").run(Buffer.from('1'));
  } finally {
    db.close();
  }
}

describe('GroupStore state: the write history is the state', () => {
  const keyArb = fc.constantFrom('a', 'b', 'c', 'd', 'e');
  const writesArb = fc.array(fc.tuple(keyArb, fc.option(fc.uint8Array({ minLength: 1, maxLength: 4 }))), {
    maxLength: 4,
  });
  let run = 0;

  /** Commit random blocks; return the model: the state after each height (a deleted key absent). */
  function commitRandom(
    store: GroupStore,
    blocks: [string, Uint8Array | null][][],
  ): Map<string, Uint8Array>[] {
    store.commitGenesis(genesisHeader(), new Uint8Array(32), new Map([['a', utf8('genesis')]]), {});
    const states = [new Map([['a', utf8('genesis')]])];
    blocks.forEach((ws, i) => {
      const writes = new Map<string, Uint8Array | null>();
      for (const [k, v] of ws) writes.set(k, v);
      store.commitBlock(block(i + 1, writes, 500), []);
      const next = new Map(states.at(-1));
      for (const [k, v] of writes) {
        if (v === null) next.delete(k);
        else next.set(k, v);
      }
      states.push(next);
    });
    return states;
  }

  /** Every read path answers as the model: current values, values as of each height, iteration. */
  function expectReads(store: GroupStore, states: Map<string, Uint8Array>[]): void {
    const now = states.at(-1) as Map<string, Uint8Array>;
    for (const k of ['a', 'b', 'c', 'd', 'e']) {
      expect(store.getRaw(k)).toEqual(now.get(k));
      states.forEach((s, h) => {
        expect(store.getRawAt(k, h)).toEqual(s.get(k));
      });
    }
    const rows = Array.from(iterateCurrentState(store.db), (r) => [r.key, new Uint8Array(r.value)]);
    expect(rows).toEqual([...now.entries()].sort(([x], [y]) => (x < y ? -1 : 1)));
  }

  it('reads each key as its latest write, as of any height, deletions included (random histories)', () => {
    fc.assert(
      fc.property(fc.array(writesArb, { minLength: 1, maxLength: 8 }), (blocks) => {
        const store = new GroupStore(join(tmp.dir, `h${run++}.sqlite`));
        try {
          expectReads(store, commitRandom(store, blocks));
        } finally {
          store.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('migrates a version-1 file (current values in their own table) without changing a read', () => {
    fc.assert(
      fc.property(fc.array(writesArb, { minLength: 1, maxLength: 8 }), (blocks) => {
        const path = join(tmp.dir, `v1-${run++}.sqlite`);
        const first = new GroupStore(path);
        const states = commitRandom(first, blocks);
        first.close();
        downgradeToV1(path);
        const raw = new Database(path, { readonly: true });
        const tables = () =>
          raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
        expect(tables()).toContain('state');
        raw.close();
        // check: false — this test's headers carry made-up state roots.
        const told: [number, number][] = [];
        const store = new GroupStore(path, { check: false, onMigrate: (from, to) => told.push([from, to]) });
        try {
          expect(told).toEqual([[1, 2]]);
          expect(Buffer.from(store.getMeta('schemaVersion') ?? new Uint8Array()).toString()).toBe('2');
          expect(
            store.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'state'").pluck().get(),
          ).toBe(0);
          expectReads(store, states);
          // The migrated file takes blocks as a new one does.
          store.commitBlock(block(blocks.length + 1, new Map([['e', utf8('after')]]), 500), []);
          expect(store.getRaw('e')).toEqual(utf8('after'));
        } finally {
          store.close();
        }
      }),
      { numRuns: 15 },
    );
  });

  it('does not migrate a version-2 file an older build has opened, and drops what that build added', () => {
    const path = join(tmp.dir, `v2-stray-${run++}.sqlite`);
    const first = new GroupStore(path);
    const states = commitRandom(first, [
      [['a', utf8('1')]],
      [
        ['b', utf8('2')],
        ['a', null],
      ],
    ]);
    first.close();
    // What a version-1 build does before it refuses the version: its schema's table and index.
    const raw = new Database(path);
    raw.exec(`CREATE TABLE state (key TEXT PRIMARY KEY, value BLOB NOT NULL);
      CREATE UNIQUE INDEX state_writes_by_key ON state_writes (key, height);`);
    raw.close();
    const told: [number, number][] = [];
    const store = new GroupStore(path, { check: false, onMigrate: (from, to) => told.push([from, to]) });
    try {
      expect(told).toEqual([]);
      // The version says there is nothing to migrate; the older build's additions are gone.
      expect(
        store.db
          .prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('state', 'state_writes_by_key')")
          .pluck()
          .get(),
      ).toBe(0);
      expectReads(store, states);
    } finally {
      store.close();
    }
  });
});
