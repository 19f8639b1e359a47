import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import { tempDir } from '../helpers/fixtures.js';

/** What the demo returns per matter. */
interface Matter {
  outcome: Record<string, boolean>;
  participation: { count: number };
  yes: { count: number };
  verified: boolean;
}

describe('demo owners-vote', () => {
  it('an ordinary matter passes on area and head-count; a major matter fails on participation; both records verify', async () => {
    const demo = findDemo('owners-vote');
    const tmp = tempDir('gongzhi-demo-owners-vote-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as Record<string, Matter>;
      expect(r['pm-contract']?.outcome).toMatchObject({ quorumArea: true, quorumOwners: true, passed: true });
      expect(r['pm-contract']?.participation.count).toBe(9);
      expect(r['pm-contract']?.yes.count).toBe(6);
      expect(r['lift-fund']?.participation.count).toBe(6);
      expect(r['lift-fund']?.outcome).toMatchObject({ quorumOwners: false, passed: false });
      // Enrolled from verified owners: a revoked owner credential is refused by the ledger.
      expect(r['pm-contract-sold']).toBe('VOTING_OWNER_REVOKED');
      expect(r['lift-fund-sold']).toBe('VOTING_OWNER_REVOKED');
      expect(r['pm-contract']?.verified).toBe(true);
      expect(r['lift-fund']?.verified).toBe(true);
      expect(steps.join('\n')).toMatch(/valid: all \d+ checks passed/);
    } finally {
      tmp.remove();
    }
  }, 60_000);
});
