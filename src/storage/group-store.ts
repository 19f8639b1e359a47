import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';
import { GongzhiError } from '../errors/index.js';
import type { BlockResult, NonceIndex } from '../execution/index.js';
import {
  type BlockHeader,
  type BlockSignature,
  decodeHeader,
  decodeSignatures,
  decodeTx,
  encodeHeader,
  encodeSignatures,
  packLevels,
} from '../ledger/index.js';
import type { PendingWrite, StateSource } from '../state/index.js';
import { checkStoreIntegrity, type IntegrityReport } from './integrity.js';
import { migrateStateHistory } from './migrate-state-history.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';
import { ensureTreesFrom, lowerTreesFrom } from './trees-from.js';
import { type SubjectOf, TxSubjectIndex } from './tx-subjects.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/** How a store is opened. */
export interface GroupStoreOptions {
  /**
   * Run the start-up integrity check (checkStoreIntegrity) before serving the file: on by default,
   * so a node refuses a damaged file; off only for tools that report damage themselves.
   */
  readonly check?: boolean;
  /**
   * Copy committed WAL frames into the database on a worker thread (WalCheckpointer) rather than
   * inside a block's commit: the node's stores; off for tools and tests that open a file briefly.
   */
  readonly backgroundCheckpoints?: boolean;
  /**
   * SQLite's page cache for this file, in MiB (default DEFAULT_STORE_CACHE_MB). Memory is taken
   * only as pages are read.
   */
  readonly cacheMb?: number;
  /** Told before an older file's schema is migrated (one transaction; time grows with the file). */
  readonly onMigrate?: (from: number, to: number) => void;
}

/**
 * The page cache a store gets unless told otherwise (MiB): see GroupStoreOptions.cacheMb. 256 MiB
 * was tried for a node: a city's day at scale 0.05 (a 0.8 GB file) ran no faster, for ≈ 200 MB more
 * RSS (docs/performance.md, "SQLite page cache").
 */
export const DEFAULT_STORE_CACHE_MB = 64;
/** The bounds of GroupStoreOptions.cacheMb (MiB). */
const STORE_CACHE_MB_RANGE = { min: 2, max: 65_536 } as const;

const HEAD_KEY = 'head';

/**
 * A page-cache size in MiB, checked: an integer in STORE_CACHE_MB_RANGE, else CONFIG_INVALID naming
 * `field` (the config's, the flag's or the option's name). A bad figure is an error, never a default.
 */
export function checkStoreCacheMb(v: unknown, field: string, path?: string): number {
  const { min, max } = STORE_CACHE_MB_RANGE;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new GongzhiError('CONFIG_INVALID', `${field} must be an integer from ${min} to ${max} (MiB)`, {
      ...(path === undefined ? {} : { path }),
      value: String(v),
    });
  }
  return v;
}
const utf8Bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A stored block. */
export interface StoredBlock {
  readonly height: number;
  readonly hash: Uint8Array;
  readonly header: BlockHeader;
  readonly headerBytes: Uint8Array;
  readonly signatures: BlockSignature[];
}

/** A stored transaction with its receipt and position. */
export interface StoredTx {
  readonly hash: Uint8Array;
  readonly height: number;
  readonly index: number;
  readonly sender: string;
  readonly module: string;
  readonly method: string;
  readonly status: string;
  readonly tx: Uint8Array;
  readonly receipt: Uint8Array;
}

interface TxRow {
  hash: Buffer;
  height: number;
  idx: number;
  sender: string;
  module: string;
  method: string;
  status: string;
  tx: Buffer;
  receipt: Buffer;
}

/** A transaction's index columns (no tx or receipt bytes): one line of a block's transaction list. */
export interface StoredTxEntry {
  readonly hash: Uint8Array;
  readonly height: number;
  readonly index: number;
  readonly sender: string;
  readonly module: string;
  readonly method: string;
  readonly status: string;
}

type TxEntryRow = Omit<TxRow, 'tx' | 'receipt'>;

