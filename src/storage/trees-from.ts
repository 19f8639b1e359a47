/**
 * The first height from which a group file keeps each block's Merkle trees (table block_trees),
 * recorded in `meta` under `treesFrom`. Without it a missing row could not be told from a block
 * that never had one (a block committed before the table existed), so `chain verify` could not
 * report a deleted row. Every block at or above it with transactions has a row.
 *
 * Set once, when a file is first opened by a build that keeps trees: 0 for a file with no blocks
 * yet, head + 1 for a file that already has blocks (whether they have rows or not is not known, so
 * none of them is claimed to). A rewind below it lowers it, since every block committed after the
 * rewind is written with its trees.
 */
import type Database from 'better-sqlite3';

/** The meta key holding the height, as decimal text (like `head`). */
export const TREES_FROM_KEY = 'treesFrom';

/** The recorded height, or undefined for a file no tree-keeping build has opened (or no meta table). */
export function readTreesFrom(db: Database.Database): number | undefined {
  const hasMeta = db
    .prepare<[], number>("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
    .pluck()
    .get();
  if (hasMeta === undefined) return undefined;
  const row = db
    .prepare<[string], { value: Buffer }>('SELECT value FROM meta WHERE key = ?')
    .get(TREES_FROM_KEY);
  if (!row) return undefined;
  const n = Number(row.value.toString('utf8'));
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function write(db: Database.Database, height: number): void {
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(
    TREES_FROM_KEY,
    Buffer.from(String(height), 'utf8'),
  );
}

/** Record the marker on a file that has none (GroupStore's constructor, after the schema). */
export function ensureTreesFrom(db: Database.Database): number {
  const known = readTreesFrom(db);
  if (known !== undefined) return known;
  const head = db.prepare<[], number | null>('SELECT max(height) FROM blocks').pluck().get() ?? null;
  const from = head === null ? 0 : head + 1;
  write(db, from);
  return from;
}

/** After a rewind to `height`: the blocks above it will be written again, with their trees. */
export function lowerTreesFrom(db: Database.Database, height: number): void {
  const known = readTreesFrom(db);
  if (known !== undefined && known > height + 1) write(db, height + 1);
}
