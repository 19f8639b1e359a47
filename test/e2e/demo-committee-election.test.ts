import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import { tempDir } from '../helpers/fixtures.js';

describe('demo committee-election', () => {
  it('2-of-3 trustees, a complaint round, a re-vote, weighted and head-count results; the record verifies offline', async () => {
    const demo = findDemo('committee-election');
    const tmp = tempDir('gongzhi-demo-committee-election-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as {
        plain: number[][];
        weighted: number[][];
        participation: unknown;
        bylawPassed: boolean;
        revote: string;
        stranger: string;
        forged: string;
        complaint: { bad: number[]; wrongReveal: string; disqualified: number[] };
        verified: boolean;
        errors: string[];
      };
      // Final ballots (owner 3's re-vote replaces [1,0,0,1],[0]).
      expect(r.plain).toEqual([[3, 5, 2, 2], [6]]);
      expect(r.participation).toEqual({
        count: 7,
        weight: 9050 + 12025 + 7500 + 14380 + 9860 + 11000 + 6540,
      });
      expect(r.weighted[0]?.[0]).toBe(9050 + 9860 + 6540);
      expect(r.bylawPassed).toBe(true);
      expect(r.revote).toBe('ok');
      expect(r.stranger).toBe('VOTING_NOT_ENROLLED');
      expect(r.forged).toBe('VOTING_BAD_PROOF');
      // The street office (trustee 2) dealt the housing bureau a bad share: found, complained
      // about, a wrong reveal refused, disqualified; the key and the decryption are 1's and 3's.
      expect(r.complaint).toEqual({ bad: [2], wrongReveal: 'VOTING_BAD_SHARE', disqualified: [2] });
      expect(steps.some((l) => l.includes('2 qualified'))).toBe(true);
      expect(r.verified).toBe(true);
      expect(r.errors).toEqual([]);
    } finally {
      tmp.remove();
    }
  }, 90_000);
});
