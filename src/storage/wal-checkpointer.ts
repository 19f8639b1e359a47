import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { CheckpointWorkerData } from './wal-checkpoint-protocol.js';

/** Compiled worker entry, next to this module in dist/. Absent when running from .ts sources. */
const WORKER_URL = new URL('./wal-checkpoint-worker.js', import.meta.url);

/** How often the worker copies committed WAL frames into the database. */
export const CHECKPOINT_INTERVAL_MS = 50;

/**
 * The writer's own automatic checkpoint while the worker runs: only a bound on the WAL (64 MiB of
 * 4 KiB pages) should the worker fall behind. SQLite's default, 1,000 pages, is restored if the
 * worker stops.
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 16_384;
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

/**
 * Moves WAL checkpoints off the committing thread. With `synchronous=FULL` a block's commit is
 * durable once its WAL frames are synced; copying those frames into the database file later (the
 * checkpoint) is housekeeping, which SQLite otherwise does inside whichever commit crosses 1,000
 * WAL pages — on the node's main thread, between two blocks. Here a worker thread with its own
 * connection does it every CHECKPOINT_INTERVAL_MS. Nothing about durability changes: a crash in a
 * checkpoint is recovered from the WAL at the next open, as before.
 */
export class WalCheckpointer {
  private stopped = false;

  private constructor(
    db: Database.Database,
    private readonly worker: Worker,
  ) {
    worker.unref();
    // A worker that fails or exits hands checkpoints back to the writer.
    const fallback = () => {
      if (!this.stopped && db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
      this.stopped = true;
    };
    worker.on('message', fallback);
    worker.on('error', fallback);
    worker.on('exit', fallback);
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  }

  /**
   * A checkpointer for the file `db` writes, or undefined where none can run (an in-memory
   * database, or sources not compiled: the writer then checkpoints as SQLite does by default).
   */
  static start(db: Database.Database, path: string): WalCheckpointer | undefined {
    if (path === ':memory:' || !existsSync(fileURLToPath(WORKER_URL))) return undefined;
    const workerData: CheckpointWorkerData = { path, intervalMs: CHECKPOINT_INTERVAL_MS };
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL, { workerData });
    } catch {
      return undefined;
    }
    return new WalCheckpointer(db, worker);
  }

  /** True while the worker does the checkpoints. */
  get running(): boolean {
    return !this.stopped;
  }

  /**
   * Stop the worker (it closes its connection first when it can). Synchronous and bounded: the
   * thread is terminated without waiting; the writer's close then checkpoints what is left.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.worker.postMessage('stop');
    void this.worker.terminate();
  }
}
