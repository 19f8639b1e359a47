import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import { tempDir } from '../helpers/fixtures.js';

describe('demo civic-points', () => {
  it('lets cameras award within a quota and a daily cap; points are spent at local shops and settled', async () => {
    const demo = findDemo('civic-points');
    expect(demo).toBeDefined();
    const tmp = tempDir('gongzhi-demo-civic-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as Record<string, unknown>;
      expect(steps.length).toBeGreaterThanOrEqual(9);
      expect(r.balances).toEqual({ wu: 0, zheng: 27, feng: 2 });
      expect(r.activity).toMatchObject({
        claims: 9,
        awarded: 94,
        capped: 3,
        redeemed: 65,
        redeemedMoney: 325,
        allotted: 280,
      });
      expect(r.owed).toEqual(
        expect.arrayContaining([
          { payer: 'town-fund', payee: 'barber', net: 200 },
          { payer: 'town-fund', payee: 'grocery', net: 125 },
        ]),
      );
      expect(r.refusals).toEqual([
        'POINTS_CAP_EXCEEDED',
        'POINTS_DUPLICATE_CLAIM',
        'POINTS_OVER_QUOTA',
        'POINTS_FROZEN',
        'POINTS_INSUFFICIENT_BALANCE',
      ]);
      expect(r.audit).toMatchObject({ balanced: true });
    } finally {
      tmp.remove();
    }
  });
});
