import type Database from 'better-sqlite3';

/**
 * Every key's current value in key order: the latest write of each key, keys whose latest write is a
 * deletion left out. One pass over the (key, height) primary key; SQLite takes a bare column of a
 * `max()` aggregate from the row holding the maximum.
 */
export function* iterateCurrentState(db: Database.Database): Generator<{ key: string; value: Buffer }> {
  const rows = db.prepare<[], { key: string; value: Buffer | null; height: number }>(
    'SELECT key, value, max(height) AS height FROM state_writes GROUP BY key ORDER BY key',
  );
  for (const r of rows.iterate()) if (r.value !== null) yield { key: r.key, value: r.value };
}
