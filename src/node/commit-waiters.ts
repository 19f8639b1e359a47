import { GongzhiError } from '../errors/index.js';
import type { Receipt } from '../ledger/index.js';

/** A committed transaction's outcome. */
export interface CommitInfo {
  readonly hash: string;
  readonly height: number;
  readonly index: number;
  readonly receipt: Receipt;
}

/** Default bound on the waits in flight per group: as many as a full default mempool has transactions. */
export const DEFAULT_MAX_COMMIT_WAITERS = 100_000;

interface Waiter {
  readonly resolve: (c: CommitInfo) => void;
  readonly reject: (e: GongzhiError) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The `?wait=commit` waits of one group: each is a transaction hash with a deadline, answered by the
 * ledger after the block holding it is committed to disk (so an acknowledged transaction is stored),
 * rejected when the transaction is dropped or the node stops. Bounded, so waiting clients cannot
 * grow the node's memory without limit.
 */
export class CommitWaiters {
  private readonly byHash = new Map<string, Set<Waiter>>();
  private count = 0;
  private closed = false;

  constructor(private readonly max = DEFAULT_MAX_COMMIT_WAITERS) {}

  /** Waits in flight. */
  get size(): number {
    return this.count;
  }

  /** Resolve with the commit of `hashHex`; NODE_TIMEOUT after `timeoutMs`. */
  wait(hashHex: string, timeoutMs: number): Promise<CommitInfo> {
    if (this.closed) {
      return Promise.reject(
        new GongzhiError('NODE_SHUTTING_DOWN', 'node stopped before commit', { hash: hashHex }),
      );
    }
    if (this.count >= this.max) {
      // Not MEMPOOL_FULL: the transaction is admitted, and a client that rebuilt it would send it twice.
      return Promise.reject(
        new GongzhiError('NODE_TIMEOUT', 'too many commit waits in flight; look the transaction up by hash', {
          hash: hashHex,
          limit: this.max,
        }),
      );
    }
    return new Promise<CommitInfo>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.forget(hashHex, waiter);
          reject(
            new GongzhiError('NODE_TIMEOUT', 'transaction not committed within the wait time', {
              hash: hashHex,
            }),
          );
        }, timeoutMs),
      };
      let set = this.byHash.get(hashHex);
      if (!set) {
        set = new Set();
        this.byHash.set(hashHex, set);
      }
      set.add(waiter);
      this.count++;
    });
  }

  /** Answer every wait on `hashHex` with its commit. */
  resolve(hashHex: string, info: CommitInfo): void {
    for (const w of this.takeAll(hashHex)) w.resolve(info);
  }

  /** Fail every wait on `hashHex` (the transaction was dropped or cannot be ordered). */
  reject(hashHex: string, err: GongzhiError): void {
    for (const w of this.takeAll(hashHex)) w.reject(err);
  }

  /** Fail every wait with NODE_SHUTTING_DOWN, and any later one at once. */
  close(): void {
    this.closed = true;
    for (const hex of [...this.byHash.keys()]) {
      this.reject(hex, new GongzhiError('NODE_SHUTTING_DOWN', 'node stopped before commit', { hash: hex }));
    }
  }

  private takeAll(hashHex: string): Set<Waiter> {
    const set = this.byHash.get(hashHex);
    if (!set) return new Set();
    this.byHash.delete(hashHex);
    this.count -= set.size;
    for (const w of set) clearTimeout(w.timer);
    return set;
  }

  private forget(hashHex: string, w: Waiter): void {
    const set = this.byHash.get(hashHex);
    if (!set?.delete(w)) return;
    this.count--;
    if (set.size === 0) this.byHash.delete(hashHex);
  }
}
