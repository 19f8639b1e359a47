import { describe, expect, it } from 'vitest';
import { benchCityDay } from '../../src/bench/city-day.js';

describe("city's day benchmark (tiny run)", () => {
  it('commits every award, trip, redemption, anchor and the close, and reports each figure', async () => {
    const r = await benchCityDay({ scale: 0.0002, batch: 50, verifyWorkers: 0 });
    expect([r.residents, r.transitTrips, r.redemptions, r.anchors]).toEqual([200, 40, 10, 2]);
    // 10 setup transactions, the joins, the day and the settlement close: every one committed ok.
    expect(r.committedTxs).toBe(
      10 + r.residents + (r.residents + r.transitTrips + r.redemptions + r.anchors) + 1,
    );
    expect(r.sliceTxPerSec).toHaveLength(10);
    for (const v of r.sliceTxPerSec) expect(v).toBeGreaterThan(0);
    expect(r.dbBytesPerTx).toBeGreaterThan(0);
    expect(r.rssMb).toBeGreaterThan(0);
    expect(r.peakRssMb).toBeGreaterThan(0);
    for (const q of Object.values(r.queryMs)) expect(q.p99).toBeGreaterThanOrEqual(q.p50);
  }, 120_000);
});
