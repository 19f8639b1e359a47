import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/modules/points/index.js';
import { BJ_MIDNIGHT, claimArgs, world } from '../helpers/points-world.js';

/** Issue 17 item 14 (in part): the supervision report with its anomaly flag, and the expiry notice list. */

const D = BJ_MIDNIGHT - 3 * DAY_MS;
const HOUR = 3_600_000;

describe('supervision reports', () => {
  it('reports reductions by methodology, activity by kind and distributor, and flags outliers', () => {
    const sb = world(['green'], { expiry: { blocks: 60 } });
    for (const d of ['dist2', 'dist3'])
      sb.ok('issuer', 'grantRole', { program: 'green', role: 'distributor', account: sb.addr(d) });
    sb.ok('s1', 'consentQuota', { program: 'green', distributor: sb.addr('dist2'), amount: 1000 });
    sb.ok('issuer', 'allotQuota', {
      program: 'green',
      distributor: sb.addr('dist2'),
      amount: 1000,
      sponsor: sb.addr('s1'),
    });
    sb.ok('s1', 'consentQuota', { program: 'green', distributor: sb.addr('dist3'), amount: 1000 });
    sb.ok('issuer', 'allotQuota', {
      program: 'green',
      distributor: sb.addr('dist3'),
      amount: 1000,
      sponsor: sb.addr('s1'),
    });
    const walk = (who: string, h: number, dev: string) =>
      claimArgs(sb, 'green', who, 'walk', 2000, D + h * HOUR, D + (h + 1) * HOUR, dev);
    sb.ok('dist', 'claim', walk('alice', 8, 'a'));
    sb.ok('dist', 'claim', walk('bob', 8, 'b'));
    sb.ok('dist3', 'claim', walk('alice', 10, 'c'));
    sb.ok('dist2', 'claim', claimArgs(sb, 'green', 'bob', 'parked-day', 1, D, D + DAY_MS, 'obd'));
    const r = sb.query('supervision', { program: 'green' }) as {
      byMethodology: Record<string, number>;
      byKind: Record<string, number>;
      distributors: { distributor: string; claims: number; pointsPerClaim: number }[];
      anomalies: string[];
    };
    // 3 walks × 546 g + one parked day 4,353 g, all under version 1
    expect(r.byMethodology).toEqual({ v1: 3 * 546 + 4353 });
    expect(r.byKind).toEqual({ walk: 6000, 'parked-day': 1 });
    expect(r.distributors.map((d) => [d.distributor, d.claims, d.pointsPerClaim])).toEqual([
      [sb.addr('dist'), 2, 5],
      [sb.addr('dist3'), 1, 5],
      [sb.addr('dist2'), 1, 60],
    ]);
    expect(r.anomalies).toEqual([sb.addr('dist2')]);
  });

  it('lists the members whose points expire within the horizon', () => {
    const sb = world(['green'], { expiry: { blocks: 60 } });
    sb.ok('dist', 'claim', claimArgs(sb, 'green', 'alice', 'walk', 2000, D, D + HOUR, 'a'));
    const exp = sb.height + 60;
    const q = (within: number) =>
      sb.query('expiring', { program: 'green', within: String(within) }) as {
        members: { account: string; points: number; firstExpiry: number }[];
      };
    expect(q(10).members).toEqual([]);
    expect(q(60).members).toEqual([{ account: sb.addr('alice'), points: 5, firstExpiry: exp }]);
  });
});
