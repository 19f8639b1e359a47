import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GongzhiError, isGongzhiError } from '../errors/index.js';
import { type CallRequest, type CallResponse, callEach } from './pool-call.js';
import type { SuiteId } from './suite.js';
import { getSuite } from './suites.js';
import { encodeBatch, type VerifyItem, type VerifyResponse, verifyItems } from './verify-batch.js';

export type { VerifyItem } from './verify-batch.js';

/** Compiled worker entry, next to this module in dist/. Absent when running from .ts sources. */
const WORKER_URL = new URL('./verify-worker.js', import.meta.url);

// Below this many items per worker, splitting costs more in messaging than it saves.
const MIN_CHUNK = 16;

interface Task {
  readonly resolve: (results: Uint8Array | readonly unknown[]) => void;
  readonly reject: (e: unknown) => void;
  readonly items: number;
}

interface Slot {
  worker: Worker;
  readonly tasks: Map<number, Task>;
  load: number;
}

function unavailable(message: string, cause?: unknown): GongzhiError {
  return new GongzhiError(
    'CRYPTO_WORKER_UNAVAILABLE',
    message,
    { worker: fileURLToPath(WORKER_URL) },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Verifies signature batches on worker threads. Each batch is split across the workers and
 * every chunk travels as one transferred ArrayBuffer. Size 0 verifies inline on the caller's
 * thread. Workers are unref'ed while idle, so a forgotten pool does not keep the process alive;
 * call close() to release them.
 */
export class VerifyPool {
  readonly size: number;
  readonly #slots: Slot[] = [];
  readonly #inflight = new Set<Promise<unknown>>();
  #nextId = 1;
  #closed = false;

  /**
   * @param size number of worker threads; 0 = inline verification.
   * Throws CRYPTO_WORKER_UNAVAILABLE when size > 0 but the compiled worker (dist/crypto/verify-worker.js)
   * does not exist, e.g. under vitest running .ts sources; callers then fall back to size 0.
   */
  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 0 || size > 256) {
      throw new GongzhiError('CONFIG_INVALID', 'verify pool size must be an integer in [0, 256]', { size });
    }
    if (size > 0 && !existsSync(fileURLToPath(WORKER_URL))) {
      throw unavailable('verify worker not built: run `npm run build` or use a pool of size 0');
    }
    this.size = size;
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn());
  }

  /** A pool of `size` workers, or an inline pool (size 0) when the worker is unavailable. */
  static withFallback(size: number): VerifyPool {
    try {
      return new VerifyPool(size);
    } catch (e) {
      if (isGongzhiError(e, 'CRYPTO_WORKER_UNAVAILABLE')) return new VerifyPool(0);
      throw e;
    }
  }

  #spawn(): Slot {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL);
    } catch (e) {
      throw unavailable('cannot start verify worker', e);
    }
    const slot: Slot = { worker, tasks: new Map(), load: 0 };
    worker.unref();
    worker.on('message', (res: VerifyResponse | CallResponse) => {
      const task = slot.tasks.get(res.id);
      if (task === undefined) return;
      this.#settled(slot, res.id, task);
      if (!res.ok) task.reject(unavailable(`verify worker failed: ${res.message}`));
      else task.resolve('outputs' in res ? res.outputs : new Uint8Array(res.results));
    });
    worker.on('error', (e) => this.#failSlot(slot, e));
    worker.on('exit', () => {
      this.#failSlot(slot, undefined);
      // Replace a crashed worker so the pool keeps its size.
      const i = this.#slots.indexOf(slot);
      if (!this.#closed && i >= 0) {
        try {
          this.#slots[i] = this.#spawn();
        } catch {
          this.#slots.splice(i, 1);
        }
      }
    });
    return slot;
  }

  #settled(slot: Slot, id: number, task: Task): void {
    slot.tasks.delete(id);
    slot.load -= task.items;
    if (slot.tasks.size === 0) slot.worker.unref();
  }

  #failSlot(slot: Slot, cause: unknown): void {
    for (const [id, task] of slot.tasks) {
      this.#settled(slot, id, task);
      task.reject(unavailable('verify worker exited', cause));
    }
  }

  /** Post one message to the least-loaded worker; `items` counts toward its load. */
  #post<T>(items: number, message: (id: number) => object, transfer: ArrayBuffer[] = []): Promise<T> {
    let slot: Slot | undefined;
    for (const s of this.#slots) if (slot === undefined || s.load < slot.load) slot = s;
    if (slot === undefined) return Promise.reject(unavailable('no verify workers left'));
    const target = slot;
    const id = this.#nextId++;
    const p = new Promise<T>((resolve, reject) => {
      target.tasks.set(id, { resolve: resolve as (v: unknown) => void, reject, items });
    });
    target.load += items;
    target.worker.ref();
    target.worker.postMessage(message(id), transfer);
    this.#inflight.add(p);
    const forget = () => this.#inflight.delete(p);
    p.then(forget, forget);
    return p;
  }

  #run(suite: SuiteId, items: readonly VerifyItem[], start: number, end: number): Promise<Uint8Array> {
    const buf = encodeBatch(items, start, end);
    return this.#post<Uint8Array>(end - start, (id) => ({ id, suite, buf }), [buf]);
  }

  /**
   * `entry`'s export `fn` applied to each input on the workers (chunks spread over them; a pool
   * of size 0 runs them here). The inputs and outputs are structured-cloned. `fn` reports per
   * input; a throw rejects the whole call (CRYPTO_WORKER_UNAVAILABLE), so callers can retry inline.
   */
  async callEach(entry: URL, fn: string, inputs: readonly unknown[]): Promise<unknown[]> {
    if (this.#closed) throw unavailable('verify pool is closed');
    if (inputs.length === 0) return [];
    if (this.size === 0) return callEach(entry.href, fn, inputs);
    const chunks = Math.max(1, Math.min(this.#slots.length, inputs.length));
    const per = Math.ceil(inputs.length / chunks);
    const parts: Promise<readonly unknown[]>[] = [];
    for (let start = 0; start < inputs.length; start += per) {
      const part = inputs.slice(start, start + per);
      const call: CallRequest['call'] = { entry: entry.href, fn, inputs: part };
      parts.push(this.#post<readonly unknown[]>(part.length, (id) => ({ id, call })));
    }
    return (await Promise.all(parts)).flat();
  }

  /**
   * Verify every item; result i is true iff signature i is valid. Malformed keys or
   * signatures are simply false. Unknown suite → CRYPTO_UNKNOWN_SUITE.
   */
  async verifyBatch(suite: SuiteId, items: readonly VerifyItem[]): Promise<boolean[]> {
    const impl = getSuite(suite);
    if (this.#closed) throw unavailable('verify pool is closed');
    if (items.length === 0) return [];
    if (this.size === 0) return Array.from(verifyItems(impl, items), (v) => v === 1);
    const chunks = Math.max(1, Math.min(this.#slots.length, Math.ceil(items.length / MIN_CHUNK)));
    const per = Math.ceil(items.length / chunks);
    const parts: Promise<Uint8Array>[] = [];
    for (let start = 0; start < items.length; start += per) {
      parts.push(this.#run(suite, items, start, Math.min(items.length, start + per)));
    }
    const results = await Promise.all(parts);
    const out: boolean[] = [];
    for (const r of results) for (const v of r) out.push(v === 1);
    return out;
  }

  /** Wait for in-flight batches, then stop the workers. Later verifyBatch calls reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inflight]);
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
    this.#slots.length = 0;
  }
}
