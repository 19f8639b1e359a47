import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The full EPCIS event documents a recording organisation's node keeps off the ledger (the ledger
 * has only their summaries and canonical hashes). One SQLite file per node, beside the groups'
 * files (`<data>/trace-events.sqlite`), WAL with `synchronous=FULL` like the ledger: a document
 * is on disk before the node reports it stored. Anyone served a document re-hashes it against
 * the ledger, so the store needs no integrity of its own.
 */

/** A stored event document. */
export interface StoredTraceEvent {
  readonly group: string;
  /** Hex SHA-256 digest of the canonical pre-hash string (the ledger's `trace.record` hash). */
  readonly hash: string;
  /** The event as JSON-LD, with the `@context` of the document it came in. */
  readonly event: Record<string, unknown>;
  /** Document-level ignoreFields it was hashed with (usually none). */
  readonly ignore: readonly string[];
  readonly height: number;
  /** Hex hash of the `trace.record` transaction. */
  readonly tx: string;
  readonly storedAt: number;
}

interface Row {
  grp: string;
  hash: string;
  event: string;
  ignore_fields: string;
  height: number;
  tx: string;
  stored_at: number;
}

const COLUMNS = `
  grp TEXT NOT NULL,
  hash TEXT NOT NULL,
  event TEXT NOT NULL,
  ignore_fields TEXT NOT NULL,
  height INTEGER NOT NULL,
  tx TEXT NOT NULL,
  stored_at INTEGER NOT NULL`;

/**
 * A rowid table with a unique index on (group, hash). The first layout was a WITHOUT ROWID table
 * keyed by (group, hash): an event document (~1.3 KB) is larger than what such a table keeps in a
 * 4 KiB page (about 1 KB), so every row spilled into an overflow page of its own — measured at
 * 200,000 documents: a 938 MB file against 292 MB, and a point read of 42 µs against 13 µs, the
 * gap growing with the store (the resolver reads one document per event of a trace).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS trace_events (${COLUMNS}
);
CREATE UNIQUE INDEX IF NOT EXISTS trace_events_by_hash ON trace_events (grp, hash);
`;

/** A file in the first layout is copied into the current one once, when it is first opened. */
function migrate(db: Database.Database): void {
  const row = db
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'trace_events'")
    .get() as { sql: string } | undefined;
  if (row === undefined || !/WITHOUT\s+ROWID/i.test(row.sql)) return;
  db.transaction(() => {
    db.exec(`CREATE TABLE trace_events_rowid (${COLUMNS}
    );
    INSERT INTO trace_events_rowid SELECT grp, hash, event, ignore_fields, height, tx, stored_at FROM trace_events;
    DROP TABLE trace_events;
    ALTER TABLE trace_events_rowid RENAME TO trace_events;`);
  })();
}

/** The file a node keeps its trace documents in. */
export const TRACE_DOCUMENTS_FILE = 'trace-events.sqlite';

export class TraceDocumentStore {
  private readonly putStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly textStmt: Database.Statement;
  private readonly countStmt: Database.Statement;
  private readonly dataVersion: Database.Statement;
  /** Puts through this connection (SQLite's data_version counts only the others' commits). */
  private puts = 0;

  private constructor(private readonly db: Database.Database) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    migrate(db);
    db.exec(SCHEMA);
    this.putStmt = db.prepare(
      `INSERT OR REPLACE INTO trace_events (grp, hash, event, ignore_fields, height, tx, stored_at)
       VALUES (@grp, @hash, @event, @ignore_fields, @height, @tx, @stored_at)`,
    );
    this.getStmt = db.prepare('SELECT * FROM trace_events WHERE grp = ? AND hash = ?');
    this.textStmt = db.prepare('SELECT event, ignore_fields FROM trace_events WHERE grp = ? AND hash = ?');
    this.countStmt = db.prepare('SELECT COUNT(*) AS n FROM trace_events WHERE grp = ?');
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  /**
   * A stamp that changes whenever any document may have changed: a put through this store, or a
   * commit by any other connection to the file (another store object, another process, a
   * hand-edited row) — SQLite's `data_version`. While it is the same, every stored text is too.
   */
  version(): string {
    return `${String(this.dataVersion.get())}:${this.puts}`;
  }

  /** Open (creating) the store at `path`. */
  static open(path: string): TraceDocumentStore {
    mkdirSync(dirname(path), { recursive: true });
    return new TraceDocumentStore(new Database(path));
  }

  /** Keep documents (one SQLite transaction for all). */
  put(docs: readonly Omit<StoredTraceEvent, 'storedAt'>[], now = Date.now()): void {
    const tx = this.db.transaction((list: readonly Omit<StoredTraceEvent, 'storedAt'>[]) => {
      for (const d of list) {
        this.putStmt.run({
          grp: d.group,
          hash: d.hash,
          event: JSON.stringify(d.event),
          ignore_fields: JSON.stringify(d.ignore),
          height: d.height,
          tx: d.tx,
          stored_at: now,
        });
      }
    });
    this.puts++;
    tx(docs);
  }

  get(group: string, hash: string): StoredTraceEvent | undefined {
    const r = this.getStmt.get(group, hash) as Row | undefined;
    if (r === undefined) return undefined;
    return {
      group: r.grp,
      hash: r.hash,
      event: JSON.parse(r.event) as Record<string, unknown>,
      ignore: JSON.parse(r.ignore_fields) as string[],
      height: r.height,
      tx: r.tx,
      storedAt: r.stored_at,
    };
  }

  /**
   * The stored text of a document (event and ignore fields), unparsed: what a reader compares to
   * know the document it parsed and re-hashed before is still the one kept.
   */
  text(group: string, hash: string): string | undefined {
    const r = this.textStmt.get(group, hash) as Pick<Row, 'event' | 'ignore_fields'> | undefined;
    return r === undefined ? undefined : `${r.event}\n${r.ignore_fields}`;
  }

  count(group: string): number {
    return (this.countStmt.get(group) as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
