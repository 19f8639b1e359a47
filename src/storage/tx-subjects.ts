import type Database from 'better-sqlite3';
import { type CborMap, decodeTx } from '../ledger/index.js';

/**
 * The (module, subject) index of committed transactions (MethodDef.subject, e.g. a ballot's
 * election): one small row per indexed transaction, keyed so that one subject's transactions are
 * read newest first in key order — `limit` rows, none of another subject's, never sorted. Derived
 * data, node-side, written with the block in the block's SQLite transaction; nothing on the ledger
 * and no state root depends on it.
 */
export const TX_SUBJECTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS tx_subjects (
  module TEXT NOT NULL,
  subject TEXT NOT NULL,
  height INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  PRIMARY KEY (module, subject, height, idx)
) WITHOUT ROWID;
`;

/**
 * A page of one subject's transactions: its rows by the primary key, strictly before the
 * (height, idx) cursor, newest first, each joined to its one `txs` row by the (height, idx) unique
 * index (exported for the query-plan test).
 */
export const SUBJECT_PAGE_SQL = `SELECT t.hash, t.height, t.idx, t.sender, t.module, t.method, t.status
  FROM tx_subjects s JOIN txs t ON t.height = s.height AND t.idx = s.idx
  WHERE s.module = ? AND s.subject = ? AND (s.height, s.idx) < (?, ?)
  ORDER BY s.height DESC, s.idx DESC LIMIT ?`;

/** The same page with each transaction's body and receipt (the export's batch read). */
export const SUBJECT_BODIES_SQL = SUBJECT_PAGE_SQL.replace('t.status', 't.status, t.tx, t.receipt');

/** Set once every transaction of the file is in the index (a file from before it gets it at open). */
const INDEXED_KEY = 'txSubjectsIndexed';

/** A transaction's index columns, as the `txs` table holds them. */
export interface SubjectEntryRow {
  hash: Buffer;
  height: number;
  idx: number;
  sender: string;
  module: string;
  method: string;
  status: string;
}

/** A page row with the transaction's bytes and its receipt's. */
export interface SubjectBodyRow extends SubjectEntryRow {
  tx: Buffer;
  receipt: Buffer;
}

/** How a transaction's subject is found from its body (the registry's rule: `txSubject`). */
export type SubjectOf = (body: {
  readonly module: string;
  readonly method: string;
  readonly args: CborMap;
}) => string | undefined;

export class TxSubjectIndex {
  private readonly putStmt: Database.Statement<[string, string, number, number]>;
  private readonly pageStmt: Database.Statement<[string, string, number, number, number], SubjectEntryRow>;
  private readonly bodiesStmt: Database.Statement<[string, string, number, number, number], SubjectBodyRow>;
  private readonly dropStmt: Database.Statement<[number]>;

  constructor(private readonly db: Database.Database) {
    db.exec(TX_SUBJECTS_SCHEMA);
    // OR IGNORE: re-indexing an older file may meet rows a tool's commits wrote already.
    this.putStmt = db.prepare(
      'INSERT OR IGNORE INTO tx_subjects (module, subject, height, idx) VALUES (?, ?, ?, ?)',
    );
    this.pageStmt = db.prepare(SUBJECT_PAGE_SQL);
    this.bodiesStmt = db.prepare(SUBJECT_BODIES_SQL);
    this.dropStmt = db.prepare('DELETE FROM tx_subjects WHERE height > ?');
  }

  /** Index transaction (height, idx) of `module` under `subject`. */
  put(module: string, subject: string, height: number, idx: number): void {
    this.putStmt.run(module, subject, height, idx);
  }

  /** Up to `limit` entries of (module, subject) before position (height, idx), newest first. */
  page(module: string, subject: string, height: number, idx: number, limit: number): SubjectEntryRow[] {
    return this.pageStmt.all(module, subject, height, idx, limit);
  }

  /** As `page`, each row with its transaction and receipt bytes. */
  bodies(module: string, subject: string, height: number, idx: number, limit: number): SubjectBodyRow[] {
    return this.bodiesStmt.all(module, subject, height, idx, limit);
  }

  /** Take off the rows of blocks above `height` (a rewind). */
  dropAbove(height: number): void {
    this.dropStmt.run(height);
  }

  /**
   * Index every stored transaction once, if the file was written before the index existed (or by
   * a tool that never asked): one pass over `txs` in one SQLite transaction, then a mark in meta,
   * so later opens do nothing. Returns the number of transactions indexed by this pass.
   */
  ensureIndexed(subjectOf: SubjectOf): number {
    const done = this.db.prepare<[string], number>('SELECT 1 FROM meta WHERE key = ?').pluck();
    if (done.get(INDEXED_KEY) !== undefined) return 0;
    // A page at a time in position order (a statement being iterated cannot share the
    // connection with the inserts), so memory stays one page of transactions.
    const page = this.db.prepare<
      [number, number],
      { height: number; idx: number; module: string; tx: Buffer }
    >('SELECT height, idx, module, tx FROM txs WHERE (height, idx) > (?, ?) ORDER BY height, idx LIMIT 1000');
    let n = 0;
    this.db.transaction(() => {
      let at: [number, number] = [-1, -1];
      for (let rows = page.all(...at); rows.length > 0; rows = page.all(...at)) {
        for (const r of rows) {
          const body = decodeTx(new Uint8Array(r.tx.buffer, r.tx.byteOffset, r.tx.byteLength)).body;
          const s = subjectOf(body);
          if (s !== undefined) {
            this.put(r.module, s, r.height, r.idx);
            n++;
          }
          at = [r.height, r.idx];
        }
      }
      this.db
        .prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)')
        .run(INDEXED_KEY, Buffer.from('1'));
    })();
    return n;
  }
}
