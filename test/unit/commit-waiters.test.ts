import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GongzhiError } from '../../src/errors/index.js';
import type { Receipt } from '../../src/ledger/index.js';
import { type CommitInfo, CommitWaiters } from '../../src/node/commit-waiters.js';

const H1 = 'aa'.repeat(32);
const H2 = 'bb'.repeat(32);

function info(hash: string): CommitInfo {
  return { hash, height: 7, index: 0, receipt: { status: 'ok' } as unknown as Receipt };
}

/** Follow a promise's outcome without awaiting it (a handler is attached at once, so no rejection is unhandled). */
function track<T>(p: Promise<T>): { readonly settled: { value?: T; error?: unknown } | undefined } {
  const t: { settled: { value?: T; error?: unknown } | undefined } = { settled: undefined };
  p.then(
    (value) => {
      t.settled = { value };
    },
    (error: unknown) => {
      t.settled = { error };
    },
  );
  return t;
}

describe('CommitWaiters', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves every wait on a hash with its commit, and only those', async () => {
    const w = new CommitWaiters();
    const a = w.wait(H1, 1000);
    const b = w.wait(H1, 1000);
    const other = w.wait(H2, 1000);
    expect(w.size).toBe(3);
    w.resolve(H1, info(H1));
    expect(await a).toEqual(info(H1));
    expect(await b).toEqual(info(H1));
    const o = track(other);
    await vi.advanceTimersByTimeAsync(0);
    expect(o.settled).toBeUndefined();
    expect(w.size).toBe(1);
    w.resolve(H1, info(H1)); // nobody left: nothing happens
    w.resolve(H2, info(H2));
    expect(await other).toEqual(info(H2));
    expect(w.size).toBe(0);
  });

  it('times out with NODE_TIMEOUT naming the hash, and forgets the wait', async () => {
    const w = new CommitWaiters();
    const p = track(w.wait(H1, 500));
    const keep = w.wait(H1, 5000);
    await vi.advanceTimersByTimeAsync(499);
    expect(p.settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    const err = p.settled?.error as GongzhiError;
    expect(err).toBeInstanceOf(GongzhiError);
    expect(err.code).toBe('NODE_TIMEOUT');
    expect(err.details.hash).toBe(H1);
    expect(w.size).toBe(1);
    w.resolve(H1, info(H1));
    expect(await keep).toEqual(info(H1));
    expect(w.size).toBe(0);
  });

  it('a resolved wait does not time out later', async () => {
    const w = new CommitWaiters();
    const p = w.wait(H1, 100);
    w.resolve(H1, info(H1));
    await vi.advanceTimersByTimeAsync(1000);
    expect(await p).toEqual(info(H1));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with the drop error', async () => {
    const w = new CommitWaiters();
    const p = w.wait(H1, 1000);
    const drop = new GongzhiError('TX_EXPIRED', 'validity window has passed');
    w.reject(H1, drop);
    await expect(p).rejects.toBe(drop);
    expect(w.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close rejects every wait with NODE_SHUTTING_DOWN, and later waits at once', async () => {
    const w = new CommitWaiters();
    const a = w.wait(H1, 1000);
    const b = w.wait(H2, 1000);
    w.close();
    await expect(a).rejects.toMatchObject({ code: 'NODE_SHUTTING_DOWN', details: { hash: H1 } });
    await expect(b).rejects.toMatchObject({ code: 'NODE_SHUTTING_DOWN', details: { hash: H2 } });
    await expect(w.wait(H1, 1000)).rejects.toMatchObject({ code: 'NODE_SHUTTING_DOWN' });
    expect(w.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('holds at most `max` waits; a freed slot can be used again', async () => {
    const w = new CommitWaiters(2);
    const a = w.wait(H1, 1000);
    const b = track(w.wait(H2, 1000));
    await expect(w.wait(H1, 1000)).rejects.toMatchObject({
      code: 'NODE_TIMEOUT',
      details: { hash: H1, limit: 2 },
    });
    expect(w.size).toBe(2);
    w.resolve(H1, info(H1));
    await a;
    const c = track(w.wait(H1, 1000));
    expect(w.size).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(b.settled?.error).toMatchObject({ code: 'NODE_TIMEOUT' });
    expect(c.settled?.error).toMatchObject({ code: 'NODE_TIMEOUT' });
    expect(w.size).toBe(0);
  });
});
