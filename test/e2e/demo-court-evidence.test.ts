import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import { tempDir } from '../helpers/fixtures.js';

describe('demo court-evidence', () => {
  it('evidence anchored at one court verifies at another from the portable proof and two genesis files', async () => {
    const demo = findDemo('court-evidence');
    expect(demo).toBeDefined();
    const tmp = tempDir('gongzhi-demo-court-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as Record<string, unknown>;
      expect(r.valid).toBe(true);
      expect(r.checks).toEqual(['source:true', 'link:true', 'anchor:true']);
      expect(r.anchoredHeight as number).toBeGreaterThan(r.recordHeight as number);
      expect(r.linkHeaders).toBe((r.anchoredHeight as number) - (r.recordHeight as number));
      expect(r.droppedHeader).toMatchObject({ valid: false, errors: ['EVIDENCE_DIGEST_MISMATCH'] });
      expect((r.tamperedLink as { errors: string[] }).errors).toContain('EVIDENCE_BAD_PROOF');
      expect((r.otherFile as { valid: boolean }).valid).toBe(false);
      expect((r.swappedGenesis as { valid: boolean }).valid).toBe(false);
      // Each genesis is a trust root: one of two organisations is not a finality quorum.
      expect((r.withoutQuorum as { valid: boolean }).valid).toBe(false);
      expect(r.loweredQuorum).toEqual({ valid: true, lowered: true });
      expect(steps.join('\n')).toMatch(/verified offline: true/);
    } finally {
      tmp.remove();
    }
  }, 60_000);
});
