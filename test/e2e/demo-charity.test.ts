import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import type { DonationTraceJson } from '../../src/modules/funds/index.js';
import { tempDir } from '../helpers/fixtures.js';

describe('demo charity', () => {
  it('donations to two projects, disbursements earmark-first then FIFO, and a donor’s trace to the fen', async () => {
    const demo = findDemo('charity');
    expect(demo).toBeDefined();
    const tmp = tempDir('gongzhi-demo-charity-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as Record<string, unknown>;
      const [b1, b2, b3] = r.paid as number[];
      const trace = r.trace as DonationTraceJson;
      // Mei's ¥100: 3% fee ¥3.00, ¥97.00 to the library disbursement after the earmarked ¥1 940.
      expect(trace).toMatchObject({ amount: 10_000, fee: 300, net: 9_700, unallocated: 0 });
      expect(trace.allocations.map((a) => [a.disbursement, a.amount, a.status])).toEqual([
        [b1, 9_700, 'confirmed'],
      ]);
      const t = r.traces as DonationTraceJson[];
      const alloc = (i: number) => t[i]?.allocations.map((a) => [a.disbursement, a.amount]);
      expect(alloc(1)).toEqual([
        [b1, 6_300],
        [b2, 40_000],
      ]);
      expect(alloc(2)).toEqual([[b1, 194_000]]);
      expect(alloc(3)).toEqual([[b3, 250_000]]);
      expect(alloc(4)).toEqual([]);
      for (const x of t) expect(x.fee + x.allocated + x.unallocated).toBe(x.amount);
      expect(r.tooLarge).toBe('FUNDS_PROJECT_INSUFFICIENT');
      expect(r.goodsRemaining).toBe(80);
      expect(r.debits).toBe(r.credits);
      expect(steps.join('\n')).toMatch(/Mei traces her donation/);
    } finally {
      tmp.remove();
    }
  }, 60_000);
});
