import { afterEach, describe, expect, it } from 'vitest';
import type { CandidateTx } from '../../src/execution/index.js';
import type { OrderedBatch } from '../../src/ordering/index.js';
import { SoloOrderer, type SoloOrdererOptions } from '../../src/ordering/index.js';

/** The orderer only moves candidates around, so a tagged fake is enough. */
function fakeTx(id: number): CandidateTx {
  return { id } as unknown as CandidateTx;
}
function ids(batch: OrderedBatch): number[] {
  return batch.txs.map((t) => (t as unknown as { id: number }).id);
}
function txs(from: number, count: number): CandidateTx[] {
  return Array.from({ length: count }, (_, i) => fakeTx(from + i));
}
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await sleep(2);
  }
}

const running: SoloOrderer[] = [];
function orderer(opts: Partial<SoloOrdererOptions> & { interval?: number; max?: number }): SoloOrderer {
  const o = new SoloOrderer({
    blockIntervalMs: opts.blockIntervalMs ?? (() => opts.interval ?? 20),
    maxBlockTxs: opts.maxBlockTxs ?? (() => opts.max ?? 100),
    ...(opts.now === undefined ? {} : { now: opts.now }),
    ...(opts.cutWhenIdle === undefined ? {} : { cutWhenIdle: opts.cutWhenIdle }),
  });
  running.push(o);
  return o;
}

/** A sink that records batches (and the time each arrived). */
function recorder(): { batches: OrderedBatch[]; at: number[]; sink: (b: OrderedBatch) => void } {
  const batches: OrderedBatch[] = [];
  const at: number[] = [];
  return {
    batches,
    at,
    sink: (b) => {
      batches.push(b);
      at.push(Date.now());
    },
  };
}

afterEach(async () => {
  for (const o of running.splice(0)) await o.stop();
});

