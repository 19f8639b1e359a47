import type { CandidateTx } from '../execution/index.js';
import type { BatchSink, OrderedSink, Orderer, OrderingHealth } from './orderer.js';

export interface SoloOrdererOptions {
  /** Cut at most this long after the first queued transaction. */
  readonly blockIntervalMs: () => number;
  /** Cut as soon as this many transactions are queued. */
  readonly maxBlockTxs: () => number;
  /** Clock, injectable for tests. */
  readonly now?: () => number;
  /**
   * Cut as soon as transactions arrive while no block is in flight (the transactions of the same
   * tick go together). Under load, blocks then follow each other back to back and batch whatever
   * queued meanwhile; at low load a transaction does not wait for the timer. Default false.
   */
  readonly cutWhenIdle?: boolean;
}

/**
 * In-process orderer for the embedded single-node mode: batches by size and by time, never cuts
 * an empty block, delivers one batch at a time and stamps blocks with a strictly increasing time.
 */
export class SoloOrderer implements Orderer {
  private queue: CandidateTx[] = [];
  private sink: BatchSink | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private inFlight: Promise<void> | undefined;
  private lastTimestamp = 0;
  private stopped = false;
  private readonly now: () => number;
  private onOrdered: OrderedSink | undefined;

  constructor(private readonly opts: SoloOrdererOptions) {
    this.now = opts.now ?? Date.now;
  }

  get pending(): number {
    return this.queue.length;
  }

  start(sink: BatchSink, lastTimestamp: number, _onDrop?: unknown, onOrdered?: OrderedSink): void {
    this.sink = sink;
    this.onOrdered = onOrdered;
    this.lastTimestamp = lastTimestamp;
    this.schedule();
  }

  submit(txs: readonly CandidateTx[]): void {
    for (const t of txs) this.queue.push(t);
    // In process, queued is ordered: nothing between here and the block can lose it.
    this.onOrdered?.(txs);
    this.schedule();
  }

  health(): OrderingHealth {
    return { reachable: true, lastOkAt: this.now() };
  }

  private schedule(): void {
    if (this.stopped || !this.sink || this.inFlight || this.queue.length === 0) return;
    if (this.queue.length >= this.opts.maxBlockTxs()) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      setImmediate(() => this.cut());
      return;
    }
    if (this.opts.cutWhenIdle === true) {
      if (!this.immediate) {
        this.immediate = setImmediate(() => {
          this.immediate = undefined;
          this.cut();
        });
      }
      return;
    }
    if (!this.timer) this.timer = setTimeout(() => this.cut(), this.opts.blockIntervalMs());
  }

  private cut(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // A cut scheduled before stop() must not deliver afterwards: the consumer may be closed.
    if (this.stopped || this.inFlight || !this.sink || this.queue.length === 0) return;
    const max = this.opts.maxBlockTxs();
    const txs = this.queue.length <= max ? this.queue : this.queue.slice(0, max);
    this.queue = this.queue.length <= max ? [] : this.queue.slice(max);
    const timestamp = Math.max(this.now(), this.lastTimestamp + 1);
    this.lastTimestamp = timestamp;
    const sink = this.sink;
    this.inFlight = (async () => {
      try {
        await sink({ txs, timestamp, order: {} });
      } finally {
        this.inFlight = undefined;
        this.schedule();
      }
    })();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    if (this.inFlight) await this.inFlight.catch(() => undefined);
    // Flush what is queued so accepted transactions are not left waiting.
    while (!this.stopped && this.queue.length > 0 && this.sink) {
      this.cut();
      if (this.inFlight) await (this.inFlight as Promise<void>).catch(() => undefined);
    }
    this.stopped = true;
  }
}
