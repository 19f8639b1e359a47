import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import { tempDir } from '../helpers/fixtures.js';

describe('demo certificates', () => {
  it('agent-created DID, identity + anchored degree credentials, employer sees only name and degree', async () => {
    const demo = findDemo('certificates');
    expect(demo).toBeDefined();
    const tmp = tempDir('gongzhi-demo-certificates-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as Record<string, unknown>;
      expect(r.createdBy).toBe(r.agent);
      expect(r.degreeValid).toBe(true);
      expect(r.disclosed).toEqual({ name: 'Leong Mei', degree: 'BSc' });
      expect(r.checks).toContain('anchor:true');
      expect(r.checks).toContain('issuerRecognised:true');
      expect(r.presentationBytes as number).toBeLessThan(2953);
      expect(r.errors).toEqual([]);
      expect(r.identityValid).toBe(true);
      expect(r.identityErrors).toEqual([]);
      expect(r.identityDisclosed).toEqual({ name: 'Leong Mei' });
      expect(steps.join('\n')).toMatch(/anchored its digest/);
      // Open to outside verifiers: type metadata at the vct URL, status from the published list.
      expect(r.typeMetadataName).toBe('Degree');
      expect(r.checks).toContain('status:true');
      expect(r.afterRevocationValid).toBe(false);
      expect(r.afterRevocationErrors).toEqual(['IDENTITY_REVOKED']);
      expect(r.afterRevocationStatus).toMatch(/^status list token: INVALID/);
    } finally {
      tmp.remove();
    }
  });
});
