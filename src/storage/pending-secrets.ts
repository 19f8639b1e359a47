import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The pending one-time secrets of a node's OpenID4VCI / OpenID4VP endpoints (pre-authorised
 * codes, redeemed-code markers, access tokens, c_nonces, presentation requests), off the ledger:
 * one SQLite file per node beside the groups' files (`<data>/openid-pending.sqlite`), WAL with
 * `synchronous=FULL` like the ledger, so a restart loses no pending offer and a redeemed code or
 * used nonce stays used. Each row is keyed by the SHA-256 of its secret: reading the file gives
 * no code or token that the endpoints would accept. Values are JSON strings the caller owns.
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS pending (
  kind TEXT NOT NULL,
  key BLOB NOT NULL,
  value TEXT NOT NULL,
  exp INTEGER NOT NULL,
  PRIMARY KEY (kind, key)
);
CREATE INDEX IF NOT EXISTS pending_by_exp ON pending (kind, exp);
`;

/** The file a node keeps its pending OpenID secrets in. */
export const PENDING_SECRETS_FILE = 'openid-pending.sqlite';

const keyOf = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

export class PendingSecretStore {
  private readonly purge: Database.Statement;
  private readonly count: Database.Statement;
  private readonly dropOldest: Database.Statement;
  private readonly putStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly takeStmt: Database.Statement;
  private readonly updateStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;

  private constructor(private readonly db: Database.Database) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    this.purge = db.prepare('DELETE FROM pending WHERE kind = ? AND exp <= ?');
    this.count = db.prepare('SELECT COUNT(*) AS n FROM pending WHERE kind = ?');
    this.dropOldest = db.prepare(
      'DELETE FROM pending WHERE rowid = (SELECT rowid FROM pending WHERE kind = ? ORDER BY exp, rowid LIMIT 1)',
    );
    this.putStmt = db.prepare('INSERT OR REPLACE INTO pending (kind, key, value, exp) VALUES (?, ?, ?, ?)');
    this.getStmt = db.prepare('SELECT value, exp FROM pending WHERE kind = ? AND key = ?');
    // One statement: two callers can never both take the same secret.
    this.takeStmt = db.prepare('DELETE FROM pending WHERE kind = ? AND key = ? RETURNING value, exp');
    this.updateStmt = db.prepare('UPDATE pending SET value = ? WHERE kind = ? AND key = ?');
    this.deleteStmt = db.prepare('DELETE FROM pending WHERE kind = ? AND key = ?');
  }

  /** Open (creating) the store at `path`. */
  static open(path: string): PendingSecretStore {
    mkdirSync(dirname(path), { recursive: true });
    return new PendingSecretStore(new Database(path));
  }

  /** Keep `value` until `exp` (seconds); at most `max` live rows of a kind, the soonest to expire dropped first. */
  put(kind: string, key: string, value: string, exp: number, max: number, now: number): void {
    this.db.transaction(() => {
      this.purge.run(kind, now);
      if ((this.count.get(kind) as { n: number }).n >= max) this.dropOldest.run(kind);
      this.putStmt.run(kind, keyOf(key), value, exp);
    })();
  }

  /** The live value, or undefined (unknown or expired). */
  get(kind: string, key: string, now: number): string | undefined {
    const r = this.getStmt.get(kind, keyOf(key)) as { value: string; exp: number } | undefined;
    return r === undefined || r.exp <= now ? undefined : r.value;
  }

  /** Take the live value once: the row is gone afterwards, whether it was live or not. */
  take(kind: string, key: string, now: number): string | undefined {
    const r = this.takeStmt.get(kind, keyOf(key)) as { value: string; exp: number } | undefined;
    return r === undefined || r.exp <= now ? undefined : r.value;
  }

  /** Replace a row's value, keeping its expiry; false when there is no such row. */
  update(kind: string, key: string, value: string): boolean {
    return this.updateStmt.run(value, kind, keyOf(key)).changes === 1;
  }

  delete(kind: string, key: string): void {
    this.deleteStmt.run(kind, keyOf(key));
  }

  /** Run `fn` as one SQLite transaction (a code's redemption and its marker land together). */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
