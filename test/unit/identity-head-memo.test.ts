import { describe, expect, it } from 'vitest';
import { HeadMemo } from '../../src/credentials/index.js';

/** The verifier's read cache: one answer per query while the head stays, none kept across heads. */
describe('HeadMemo', () => {
  const ledger = () => {
    const state = { head: {}, bit: false, calls: 0, fail: false };
    const reader = {
      query: (_m: string, name: string, args: Readonly<Record<string, unknown>>) => {
        state.calls++;
        if (state.fail) throw new Error('not found');
        return { name, args, set: state.bit };
      },
    };
    return { state, memo: new HeadMemo(reader, () => state.head, 3) };
  };

  it('answers a repeated query from the cache until the head moves, then reads the new state', () => {
    const { state, memo } = ledger();
    expect(memo.query('identity', 'status', { index: 1 })).toMatchObject({ set: false });
    expect(memo.query('identity', 'status', { index: 1 })).toMatchObject({ set: false });
    expect(state.calls).toBe(1);
    state.bit = true;
    // Same head: the state cannot have changed on a real ledger, so the answer stands.
    expect(memo.query('identity', 'status', { index: 1 })).toMatchObject({ set: false });
    state.head = {};
    expect(memo.query('identity', 'status', { index: 1 })).toMatchObject({ set: true });
    expect(state.calls).toBe(2);
    expect(memo.query('identity', 'status', { index: 2 })).toMatchObject({ set: true });
    expect(state.calls).toBe(3);
  });

  it('keeps no failed query and no more than its bound', () => {
    const { state, memo } = ledger();
    state.fail = true;
    expect(() => memo.query('identity', 'resolve', { did: 'x' })).toThrow('not found');
    expect(() => memo.query('identity', 'resolve', { did: 'x' })).toThrow('not found');
    expect(state.calls).toBe(2);
    state.fail = false;
    for (let i = 0; i < 5; i++) memo.query('identity', 'resolve', { did: `d${i}` });
    expect(memo.size).toBeLessThanOrEqual(3);
  });
});