interface BlockRow {
  height: number;
  hash: Buffer;
  header: Buffer;
  signatures: Buffer;
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

function toTx(r: TxRow): StoredTx {
  return {
    hash: u8(r.hash),
    height: r.height,
    index: r.idx,
    sender: r.sender,
    module: r.module,
    method: r.method,
    status: r.status,
    tx: u8(r.tx),
    receipt: u8(r.receipt),
  };
}

function toBlock(r: BlockRow): StoredBlock {
  const headerBytes = u8(r.header);
  return {
    height: r.height,
    hash: u8(r.hash),
    header: decodeHeader(headerBytes),
    headerBytes,
    signatures: decodeSignatures(u8(r.signatures)),
  };
}

/**
 * The SQLite file of one group (WAL, synchronous=FULL). A block and everything derived from it
 * (transactions, receipts, state, write history, nonces, indexes) commit in one SQLite transaction,
 * so after a crash the file holds exactly the blocks whose commit returned.
 */
/**
 * The exclusive (height, idx) bound of "at or below `height`" (every index of that height), or of
 * "before position (height, index)".
 */
function toEntry(r: TxEntryRow): StoredTxEntry {
  return {
    hash: u8(r.hash),
    height: r.height,
    index: r.idx,
    sender: r.sender,
    module: r.module,
    method: r.method,
    status: r.status,
  };
}

function cursor(height: number, index: number | undefined): [number, number] {
  return index === undefined ? [height, Number.MAX_SAFE_INTEGER] : [height, index];
}

export class GroupStore implements StateSource, NonceIndex {
  readonly db: Database.Database;
  private readonly q;
  private readonly subjects: TxSubjectIndex;
  /** Runs a function inside one SQLite transaction (a savepoint when one is open already). */
  private readonly inTransaction: (fn: () => unknown) => unknown;

  /** What the start-up check saw (undefined when it was not asked for). */
  readonly integrity: IntegrityReport | undefined;
  /** The background checkpointer, when asked for and available (see GroupStoreOptions). */
  readonly checkpointer: WalCheckpointer | undefined;

