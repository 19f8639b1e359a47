/**
 * Schema version written to meta; bump with a migration when tables change. Version 2 keeps state
 * only as its write history (migrate-state-history.ts turns a version-1 file into one).
 */
export const SCHEMA_VERSION = 2;

/** The layout of the state history since version 2 (here and in the version-1 migration). */
export function stateWritesTable(name: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (
  key TEXT NOT NULL,
  height INTEGER NOT NULL,
  value BLOB,
  PRIMARY KEY (key, height)
) WITHOUT ROWID;`;
}

/**
 * One SQLite file per group: the group's ledger, state and indexes, nothing of any other group.
 * Rows with large blobs live in rowid tables with separate indexes: block commits measured 3× faster
 * than with WITHOUT ROWID tables keyed by random hashes.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS blocks (
  height INTEGER PRIMARY KEY,
  hash BLOB NOT NULL UNIQUE,
  header BLOB NOT NULL,
  signatures BLOB NOT NULL,
  timestamp INTEGER NOT NULL,
  tx_count INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS txs (
  hash BLOB NOT NULL,
  height INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  sender TEXT NOT NULL,
  module TEXT NOT NULL,
  method TEXT NOT NULL,
  status TEXT NOT NULL,
  tx BLOB NOT NULL,
  receipt BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS txs_by_hash ON txs (hash);
CREATE UNIQUE INDEX IF NOT EXISTS txs_by_position ON txs (height, idx);
-- A sender's or a module's transactions newest first, a page at a time: (height, idx) in the index
-- so the page is read in index order, never sorted (the first indexes, (sender, height) and
-- (module, method, height), made SQLite sort every row of a module to return one page). Replaced in
-- place: a file from before gets the new indexes once, when it is first opened.
DROP INDEX IF EXISTS txs_by_sender;
DROP INDEX IF EXISTS txs_by_module;
CREATE INDEX IF NOT EXISTS txs_by_sender_position ON txs (sender, height, idx);
CREATE INDEX IF NOT EXISTS txs_by_module_position ON txs (module, height, idx);

-- Each block's tx and receipt Merkle trees (src/ledger/merkle-tree.ts), so that a transaction's
-- inclusion proof reads one row, not every transaction of its block. Derived data, written with the
-- block; a block committed before this table existed has no row, and its proofs are rebuilt from
-- its transactions. A new table, not a change of one: the schema version stays.
CREATE TABLE IF NOT EXISTS block_trees (
  height INTEGER PRIMARY KEY,
  tx_tree BLOB NOT NULL,
  receipt_tree BLOB NOT NULL
);

-- State is its write history alone: one row per key a block wrote, clustered by (key, height), the
-- value NULL where the block deleted the key. A key's current value is its row of greatest height,
-- one B-tree descent; its value after block h is the greatest at or below h. Version 1 kept the
-- current values in a second table as well (a rowid table with its key index, and the history
-- with a separate (key, height) index): four copies of every key and three B-trees with random
-- keys touched per write. A storage micro-benchmark with 3 million keys spent about half the
-- commit CPU and less than half the disk with this table alone (docs/performance.md).
${stateWritesTable('state_writes')}
-- The writes of a height (the start-up check reads the head's, a rewind deletes those above a
-- height) without a scan of the whole history; appended in height order, so cheap to keep.
CREATE INDEX IF NOT EXISTS state_writes_by_height ON state_writes (height);
-- What a version-1 build adds to a version-2 file before it refuses the version: an empty table of
-- current values and a (key, height) index that copies this table's key (and would slow every write).
DROP INDEX IF EXISTS state_writes_by_key;
DROP TABLE IF EXISTS state;

CREATE TABLE IF NOT EXISTS nonces (
  sender TEXT NOT NULL,
  nonce TEXT NOT NULL,
  valid_until INTEGER NOT NULL,
  PRIMARY KEY (sender, nonce)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS nonces_by_expiry ON nonces (valid_until);
`;
