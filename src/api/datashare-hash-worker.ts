/**
 * Worker entry of ./datashare-hasher.ts: hashes the plaintext pieces of a delivery as they are
 * transferred to it, then answers the hex digest. Compiled to dist/api/datashare-hash-worker.js.
 */
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const h = createHash((workerData as { algorithm: string }).algorithm);
parentPort?.on('message', (m: ArrayBuffer | 'done') => {
  if (m === 'done') parentPort?.postMessage(h.digest('hex'));
  else h.update(new Uint8Array(m));
});
