import { describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import { tempDir } from '../helpers/fixtures.js';

describe('demo health-pass', () => {
  it("B verifies A's test result against the ledger, issues a pass, and sees A's revocation at once", async () => {
    const demo = findDemo('health-pass');
    expect(demo).toBeDefined();
    const tmp = tempDir('gongzhi-demo-health-pass-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as Record<string, unknown>;
      expect(r.firstValid).toBe(true);
      expect(r.disclosed).toEqual({ result: 'negative', testType: 'PCR', sampledAt: '2024-05-01T08:00:00Z' });
      expect(r.checks).toEqual([
        'format',
        'issuerDid',
        'issuerKey',
        'signature',
        'holderBinding',
        'keyBindingTime',
        'issuerRecognised',
        'schema',
        'schemaOwner',
        'validity',
        'status',
        'disclosure',
      ]);
      expect(r.passIssued).toBe(true);
      expect(r.presentationBytes as number).toBeLessThan(2953);
      expect(r.afterRevocationValid).toBe(false);
      expect(r.afterRevocationStatus).toBe(false);
      expect(r.afterRevocationErrors).toEqual(['IDENTITY_REVOKED']);
      // B read the revocation from A's published, signed status list token.
      expect(steps.join('\n')).toMatch(
        /status list token: INVALID \(1\) \(IDENTITY_REVOKED: The issuer revoked this credential\.\)/,
      );
      expect(steps.join('\n')).toMatch(
        /A's DID resolves \(GET \/1\.0\/identifiers\): key-1 JsonWebKey2020, status-1 JsonWebKey2020/,
      );
      expect(steps.join('\n')).toMatch(/^ {2}✓ status +status bit clear$/m);
      expect(steps.join('\n')).toMatch(/valid: all 12 checks passed/);
    } finally {
      tmp.remove();
    }
  });
});
