import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import { tempDir } from '../helpers/fixtures.js';

describe('demo green-travel', () => {
  it('runs end to end on its own node: awards, redemptions, donation, expiry, settlement, audit', async () => {
    const demo = findDemo('green-travel');
    expect(demo).toBeDefined();
    const tmp = tempDir('gongzhi-demo-green-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as Record<string, unknown>;
      expect(steps.length).toBeGreaterThan(10);
      expect(steps.join('\n')).toMatch(/closes period 1/);
      // parked days by displacement tier (0.5/0.6/0.7/0.2 per day) and trips by emission-factor difference
      expect(r.earned).toEqual({ li: 250, wang: 210, zhao: 100, sun: 120, chen: 147 });
      const a = r.activity as Record<string, number>;
      expect(a.redeemed).toBe(320);
      expect(a.donated).toBe(100);
      expect(a.expired).toBe(r.expiredPoints);
      // + li's parked day under the registered OBD box (50), then 2 per 0.8 km walk
      expect(a.awarded).toBe(680 + 147 + 50 + 2 * ((a.claims ?? 0) - 15 - 5 - 1));
      expect(a.breakageMoney).toBe(a.expired);
      // every point still out is backed one-for-one in reserve (1 point minor unit = 1 fen)
      expect(r.reserveMoney).toBe(r.liabilityPoints);
      const statements = r.statements as { payer: string; payee: string; net: number; status: string }[];
      expect(statements.map((s) => [s.payer, s.payee, s.net, s.status])).toEqual(
        expect.arrayContaining([
          ['bank', 'coupon-mall', 120, 'agreed'],
          ['insurer', 'coupon-mall', 200, 'agreed'],
          ['insurer', 'tree-fund', 100, 'agreed'],
        ]),
      );
      expect(r.refusals).toEqual([
        'POINTS_PROGRAM_NOT_APPROVED',
        'POINTS_INSUFFICIENT_FUNDS',
        'POINTS_NO_CONSENT',
        'POINTS_DUPLICATE_CLAIM',
        'POINTS_OUTSIDE_WINDOW',
        'POINTS_IMPLAUSIBLE_CLAIM',
        'POINTS_DEVICE_CONFLICT',
        'POINTS_DUPLICATE_CLAIM',
        'POINTS_TRANSFER_NOT_ALLOWED',
        'POINTS_INSUFFICIENT_BALANCE',
        'POINTS_PRICE_CHANGED',
        'POINTS_FROZEN',
        'POINTS_BAD_AMOUNT',
        'POINTS_INSUFFICIENT_BALANCE',
      ]);
      // verified reductions: units of 1 kg, all of them retired or exported, none twice
      const u = r.units as {
        claimedG: number;
        verifiedG: number;
        issued: number;
        retired: number;
        exported: number;
      };
      expect(u.verifiedG).toBe(u.claimedG - 1000);
      expect(u.issued).toBe(Math.floor(u.verifiedG / 1000));
      expect(u.retired + u.exported).toBe(u.issued);
      expect(r.audit).toMatchObject({ balanced: true, problems: [] });
    } finally {
      tmp.remove();
    }
  });
});