describe('SoloOrderer', () => {
  it('cuts as soon as maxBlockTxs are queued, without waiting for the interval', async () => {
    const o = orderer({ interval: 10_000, max: 3 });
    const r = recorder();
    o.start(r.sink, 0);
    const t0 = Date.now();
    o.submit(txs(1, 3));
    await waitFor(() => r.batches.length === 1, 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(ids(r.batches[0] as OrderedBatch)).toEqual([1, 2, 3]);
    expect(o.pending).toBe(0);
  });

  it('splits a large submission into full batches and keeps the remainder queued', async () => {
    const o = orderer({ interval: 10_000, max: 3 });
    const r = recorder();
    o.start(r.sink, 0);
    o.submit(txs(1, 7));
    await waitFor(() => r.batches.length === 2, 1000);
    await sleep(40);
    expect(r.batches.map(ids)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(o.pending).toBe(1);
  });

  it('reaching maxBlockTxs through several submits also cuts at once', async () => {
    const o = orderer({ interval: 10_000, max: 4 });
    const r = recorder();
    o.start(r.sink, 0);
    o.submit(txs(1, 2));
    await sleep(30);
    expect(r.batches.length).toBe(0);
    o.submit(txs(3, 2));
    await waitFor(() => r.batches.length === 1, 1000);
    expect(ids(r.batches[0] as OrderedBatch)).toEqual([1, 2, 3, 4]);
  });

  it('otherwise cuts blockIntervalMs after the first queued transaction', async () => {
    const o = orderer({ interval: 40, max: 100 });
    const r = recorder();
    o.start(r.sink, 0);
    const t0 = Date.now();
    o.submit([fakeTx(1)]);
    await sleep(10);
    expect(r.batches.length).toBe(0);
    o.submit([fakeTx(2)]);
    await waitFor(() => r.batches.length === 1, 2000);
    // Not before the interval (allow 2 ms of timer rounding)...
    expect((r.at[0] as number) - t0).toBeGreaterThanOrEqual(38);
    expect(ids(r.batches[0] as OrderedBatch)).toEqual([1, 2]);
  });

  it('the interval is counted from the first transaction, not restarted by later ones', async () => {
    const o = orderer({ interval: 100, max: 100 });
    const r = recorder();
    o.start(r.sink, 0);
    const t0 = Date.now();
    o.submit([fakeTx(1)]);
    await sleep(75);
    o.submit([fakeTx(2)]);
    await waitFor(() => r.batches.length === 1, 2000);
    const elapsed = (r.at[0] as number) - t0;
    expect(elapsed).toBeGreaterThanOrEqual(98);
    // A restarted timer would cut at ≥ 175 ms.
    expect(elapsed).toBeLessThan(170);
    expect(ids(r.batches[0] as OrderedBatch)).toEqual([1, 2]);
  });

  it('never delivers an empty batch when idle', async () => {
    const o = orderer({ interval: 20, max: 100 });
    const r = recorder();
    o.start(r.sink, 0);
    await sleep(150);
    expect(r.batches.length).toBe(0);
    o.submit([fakeTx(1)]);
    await waitFor(() => r.batches.length === 1, 2000);
    await sleep(150);
    expect(r.batches.length).toBe(1);
    o.submit([]);
    await sleep(100);
    expect(r.batches.length).toBe(1);
    expect(r.batches.every((b) => b.txs.length > 0)).toBe(true);
    expect(o.pending).toBe(0);
  });

  it('does not deliver anything before start, then delivers what was queued', async () => {
    const o = orderer({ interval: 20, max: 100 });
    const r = recorder();
    o.submit(txs(1, 2));
    await sleep(60);
    expect(o.pending).toBe(2);
    o.start(r.sink, 0);
    await waitFor(() => r.batches.length === 1, 2000);
    expect(ids(r.batches[0] as OrderedBatch)).toEqual([1, 2]);
  });

  it('stamps strictly increasing timestamps even when the clock goes backwards', async () => {
    const clock = [1000, 500, 500, 2000, 10, 2000];
    let call = 0;
    const o = orderer({
      interval: 10_000,
      max: 1,
      now: () => clock[Math.min(call++, clock.length - 1)] as number,
    });
    const r = recorder();
    o.start(r.sink, 900);
    o.submit(txs(1, 6));
    await waitFor(() => r.batches.length === 6, 2000);
    expect(r.batches.map((b) => b.timestamp)).toEqual([1000, 1001, 1002, 2000, 2001, 2002]);
    expect(r.batches.map(ids)).toEqual([[1], [2], [3], [4], [5], [6]]);
    expect(r.batches.every((b) => Object.keys(b.order).length === 0)).toBe(true);
  });

  it('starts above the last committed timestamp even if the clock is behind it', async () => {
    const o = orderer({ interval: 10_000, max: 1, now: () => 1000 });
    const r = recorder();
    o.start(r.sink, 5000);
    o.submit(txs(1, 2));
    await waitFor(() => r.batches.length === 2, 2000);
    expect(r.batches.map((b) => b.timestamp)).toEqual([5001, 5002]);
  });

  it('keeps one batch in flight at a time', async () => {
    const o = orderer({ interval: 10, max: 1 });
    const batches: OrderedBatch[] = [];
    let active = 0;
    let maxActive = 0;
    const gates: (() => void)[] = [];
    o.start(async (b) => {
      batches.push(b);
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((resolve) => gates.push(resolve));
      active--;
    }, 0);
    o.submit(txs(1, 3));
    await waitFor(() => batches.length === 1, 1000);
    await sleep(80);
    expect(batches.length).toBe(1);
    expect(o.pending).toBe(2);
    (gates[0] as () => void)();
    await waitFor(() => batches.length === 2, 1000);
    await sleep(50);
    expect(batches.length).toBe(2);
    (gates[1] as () => void)();
    await waitFor(() => batches.length === 3, 1000);
    (gates[2] as () => void)();
    await sleep(20);
    expect(maxActive).toBe(1);
    expect(batches.map(ids)).toEqual([[1], [2], [3]]);
  });

  it('stop() flushes the queue in batches of at most maxBlockTxs', async () => {
    const o = orderer({ interval: 10_000, max: 2 });
    const r = recorder();
    o.start(r.sink, 0);
    o.submit([fakeTx(1)]);
    await sleep(30);
    expect(r.batches.length).toBe(0);
    o.submit(txs(2, 4));
    await o.stop();
    expect(r.batches.flatMap(ids)).toEqual([1, 2, 3, 4, 5]);
    expect(r.batches.every((b) => b.txs.length > 0 && b.txs.length <= 2)).toBe(true);
    expect(o.pending).toBe(0);
  });

  it('delivers nothing after stop() resolved (no batch from a timer or submit afterwards)', async () => {
    const o = orderer({ interval: 20, max: 2 });
    const r = recorder();
    o.start(r.sink, 0);
    o.submit([fakeTx(1)]);
    await o.stop();
    expect(r.batches.map(ids)).toEqual([[1]]);
    o.submit(txs(2, 3));
    await sleep(80);
    expect(r.batches.map(ids)).toEqual([[1]]);
  });

  it('delivers nothing after stop() resolved, even when a size cut was already scheduled', async () => {
    // Submitting maxBlockTxs schedules a cut on the next check phase (setImmediate). stop() flushes
    // the queue synchronously (the sink here is synchronous) before that cut runs; the stale cut
    // must not deliver transactions submitted after stop() returned.
    const o = orderer({ interval: 10_000, max: 2 });
    const r = recorder();
    o.start(r.sink, 0);
    o.submit(txs(1, 3));
    await o.stop();
    expect(r.batches.map(ids)).toEqual([[1, 2], [3]]);
    o.submit(txs(4, 2));
    await sleep(60);
    expect(r.batches.map(ids)).toEqual([[1, 2], [3]]);
  });

  it('stop() flushes a partial batch without waiting for the interval', async () => {
    const o = orderer({ interval: 10_000, max: 100 });
    const r = recorder();
    o.start(r.sink, 0);
    o.submit(txs(1, 5));
    const t0 = Date.now();
    await o.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.batches.map(ids)).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('stop() waits for the batch in flight before flushing the rest', async () => {
    const o = orderer({ interval: 10_000, max: 1 });
    const batches: OrderedBatch[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    o.start(async (b) => {
      batches.push(b);
      if (batches.length === 1) await gate;
    }, 0);
    o.submit(txs(1, 3));
    await waitFor(() => batches.length === 1, 1000);
    let stopped = false;
    const stopping = o.stop().then(() => {
      stopped = true;
    });
    await sleep(50);
    expect(stopped).toBe(false);
    expect(batches.length).toBe(1);
    release();
    await stopping;
    expect(batches.map(ids)).toEqual([[1], [2], [3]]);
  });
});

describe('SoloOrderer with cutWhenIdle', () => {
  it('cuts at once when idle instead of waiting for the interval, and batches what queues meanwhile', async () => {
    const o = orderer({ interval: 10_000, max: 100, cutWhenIdle: true });
    const batches: number[][] = [];
    let release: (() => void) | undefined;
    o.start(async (b) => {
      batches.push(ids(b));
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
    }, 0);
    o.submit(txs(1, 2)); // same tick: one batch
    await waitFor(() => batches.length === 1, 1000);
    expect(batches[0]).toEqual([1, 2]);
    o.submit(txs(3, 1)); // while block 1 is in flight: queued
    o.submit(txs(4, 2));
    await sleep(30);
    expect(batches).toHaveLength(1);
    release?.();
    await waitFor(() => batches.length === 2, 1000);
    expect(batches[1]).toEqual([3, 4, 5]);
    await sleep(50);
    expect(batches).toHaveLength(2); // and no empty block afterwards
  });
});
