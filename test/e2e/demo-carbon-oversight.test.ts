import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import { tempDir } from '../helpers/fixtures.js';

describe('demo carbon-oversight', () => {
  it('holds and claws back disputed awards, sends breakage to the tree fund, reports by area', async () => {
    const demo = findDemo('carbon-oversight');
    expect(demo).toBeDefined();
    const tmp = tempDir('gongzhi-demo-oversight-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as Record<string, unknown>;
      expect(steps.length).toBeGreaterThan(8);
      expect(r.refusals).toEqual([
        'POINTS_BAD_CONFIG',
        'POINTS_HELD',
        'POINTS_EXISTS',
        'POINTS_WRONG_ROLE',
        'POINTS_INVALID_STATE',
      ]);
      // held, so clawed back whole from the balance; its backing left the insurer's reserve
      expect(r.wangDecision).toMatchObject({
        outcome: 'upheld',
        clawedBack: 60,
        fromBalance: 60,
        owed: 0,
        money: 60,
      });
      expect(r.reserveReleased).toBe(60);
      // spent first: 20 from the balance, 40 owed (the balance below zero only with that record), then repaid
      expect(r.zhaoDecision).toMatchObject({ clawedBack: 60, fromBalance: 20, owed: 40 });
      expect(r.zhaoOwing).toMatchObject({ balance: -40, owed: 40 });
      expect(r.zhaoRepaid).toBe(20);
      // everything left expired to the tree fund: li 180 + wang 60 + zhao 20, paid at the close
      const b = r.breakage as Record<string, number>;
      expect(b).toMatchObject({ expired: 260, toCause: 260, toSponsor: 0, toScheme: 0, money: 260 });
      expect(r.paidTrees).toBe(260);
      expect(r.paidMall).toBe(100);
      const areas = r.areas as {
        areas: Record<string, unknown>[];
        streets: Record<string, unknown>[];
        whole: Record<string, number>;
      };
      const east = areas.areas.find((a) => a.area === 'jinsong-east');
      const west = areas.areas.find((a) => a.area === 'jinsong-west');
      expect(east).toMatchObject({
        claims: 5,
        awarded: 300,
        redeemed: 0,
        expired: 240,
        clawedBack: 60,
        reductionG: 5 * 5350,
        reductionKg: 26,
      });
      expect(west).toMatchObject({
        claims: 3,
        awarded: 180,
        redeemed: 100,
        expired: 20,
        clawedBack: 60,
        clawedBackG: 5350,
      });
      expect(areas.streets.find((x) => x.street === 'jinsong')).toMatchObject({
        claims: 8,
        awarded: 480,
        clawedBack: 120,
      });
      expect(areas.streets.find((x) => x.street === 'panjiayuan')).toMatchObject({ claims: 0, awarded: 0 });
      expect(areas.whole).toMatchObject({
        claims: 8,
        awarded: 480,
        redeemed: 100,
        expired: 260,
        clawedBack: 120,
      });
      const disputes = r.disputes as { count: number; disputes: { status: string; as: string }[] };
      expect(disputes.disputes.map((d) => [d.as, d.status])).toEqual([
        ['auditor', 'upheld'],
        ['member', 'upheld'],
      ]);
      expect((r.audit as { balanced: boolean }).balanced).toBe(true);
    } finally {
      tmp.remove();
    }
  }, 120_000);
});
