import { describe, expect, it } from 'vitest';
import { GongzhiError, hintFor } from '../../src/errors/index.js';
import {
  Checks,
  failCheck,
  failedCheck,
  formatVerification,
  passedCheck,
  verificationResult,
} from '../../src/ledger/index.js';

describe('the shared verification result', () => {
  it('valid only with at least one check and no failure; errors are the failed codes in order', () => {
    expect(verificationResult([])).toEqual({ valid: false, checks: [], errors: [] });
    const ok = verificationResult([passedCheck('a', 'fine')], { extra: 1 });
    expect(ok).toEqual({
      valid: true,
      checks: [{ name: 'a', ok: true, detail: 'fine' }],
      errors: [],
      extra: 1,
    });
    const bad = verificationResult([
      failedCheck('a', 'EVIDENCE_BAD_PROOF', 'x'),
      passedCheck('b', 'fine'),
      failedCheck('c', 'EVIDENCE_CERT_INVALID', 'y'),
    ]);
    expect(bad.valid).toBe(false);
    expect(bad.errors).toEqual(['EVIDENCE_BAD_PROOF', 'EVIDENCE_CERT_INVALID']);
  });

  it('Checks: a step fails with its default code, the code it throws, or a decoder error in the detail', () => {
    const c = new Checks();
    expect(c.check('pass', 'EVIDENCE_BAD_PROOF', () => 'all good')).toBe(true);
    expect(c.check('default', 'EVIDENCE_BAD_PROOF', () => failCheck('nope'))).toBe(false);
    expect(c.check('override', 'EVIDENCE_BAD_PROOF', () => failCheck('other', 'EVIDENCE_CERT_INVALID'))).toBe(
      false,
    );
    c.check('decoder', 'EVIDENCE_CERT_INVALID', () => {
      throw new GongzhiError('ENCODING_INVALID', 'invalid base64url');
    });
    c.check('same', 'EVIDENCE_CERT_INVALID', () => {
      throw new GongzhiError('EVIDENCE_CERT_INVALID', 'bad field');
    });
    expect(c.compute('value', 'EVIDENCE_CERT_INVALID', () => ({ value: 42, detail: 'computed' }))).toBe(42);
    expect(c.compute('noValue', 'EVIDENCE_CERT_INVALID', () => failCheck('no'))).toBeUndefined();
    c.add('added', false, 'by hand', 'EVIDENCE_DIGEST_MISMATCH');
    const r = c.result({ note: 'x' });
    expect(r.checks.map((x) => [x.name, x.ok, x.code, x.detail])).toEqual([
      ['pass', true, undefined, 'all good'],
      ['default', false, 'EVIDENCE_BAD_PROOF', 'nope'],
      ['override', false, 'EVIDENCE_CERT_INVALID', 'other'],
      ['decoder', false, 'EVIDENCE_CERT_INVALID', 'ENCODING_INVALID: invalid base64url'],
      ['same', false, 'EVIDENCE_CERT_INVALID', 'bad field'],
      ['value', true, undefined, 'computed'],
      ['noValue', false, 'EVIDENCE_CERT_INVALID', 'no'],
      ['added', false, 'EVIDENCE_DIGEST_MISMATCH', 'by hand'],
    ]);
    expect(r.note).toBe('x');
    expect(c.allPassed('pa')).toBe(true);
    expect(c.allPassed()).toBe(false);
    // a passed check carries no code property at all (exactOptionalPropertyTypes, JSON output)
    expect(Object.keys(r.checks[0] ?? {})).toEqual(['name', 'ok', 'detail']);
  });

  it('formatVerification: ✓/✗ per check, code and hint under each failure, a summary', () => {
    const lines = formatVerification(
      verificationResult([
        passedCheck('digest', 'matches'),
        failedCheck('record', 'EVIDENCE_RECORD_MISMATCH', 'meta differs'),
      ]),
    );
    expect(lines).toEqual([
      '✓ digest  matches',
      '✗ record  EVIDENCE_RECORD_MISMATCH  meta differs',
      `          hint: ${hintFor('EVIDENCE_RECORD_MISMATCH')}`,
      'INVALID: 1 of 2 checks failed (EVIDENCE_RECORD_MISMATCH)',
    ]);
    expect(formatVerification(verificationResult([passedCheck('a', 'ok')])).at(-1)).toBe(
      'valid: all 1 checks passed',
    );
  });
});
