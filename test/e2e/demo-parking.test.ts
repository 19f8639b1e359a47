import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import { tempDir } from '../helpers/fixtures.js';

describe('demo parking', () => {
  it('records sessions into signed operator statements; nets parking ↔ merchant redemptions monthly', async () => {
    const demo = findDemo('parking');
    expect(demo).toBeDefined();
    const tmp = tempDir('gongzhi-demo-parking-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as Record<string, unknown>;
      expect(steps.join('\n')).toMatch(/monthly settlement/);
      expect(r.feesFen).toBe(16_000);
      const ops = r.operatorStatements as {
        operator: string;
        sessions: number;
        feesFen: number;
        awarded: number;
        status: string;
      }[];
      expect(ops.map((o) => [o.operator, o.sessions, o.feesFen, o.awarded, o.status]).sort()).toEqual([
        ['lot-east', 4, 10_000, 100, 'agreed'],
        ['lot-west', 3, 6000, 60, 'agreed'],
      ]);
      // east owes the café 300 (coffee) + 200 (20 PP converted at 10 fen); the café reserved 200 for the
      // 10 MP it backs (20 fen each: value-neutral) and owes east 640 (32 MP of parking at 20 fen) → net 140
      const pairs = r.pairs as { payer: string; payee: string; net: number; aToB: number; bToA: number }[];
      expect(
        pairs
          .map((p) => [p.payer, p.payee, p.net, Math.max(p.aToB, p.bToA), Math.min(p.aToB, p.bToA)])
          .sort(),
      ).toEqual([
        ['bookstore', 'lot-east', 60, 160, 100],
        ['cafe', 'lot-east', 140, 640, 500],
        ['lot-west', 'bookstore', 300, 300, 0],
      ]);
      expect(r.balances).toEqual({
        'driver-1': { parking: 33, merchant: 9 },
        'driver-2': { parking: 27, merchant: 10 },
        'driver-3': { parking: 10, merchant: 10 },
      });
      expect(r.refusals).toEqual([
        'POINTS_DUPLICATE_CLAIM',
        'POINTS_WRONG_ROLE',
        'POINTS_TRANSFER_NOT_ALLOWED',
        'POINTS_BAD_AMOUNT',
      ]);
      for (const a of Object.values(r.audits as Record<string, { balanced: boolean }>))
        expect(a.balanced).toBe(true);
    } finally {
      tmp.remove();
    }
  });
});
