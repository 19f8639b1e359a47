import { describe, expect, it } from 'vitest';
import { benchFunds } from '../../src/bench/funds.js';

describe('funds benchmark (small run)', () => {
  it('takes expenses through their life and times donation traces over a filled book', async () => {
    const r = await benchFunds({
      expenses: 300,
      blockTxs: 100,
      donations: 3000,
      donationsPerDisbursement: 50,
      traces: 200,
    });
    expect(r.expenses).toBe(300);
    expect(r.donations).toBe(3000);
    expect(r.disbursements).toBe(60);
    expect(r.traceMs.n).toBe(200);
    for (const v of [
      r.expenseLivesPerSec,
      r.expenseTxsPerSec,
      r.donationsPerSec,
      r.traceMs.p50,
      r.peakRssMb,
    ]) {
      expect(v).toBeGreaterThan(0);
    }
    expect(r.traceMs.p99).toBeGreaterThanOrEqual(r.traceMs.p50);
  }, 120_000);
});
