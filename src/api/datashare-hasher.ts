import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The grantee's digest of a delivery, computed while it arrives. For a large delivery the hash
 * runs in a worker thread, so it overlaps the network and the decryption instead of adding to
 * them (SM3 at about 350 MB/s of CPU time is the larger cost of an SM2-chain delivery once SM4 is
 * fast). Pieces are copied into 1 MiB blocks and transferred (no shared memory, so the bytes the
 * caller gets back are an ordinary buffer). Small deliveries, a missing compiled worker (tests run
 * from .ts sources) or a worker that fails all hash on the calling thread — the same digest.
 */

const WORKER_URL = new URL('./datashare-hash-worker.js', import.meta.url);
/** Below this size a worker's start-up costs more than it saves. */
export const PARALLEL_HASH_MIN_BYTES = 8 << 20;
const BLOCK = 1 << 20;

export interface StreamHasher {
  update(piece: Uint8Array): void;
  /** The hex digest; `all` is every byte given to `update`, for the fallback. */
  digest(all: Uint8Array): Promise<string>;
  /** Stop (the delivery failed): the worker, if any, is ended. */
  abort(): void;
}

function inline(algorithm: string): StreamHasher {
  const h = createHash(algorithm);
  return { update: (p) => h.update(p), digest: async () => h.digest('hex'), abort: () => undefined };
}

/** A hasher for a delivery of `size` bytes (in a worker when it is large enough). */
export function deliveryHasher(algorithm: string, size: number): StreamHasher {
  const path = fileURLToPath(WORKER_URL);
  if (size < PARALLEL_HASH_MIN_BYTES || !existsSync(path)) return inline(algorithm);
  let failed = false;
  let worker: Worker;
  try {
    worker = new Worker(path, { workerData: { algorithm } });
    // Never what keeps a process alive (a grantee that gave up on a delivery exits).
    worker.unref();
  } catch {
    return inline(algorithm);
  }
  const answer = new Promise<string | undefined>((resolve) => {
    worker.once('message', (hex: string) => resolve(hex));
    worker.once('error', () => {
      failed = true;
      resolve(undefined);
    });
    worker.once('exit', () => resolve(undefined));
  });
  let block = new Uint8Array(BLOCK);
  let used = 0;
  const flush = () => {
    if (used === 0 || failed) return;
    const ab = block.buffer.slice(0, used);
    worker.postMessage(ab, [ab]);
    used = 0;
  };
  return {
    update(p) {
      for (let at = 0; at < p.length && !failed; ) {
        const n = Math.min(BLOCK - used, p.length - at);
        block.set(p.subarray(at, at + n), used);
        used += n;
        at += n;
        if (used === BLOCK) {
          flush();
          block = new Uint8Array(BLOCK);
        }
      }
    },
    async digest(all) {
      flush();
      if (!failed) worker.postMessage('done');
      const hex = failed ? undefined : await answer;
      await worker.terminate();
      return hex ?? createHash(algorithm).update(all).digest('hex');
    },
    abort() {
      failed = true;
      void worker.terminate();
    },
  };
}
