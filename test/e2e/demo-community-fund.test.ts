import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import { tempDir } from '../helpers/fixtures.js';

describe('demo community-fund', () => {
  it('fees in, elevator repair approved by owners’ resolution, paid, receipted; refusals; quarter reconciled', async () => {
    const demo = findDemo('community-fund');
    expect(demo).toBeDefined();
    const tmp = tempDir('gongzhi-demo-community-fund-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as Record<string, unknown>;
      expect(r.liftStatus).toBe('receipted');
      expect(r.liftHistory).toEqual(['draft', 'submitted', 'approved', 'paid', 'receipted']);
      expect(r.liftRule).toEqual({ kind: 'resolution', resolution: 'agm-2026-lift' });
      expect(r.liftVotePassed).toBe(true);
      expect(r.facadeVotePassed).toBe(false);
      expect(r.resolutionRequired).toBe('FUNDS_RESOLUTION_REQUIRED');
      expect(r.selfApproval).toBe('FUNDS_SELF_APPROVAL');
      expect(r.overspend).toBe('FUNDS_INSUFFICIENT_BALANCE');
      expect(r.resolution).toBe('FUNDS_RESOLUTION_NOT_PASSED');
      expect(r.wrongStatement).toBe('FUNDS_STATEMENT_MISMATCH');
      expect(r.reconciled).toBe(1);
      // 120 000.00 + 12 000.00 in, 86 000.00 out.
      expect(r.balance).toBe(12_000_000 + 1_200_000 - 8_600_000);
      expect(r.balance).toBe(r.expectedBalance);
      expect(r.debits).toBe(r.credits);
      expect(r.incomeByCategory).toEqual({ fees: 12_000_000, 'public-income': 1_200_000 });
      expect(r.spendingByCategory).toEqual({ elevator: 8_600_000 });
      expect(steps.join('\n')).toMatch(/payments -100, closing \+100/);
    } finally {
      tmp.remove();
    }
  }, 60_000);
});
