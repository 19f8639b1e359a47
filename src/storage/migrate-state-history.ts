import type Database from 'better-sqlite3';
import { stateWritesTable } from './schema.js';

/**
 * Turn a version-1 file into version 2 before the schema is applied: the write history moves into
 * the clustered (key, height) table and the table of current values goes (it held nothing the history
 * does not: every block wrote both in one transaction). One SQLite transaction, so a crash leaves the
 * file as it was and the next open migrates it again. Returns true when the file was migrated;
 * `onStart` is told first (the node logs it: a big file takes a while).
 * Time grows with the history's size (one ordered copy); it runs once per file.
 */
export function migrateStateHistory(
  db: Database.Database,
  onStart?: (from: number, to: number) => void,
): boolean {
  // The recorded version decides, not the tables present: a version-2 file opened once by an older
  // build (which creates its empty `state` table before it refuses the version) must not be copied again.
  const hasMeta = db
    .prepare<[], number>("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
    .pluck()
    .get();
  if (hasMeta !== 1) return false;
  const version = db.prepare<[], Buffer>("SELECT value FROM meta WHERE key = 'schemaVersion'").pluck().get();
  if (version === undefined || version.toString() !== '1') return false;
  onStart?.(1, 2);
  db.transaction(() => {
    db.exec(stateWritesTable('state_writes_v2'));
    db.exec(
      'INSERT INTO state_writes_v2 (key, height, value) SELECT key, height, value FROM state_writes ORDER BY key, height',
    );
    db.exec('DROP TABLE state_writes');
    db.exec('DROP TABLE IF EXISTS state');
    db.exec('ALTER TABLE state_writes_v2 RENAME TO state_writes');
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schemaVersion'").run(Buffer.from('2'));
  })();
  return true;
}