  constructor(
    readonly path: string,
    opts: GroupStoreOptions = {},
  ) {
    const cacheKb = checkStoreCacheMb(opts.cacheMb ?? DEFAULT_STORE_CACHE_MB, 'cacheMb') * 1024;
    let opened: Database.Database | undefined;
    try {
      opened = new Database(path);
      this.db = opened;
      // Ledger data is the consortium's business only: owner read/write (SQLite gives its -wal and
      // -shm files the database file's mode).
      if (path !== ':memory:') chmodSync(path, 0o600);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      // Negative: a size in KiB rather than in pages.
      this.db.pragma(`cache_size = -${cacheKb}`);
      migrateStateHistory(this.db, opts.onMigrate);
      this.db.exec(SCHEMA);
    } catch (e) {
      if (opened?.open) opened.close();
      // SQLITE_NOTADB / SQLITE_CORRUPT: the file is there but is not (or no longer) a database.
      const code = (e as { code?: string }).code ?? '';
      const unreadable = code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
      throw new GongzhiError(
        unreadable ? 'STORAGE_UNREADABLE' : 'STORAGE_FAILURE',
        `cannot open ${path}: ${(e as Error).message}`,
        { path },
      );
    }
    try {
      this.integrity = opts.check === false ? undefined : checkStoreIntegrity(this.db, path);
    } catch (e) {
      this.db.close();
      throw e;
    }
    const db = this.db;
    this.subjects = new TxSubjectIndex(db);
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
    this.q = {
      meta: db.prepare<[string], { value: Buffer }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      // pluck: the hot point reads return the column itself, not a row object per read.
      // A key's current value is its latest write (NULL: deleted); undefined: never written.
      state: db
        .prepare<[string], Buffer | null>(
          'SELECT value FROM state_writes WHERE key = ? ORDER BY height DESC LIMIT 1',
        )
        .pluck(),
      putWrite: db.prepare('INSERT INTO state_writes (height, key, value) VALUES (?, ?, ?)'),
      stateAt: db
        .prepare<[string, number], Buffer | null>(
          'SELECT value FROM state_writes WHERE key = ? AND height <= ? ORDER BY height DESC LIMIT 1',
        )
        .pluck(),
      nonce: db
        .prepare<[string, string], number>('SELECT 1 FROM nonces WHERE sender = ? AND nonce = ?')
        .pluck(),
      putNonce: db.prepare('INSERT INTO nonces (sender, nonce, valid_until) VALUES (?, ?, ?)'),
      pruneNonces: db.prepare('DELETE FROM nonces WHERE valid_until < ?'),
      putBlock: db.prepare(
        'INSERT INTO blocks (height, hash, header, signatures, timestamp, tx_count) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      setSigs: db.prepare('UPDATE blocks SET signatures = ? WHERE height = ?'),
      putTrees: db.prepare('INSERT INTO block_trees (height, tx_tree, receipt_tree) VALUES (?, ?, ?)'),
      trees: db.prepare<[number], { tx_tree: Buffer; receipt_tree: Buffer }>(
        'SELECT tx_tree, receipt_tree FROM block_trees WHERE height = ?',
      ),
      putTx: db.prepare(
        'INSERT INTO txs (hash, height, idx, sender, module, method, status, tx, receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      latest: db.prepare<[], BlockRow>(
        'SELECT height, hash, header, signatures FROM blocks ORDER BY height DESC LIMIT 1',
      ),
      blockByHeight: db.prepare<[number], BlockRow>(
        'SELECT height, hash, header, signatures FROM blocks WHERE height = ?',
      ),
      blockByHash: db.prepare<[Uint8Array], BlockRow>(
        'SELECT height, hash, header, signatures FROM blocks WHERE hash = ?',
      ),
      tx: db.prepare<[Uint8Array], TxRow>('SELECT * FROM txs WHERE hash = ?'),
      txsOfBlock: db.prepare<[number], TxRow>('SELECT * FROM txs WHERE height = ? ORDER BY idx'),
      // Rows strictly before the (height, idx) cursor, in the order of the position indexes.
      txsBySender: db.prepare<[string, number, number, number], TxRow>(
        'SELECT * FROM txs WHERE sender = ? AND (height, idx) < (?, ?) ORDER BY height DESC, idx DESC LIMIT ?',
      ),
      txsByModule: db.prepare<[string, number, number, number], TxRow>(
        'SELECT * FROM txs WHERE module = ? AND (height, idx) < (?, ?) ORDER BY height DESC, idx DESC LIMIT ?',
      ),
      entriesBySender: db.prepare<[string, number, number, number], TxEntryRow>(
        'SELECT hash, height, idx, sender, module, method, status FROM txs WHERE sender = ? AND (height, idx) < (?, ?) ORDER BY height DESC, idx DESC LIMIT ?',
      ),
      entriesByModule: db.prepare<[string, number, number, number], TxEntryRow>(
        'SELECT hash, height, idx, sender, module, method, status FROM txs WHERE module = ? AND (height, idx) < (?, ?) ORDER BY height DESC, idx DESC LIMIT ?',
      ),
      blocksBefore: db.prepare<[number, number], BlockRow>(
        'SELECT height, hash, header, signatures FROM blocks WHERE height <= ? ORDER BY height DESC LIMIT ?',
      ),
      txEntriesOfBlock: db.prepare<[number, number, number], TxEntryRow>(
        'SELECT hash, height, idx, sender, module, method, status FROM txs WHERE height = ? AND idx >= ? ORDER BY idx LIMIT ?',
      ),
      counts: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM txs'),
    };
    const v = this.getMeta('schemaVersion');
    if (v === undefined) this.setMeta('schemaVersion', Buffer.from(String(SCHEMA_VERSION)));
    else if (Buffer.from(v).toString() !== String(SCHEMA_VERSION)) {
      throw new GongzhiError('STORAGE_FAILURE', 'unsupported schema version', {
        path,
        version: Buffer.from(v).toString(),
      });
    }
    // From here on every block with transactions gets its trees: chain verify can see a lost row.
    ensureTreesFrom(db);
    this.checkpointer = opts.backgroundCheckpoints === true ? WalCheckpointer.start(db, path) : undefined;
  }

  /**
   * Run `fn` in one SQLite transaction: its reads share one snapshot (in WAL mode every statement
   * outside a transaction opens and closes a read transaction of its own, measured at ~2 µs per
   * point read), and its writes commit together or not at all. A block executes and commits inside
   * one; admission checks a batch inside one. `fn` must not await.
   */
  atomically<T>(fn: () => T): T {
    return this.inTransaction(fn) as T;
  }

  getMeta(key: string): Uint8Array | undefined {
    const r = this.q.meta.get(key);
    return r ? u8(r.value) : undefined;
  }

  setMeta(key: string, value: Uint8Array): void {
    this.q.setMeta.run(key, value);
  }

  /** Current committed state value. */
  getRaw(key: string): Uint8Array | undefined {
    const v = this.q.state.get(key);
    return v === undefined || v === null ? undefined : u8(v);
  }

  /** State value as it was after block `height` (from the write history). */
  getRawAt(key: string, height: number): Uint8Array | undefined {
    const v = this.q.stateAt.get(key, height);
    return v === undefined || v === null ? undefined : u8(v);
  }

  has(sender: string, nonce: string): boolean {
    return this.q.nonce.get(sender, nonce) !== undefined;
  }

  latest(): StoredBlock | undefined {
    const r = this.q.latest.get();
    return r ? toBlock(r) : undefined;
  }

  blockByHeight(height: number): StoredBlock | undefined {
    const r = this.q.blockByHeight.get(height);
    return r ? toBlock(r) : undefined;
  }

  blockByHash(hash: Uint8Array): StoredBlock | undefined {
    const r = this.q.blockByHash.get(hash);
    return r ? toBlock(r) : undefined;
  }

  tx(hash: Uint8Array): StoredTx | undefined {
    const r = this.q.tx.get(hash);
    return r ? toTx(r) : undefined;
  }

  txsOfBlock(height: number): StoredTx[] {
    return this.q.txsOfBlock.all(height).map(toTx);
  }

  /**
   * The packed tx and receipt Merkle trees of block `height` (src/ledger/merkle-tree.ts), or
   * undefined for an empty block or one committed before they were kept (below meta `treesFrom`).
   */
  blockTrees(height: number): { readonly txTree: Uint8Array; readonly receiptTree: Uint8Array } | undefined {
    const r = this.q.trees.get(height);
    return r ? { txTree: u8(r.tx_tree), receiptTree: u8(r.receipt_tree) } : undefined;
  }

  /** Up to `limit` blocks at or below `beforeHeight`, newest first: headers only (by primary key). */
  blocksBefore(beforeHeight: number, limit: number): StoredBlock[] {
    return this.q.blocksBefore.all(beforeHeight, limit).map(toBlock);
  }

  /**
   * Up to `limit` index entries of block `height` from position `from` on, by the (height, idx)
   * index; the tx and receipt bytes are not read, so a page costs the same in a block of any size.
   */
  txEntriesOfBlock(height: number, from: number, limit: number): StoredTxEntry[] {
    return this.q.txEntriesOfBlock.all(height, from, limit).map(toEntry);
  }

  /**
   * Index entries of a sender's or a module's transactions, newest first, before the cursor (as
   * `txsBySender`): read in the order of the (sender|module, height, idx) index, `limit` rows and
   * no sort, and without the tx and receipt bytes — a page costs the same at any size of history.
   */
  txEntriesBy(
    by: 'sender' | 'module',
    value: string,
    limit: number,
    beforeHeight = Number.MAX_SAFE_INTEGER,
    beforeIndex?: number,
  ): StoredTxEntry[] {
    const [h, i] = cursor(beforeHeight, beforeIndex);
    const q = by === 'sender' ? this.q.entriesBySender : this.q.entriesByModule;
    return q.all(value, h, i, limit).map(toEntry);
  }

  /**
   * A sender's transactions newest first: those at or below `beforeHeight`, and at that height
   * only those with an index below `beforeIndex` when it is given (the cursor of the next page).
   */
  txsBySender(
    sender: string,
    limit: number,
    beforeHeight = Number.MAX_SAFE_INTEGER,
    beforeIndex?: number,
  ): StoredTx[] {
    const [h, i] = cursor(beforeHeight, beforeIndex);
    return this.q.txsBySender.all(sender, h, i, limit).map(toTx);
  }

  /** A module's transactions newest first; paging as `txsBySender`. */
  txsByModule(
    module: string,
    limit: number,
    beforeHeight = Number.MAX_SAFE_INTEGER,
    beforeIndex?: number,
  ): StoredTx[] {
    const [h, i] = cursor(beforeHeight, beforeIndex);
    return this.q.txsByModule.all(module, h, i, limit).map(toTx);
  }

  /**
   * Index entries of a module's transactions about `subject` (MethodDef.subject), newest first,
   * before the cursor (as `txEntriesBy`): read from the (module, subject, height, idx) index, so a
   * page reads only that subject's rows however large the module's history is.
   */
  txEntriesBySubject(
    module: string,
    subject: string,
    limit: number,
    beforeHeight = Number.MAX_SAFE_INTEGER,
    beforeIndex?: number,
  ): StoredTxEntry[] {
    const [h, i] = cursor(beforeHeight, beforeIndex);
    return this.subjects.page(module, subject, h, i, limit).map(toEntry);
  }

  /** As `txEntriesBySubject`, each with its transaction and receipt bytes (one query a page). */
  txsBySubject(
    module: string,
    subject: string,
    limit: number,
    beforeHeight = Number.MAX_SAFE_INTEGER,
    beforeIndex?: number,
  ): StoredTx[] {
    const [h, i] = cursor(beforeHeight, beforeIndex);
    return this.subjects.bodies(module, subject, h, i, limit).map(toTx);
  }

  /** Index, once, the transactions of a file written before the subject index (see TxSubjectIndex). */
  ensureSubjectIndex(subjectOf: SubjectOf): number {
    return this.subjects.ensureIndexed(subjectOf);
  }

  txCount(): number {
    return this.q.counts.get()?.n ?? 0;
  }

  /**
   * Commit a block and all it implies in one SQLite transaction. Nonces older than the
   * validity window are pruned: a transaction carrying them would be rejected as expired anyway.
   */
  commitBlock(result: BlockResult, signatures: readonly BlockSignature[]): void {
    const h = result.header;
    const tx = this.db.transaction(() => {
      this.q.putBlock.run(
        h.height,
        result.hash,
        encodeHeader(h),
        encodeSignatures(signatures),
        h.timestamp,
        h.txCount,
      );
      // An empty block has no proofs to serve.
      if (h.txCount > 0) {
        this.q.putTrees.run(h.height, packLevels(result.txTree), packLevels(result.receiptTree));
      }
      result.included.forEach((c, i) => {
        const r = result.receipts[i];
        const rb = result.receiptBytes[i];
        if (!r || !rb) throw new GongzhiError('STORAGE_FAILURE', 'receipt missing', { index: i });
        const b = c.tx.body;
        this.q.putTx.run(c.hash, h.height, i, c.sender, b.module, b.method, r.status, c.bytes, rb);
        const subject = result.subjects[i];
        if (subject !== undefined) this.subjects.put(b.module, subject, h.height, i);
        this.q.putNonce.run(c.sender, b.nonce, b.validUntil);
      });
      this.applyWrites(h.height, result.writes);
      if (h.height % 100 === 0) this.q.pruneNonces.run(h.height);
      // The head, recorded with the block: a later loss of the block row is then visible.
      this.q.setMeta.run(HEAD_KEY, utf8Bytes(String(h.height)));
    });
    try {
      tx();
    } catch (e) {
      if (e instanceof GongzhiError) throw e;
      throw new GongzhiError('STORAGE_FAILURE', `block commit failed: ${(e as Error).message}`, {
        height: h.height,
      });
    }
  }

  /** Store the genesis block (height 0) with its initial state. */
  commitGenesis(
    header: BlockHeader,
    hash: Uint8Array,
    writes: ReadonlyMap<string, PendingWrite>,
    meta: Record<string, Uint8Array>,
  ): void {
    this.db.transaction(() => {
      this.q.putBlock.run(0, hash, encodeHeader(header), encodeSignatures([]), header.timestamp, 0);
      this.applyWrites(0, writes);
      for (const [k, v] of Object.entries(meta)) this.setMeta(k, v);
      this.q.setMeta.run(HEAD_KEY, utf8Bytes('0'));
    })();
  }

  /**
   * Take the blocks above `height` off this store, as if they had never been committed: their
   * transactions, nonces, state writes and stored Merkle trees go, and every key they wrote gets back the value it had
   * at `height` (from the write history). One SQLite transaction. The caller guarantees none of
   * them is final: this is how a node that computed a different block than the quorum returns to
   * its last final block, to take the certified blocks from peers instead.
   *
   * Nonces pruned at a height above `height` (those with `validUntil` below it) are put back for the
   * transactions of the last `validityWindow` blocks kept, so a replay is refused after the rewind as
   * it was before. Returns the number of blocks removed.
   */
  rewindTo(height: number, validityWindow: number): number {
    const head = this.q.latest.get();
    if (!head || height >= head.height) return 0;
    if (height < 0 || !Number.isSafeInteger(height))
      throw new GongzhiError('STORAGE_FAILURE', 'rewind height must be an integer ≥ 0', { height });
    const db = this.db;
    const run = db.transaction(() => {
      // The history is the state: without the writes above `height` every key reads as it was there.
      db.prepare('DELETE FROM state_writes WHERE height > ?').run(height);
      const txsAbove = db.prepare<[number], { sender: string; tx: Buffer }>(
        'SELECT sender, tx FROM txs WHERE height > ?',
      );
      const delNonce = db.prepare('DELETE FROM nonces WHERE sender = ? AND nonce = ?');
      for (const r of txsAbove.all(height)) delNonce.run(r.sender, decodeTx(u8(r.tx)).body.nonce);
      db.prepare('DELETE FROM txs WHERE height > ?').run(height);
      this.subjects.dropAbove(height);
      const putBack = db.prepare(
        'INSERT OR IGNORE INTO nonces (sender, nonce, valid_until) VALUES (?, ?, ?)',
      );
      for (const r of txsAbove.all(Math.max(0, height - validityWindow))) {
        const b = decodeTx(u8(r.tx)).body;
        if (b.validUntil > height) putBack.run(r.sender, b.nonce, b.validUntil);
      }
      db.prepare('DELETE FROM block_trees WHERE height > ?').run(height);
      lowerTreesFrom(db, height);
      const removed = db.prepare('DELETE FROM blocks WHERE height > ?').run(height).changes;
      this.q.setMeta.run(HEAD_KEY, utf8Bytes(String(height)));
      return removed;
    });
    try {
      return run();
    } catch (e) {
      if (e instanceof GongzhiError) throw e;
      throw new GongzhiError('STORAGE_FAILURE', `rewind failed: ${(e as Error).message}`, { height });
    }
  }

  /** Replace a block's signature list (more signatures arriving later). */
  setSignatures(height: number, signatures: readonly BlockSignature[]): void {
    this.q.setSigs.run(encodeSignatures(signatures), height);
  }

  /** One history row per key written (NULL for a deletion): the current state is the latest row. */
  private applyWrites(height: number, writes: ReadonlyMap<string, PendingWrite>): void {
    for (const [k, v] of writes) this.q.putWrite.run(height, k, v);
  }

  close(): void {
    if (this.checkpointer !== undefined && this.db.open) {
      this.checkpointer.stop();
      // The worker's connection may outlive this one for a moment, and SQLite folds the WAL into the
      // file only when the last connection closes: do it here, so a closed store is one whole file.
      // Bounded by the busy timeout should the worker be mid-checkpoint.
      try {
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // The WAL stays and is read (and folded in) at the next open; nothing is lost.
      }
    }
    if (this.db.open) this.db.close();
  }
}
