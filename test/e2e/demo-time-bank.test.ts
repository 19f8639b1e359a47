import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import { tempDir } from '../helpers/fixtures.js';

describe('demo time-bank', () => {
  it('banks service hours with quarter-hour rounding and a debt limit; the system-wide sum stays zero', async () => {
    const demo = findDemo('time-bank');
    expect(demo).toBeDefined();
    const tmp = tempDir('gongzhi-demo-timebank-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as Record<string, unknown>;
      expect(steps.length).toBeGreaterThanOrEqual(8);
      // 130 min → 2h15, 50 min → 45 min, 90 min, 7 min → 0, 60 min
      expect(r.credits).toEqual({ c1: 225, c2: 75, c3: 150, c4: 0, c5: 100 });
      expect(r.balancesA).toEqual({
        'grandma-liu': -275,
        'volunteer-xu': 25,
        'student-he': 75,
        'nurse-ma': 75,
      });
      expect(r.balancesB).toEqual({ 'volunteer-yang': 100, 'volunteer-xu': 0 });
      expect(r.debtA).toBe(275);
      expect(r.exchange).toEqual({ 'xihu-timebank': 100, 'binjiang-timebank': -100 });
      expect(r.systemSum).toBe(0);
      expect(r.refusals).toEqual(['POINTS_WRONG_ROLE', 'POINTS_DEBT_LIMIT', 'POINTS_INSUFFICIENT_BALANCE']);
      // the inter-bank statement: 1 h A→B, none back, net 1 h, signed by both centres
      expect(r.interbank).toEqual({ aToB: 100, bToA: 0, closing: 100 });
      expect(r.activityA).toMatchObject({
        services: 4,
        transferred: 450,
        donated: 100,
        granted: 100,
        exchangedOut: 100,
      });
      for (const a of Object.values(r.audits as Record<string, { balanced: boolean }>))
        expect(a.balanced).toBe(true);
    } finally {
      tmp.remove();
    }
  });
});
