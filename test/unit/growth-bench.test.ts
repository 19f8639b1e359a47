import { describe, expect, it } from 'vitest';
import { benchFundsTraceGrowth } from '../../src/bench/funds-trace-growth.js';
import { benchTraceGrowth } from '../../src/bench/trace-growth.js';

describe('growth benchmarks (small runs)', () => {
  it('times donation traces at each book size, ascending', () => {
    const r = benchFundsTraceGrowth({ sizes: [600, 200], k: 50, traces: 50, blockTxs: 100 });
    expect(r.rows.map((x) => [x.donations, x.disbursements, x.n])).toEqual([
      [200, 4, 50],
      [600, 12, 50],
    ]);
    for (const x of r.rows) expect(x.p99).toBeGreaterThanOrEqual(x.p50);
  }, 60_000);

  it('resolves the season’s tin (every document verified) at each ledger size', async () => {
    const r = await benchTraceGrowth({ sizes: [100, 300], resolutions: 10, blockTxs: 100, http: false });
    expect(r.rows.map((x) => x.events)).toEqual([100, 300]);
    for (const x of r.rows) {
      expect(x.jsonMs.p99).toBeGreaterThanOrEqual(x.jsonMs.p50);
      expect(x.pageMs.p50).toBeGreaterThan(0);
    }
  }, 60_000);
});
