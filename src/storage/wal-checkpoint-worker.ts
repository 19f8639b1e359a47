import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { isCheckpointWorkerData } from './wal-checkpoint-protocol.js';

/**
 * Worker entry of WalCheckpointer (compiled to dist/storage/wal-checkpoint-worker.js): its own
 * connection to the group's file copies committed WAL frames into the database (a PASSIVE
 * checkpoint, which never blocks the writer) off the node's main thread. Imported outside a
 * worker it does nothing.
 */
if (parentPort !== null && isCheckpointWorkerData(workerData)) {
  const port = parentPort;
  const db = new Database(workerData.path, { fileMustExist: true });
  const timer = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (e) {
      // SQLITE_BUSY: another checkpoint is running (the writer's fallback); try again next tick.
      if ((e as { code?: string }).code !== 'SQLITE_BUSY') {
        clearInterval(timer);
        port.postMessage({ failed: e instanceof Error ? e.message : String(e) });
        db.close();
        port.close();
      }
    }
  }, workerData.intervalMs);
  port.on('message', (m: unknown) => {
    if (m !== 'stop') return;
    clearInterval(timer);
    if (db.open) db.close();
    port.close();
  });
}
