import type Database from 'better-sqlite3';
import { getSuite, isSuiteId } from '../crypto/index.js';
import { bytesEqual } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { decodeHeader, ZERO_HASH } from '../ledger/index.js';
import { nextStateRoot, type PendingWrite, writeEntries } from '../state/index.js';

/** What the start-up check looked at (for the log line and tests). */
export interface IntegrityReport {
  /** Height of the head block (-1 for a file without blocks yet). */
  readonly head: number;
  /** State writes of the head block re-hashed into its state root. */
  readonly headWrites: number;
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/**
 * The fast check run each time a group file is opened, so that a node refuses to serve a damaged
 * file instead of committing on top of it. It costs one SQLite `quick_check` (linear in the file
 * size, without the index cross-checks of `integrity_check`) plus work proportional to the head
 * block alone:
 *
 * 1. `PRAGMA quick_check` must answer `ok` (STORAGE_CORRUPT otherwise);
 * 2. the head: no transaction or state-write row above the highest block, and the head recorded
 *    in `meta` (written with every block) is that block — a deleted head row is caught even for
 *    an empty block (CHAIN_HEAD_MISMATCH);
 * 3. the head block's state root is recomputed from its parent's root and the head's stored write
 *    set (CHAIN_STATE_MISMATCH). Those writes are the keys' current values too: the state is its
 *    write history (schema.ts), there is no second copy to compare.
 *
 * What it does not see: an edit of a state key the head block did not write, or of the nonce
 * index; `gongzhi chain verify` replays the whole history and compares every key and nonce.
 */
export function checkStoreIntegrity(db: Database.Database, path: string): IntegrityReport {
  try {
    return check(db, path);
  } catch (e) {
    throw asStorageError(e, path);
  }
}

/**
 * better-sqlite3 throws SqliteError with a SQLITE_* code; say what it means for the file as a
 * typed error (a raw stack tells an operator nothing). Other errors pass through.
 */
export function asStorageError(e: unknown, path: string): unknown {
  const code = (e as { code?: unknown }).code;
  if (e instanceof GongzhiError || typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  const corrupt = code.startsWith('SQLITE_CORRUPT');
  return new GongzhiError(
    corrupt ? 'STORAGE_CORRUPT' : 'STORAGE_UNREADABLE',
    `cannot read ${path}: ${(e as Error).message}`,
    { path, sqlite: code },
  );
}

function check(db: Database.Database, path: string): IntegrityReport {
  const qc = db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
  const problems = qc.map((r) => r.quick_check).filter((m) => m !== 'ok');
  if (problems.length > 0) {
    throw new GongzhiError('STORAGE_CORRUPT', `${path} failed SQLite's quick_check: ${problems[0]}`, {
      path,
      problems: problems.length,
    });
  }
  const headRow = db
    .prepare<[], { height: number; header: Buffer }>(
      'SELECT height, header FROM blocks ORDER BY height DESC LIMIT 1',
    )
    .get();
  const head = headRow?.height ?? -1;
  const above = (table: string) =>
    db.prepare<[number], { n: number }>(`SELECT count(*) AS n FROM ${table} WHERE height > ?`).get(head)?.n ??
    0;
  for (const table of ['txs', 'state_writes']) {
    const n = above(table);
    if (n > 0) {
      throw new GongzhiError(
        'CHAIN_HEAD_MISMATCH',
        `${path}: ${n} ${table} row(s) lie above the head block ${head} (its block row is missing?)`,
        { path, head, table, rows: n },
      );
    }
  }
  const meta = db.prepare<[string], { value: Buffer }>('SELECT value FROM meta WHERE key = ?');
  const recorded = meta.get('head')?.value.toString('utf8');
  // Files written before the head was recorded have no row; the other checks still apply.
  if (recorded !== undefined && Number(recorded) !== head) {
    throw new GongzhiError(
      'CHAIN_HEAD_MISMATCH',
      `${path}: the recorded head is block ${recorded} but the highest block row is ${head}`,
      { path, head, recorded },
    );
  }
  if (!headRow) return { head, headWrites: 0 };
  const genesis = meta.get('genesis')?.value.toString('utf8');
  const suiteId = genesis === undefined ? undefined : (JSON.parse(genesis) as { suite?: unknown }).suite;
  if (typeof suiteId !== 'string' || !isSuiteId(suiteId)) return { head, headWrites: 0 };
  const suite = getSuite(suiteId);
  const header = decodeHeader(u8(headRow.header));
  let prevRoot: Uint8Array = ZERO_HASH;
  if (head > 0) {
    const parent = db
      .prepare<[number], { header: Buffer }>('SELECT header FROM blocks WHERE height = ?')
      .get(head - 1);
    if (!parent) {
      throw new GongzhiError('CHAIN_HEAD_MISMATCH', `${path}: block ${head - 1} below the head is missing`, {
        path,
        head,
      });
    }
    prevRoot = decodeHeader(u8(parent.header)).stateRoot;
  }
  const writes = new Map<string, PendingWrite>();
  for (const w of db
    .prepare<[number], { key: string; value: Buffer | null }>(
      'SELECT key, value FROM state_writes WHERE height = ?',
    )
    .iterate(head)) {
    writes.set(w.key, w.value === null ? null : u8(w.value));
  }
  if (!bytesEqual(nextStateRoot(suite, prevRoot, writeEntries(suite, writes)), header.stateRoot)) {
    throw new GongzhiError(
      'CHAIN_STATE_MISMATCH',
      `${path}: the head block ${head}'s stored writes do not hash to its state root`,
      { path, head },
    );
  }
  return { head, headWrites: writes.size };
}
