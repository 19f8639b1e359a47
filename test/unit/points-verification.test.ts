import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/modules/points/index.js';
import type { PointsSandbox } from '../../src/testing/index.js';
import { BJ_MIDNIGHT, claimArgs, digest, RULES, refused, world } from '../helpers/points-world.js';

/**
 * Issue 17 items 3 and 12: parameter sources, a verifier appointed by a supervisor whose
 * validation gates new methodology versions, and verified reductions as serial-numbered units that
 * leave once each. Every refusal: its code, no write, no event, the same state and answers.
 */

const D = BJ_MIDNIGHT - 3 * DAY_MS;
const SOURCED = {
  ...RULES,
  name: 'sourced',
  sources: {
    'parked-day.default.baselineMg': 'DB11/T 3043-2024 (parameter to be entered from the standard)',
    'parked-day.default.projectMg': 'subway 28.6 g/pkm × 22 km',
    'walk.default.baselineMg': 'car 273 g/pkm',
  },
};

function withVerifier(): PointsSandbox {
  const sb = world(['green']);
  sb.ok('bureau', 'grantRole', { program: 'green', role: 'verifier', account: sb.addr('vvb') });
  return sb;
}

const answers = (sb: PointsSandbox) => () => ({
  program: sb.query('program', { id: 'green' }),
  v2: (() => {
    try {
      return sb.query('validations', { program: 'green', version: '2' });
    } catch (e) {
      return String(e);
    }
  })(),
  units: sb.query('units', { program: 'green' }),
  roles: sb.query('roles', { program: 'green', account: sb.addr('vvb') }),
});

describe('methodology sources and the verifier’s validation', () => {
  it('appoints a verifier by a supervisor only, holding no other capacity', () => {
    const sb = world(['green']);
    const a = answers(sb);
    const grant = (account: string) => ({ program: 'green', role: 'verifier', account: sb.addr(account) });
    refused(sb, 'issuer', 'grantRole', grant('vvb'), 'POINTS_WRONG_ROLE', a);
    refused(sb, 'bureau', 'grantRole', grant('dist'), 'POINTS_ROLE_CONFLICT', a);
    refused(sb, 'bureau', 'grantRole', grant('alice'), 'POINTS_ROLE_CONFLICT', a);
    sb.ok('bureau', 'grantRole', grant('vvb'));
    refused(sb, 'vvb', 'join', { program: 'green', consent: digest(sb, 'x') }, 'POINTS_ROLE_CONFLICT', a);
    expect(
      (sb.query('roles', { program: 'green', account: sb.addr('vvb') }) as { roles: string[] }).roles,
    ).toEqual(['verifier']);
  });

  it('approves no new version without a positive validation, and none for unsourced factors', () => {
    const sb = withVerifier();
    const a = answers(sb);
    refused(
      sb,
      'issuer',
      'proposeMethodology',
      { program: 'green', methodology: { ...RULES, sources: { 'walk.default.nope': 'x' } } },
      'POINTS_BAD_CONFIG',
      a,
    );
    sb.ok('issuer', 'proposeMethodology', { program: 'green', methodology: RULES });
    refused(sb, 'bureau', 'approveMethodology', { program: 'green', version: 2 }, 'POINTS_NOT_VALIDATED', a);
    const opinion = (opinion: string, version = 2) => ({
      program: 'green',
      version,
      opinion,
      report: digest(sb, 'r'),
    });
    refused(sb, 'vvb', 'validateMethodology', opinion('positive'), 'POINTS_BAD_CONFIG', a);
    refused(sb, 'dist', 'validateMethodology', opinion('negative'), 'POINTS_WRONG_ROLE', a);
    refused(sb, 'vvb', 'validateMethodology', opinion('negative', 9), 'POINTS_NOT_FOUND', a);
    sb.ok('vvb', 'validateMethodology', opinion('negative'));
    refused(sb, 'vvb', 'validateMethodology', opinion('negative'), 'POINTS_ALREADY_SIGNED', a);
    refused(sb, 'bureau', 'approveMethodology', { program: 'green', version: 2 }, 'POINTS_NOT_VALIDATED', a);
    // a sourced version: validated, then approved; the citations are on the ledger under its hash
    sb.ok('issuer', 'proposeMethodology', { program: 'green', methodology: SOURCED });
    sb.ok('vvb', 'validateMethodology', opinion('positive', 3));
    sb.ok('bureau', 'approveMethodology', { program: 'green', version: 3 });
    const m = sb.query('methodology', { program: 'green', version: '3' }) as {
      status: string;
      sources: Record<string, string>;
      unsourced: string[];
    };
    expect(m.status).toBe('approved');
    expect(m.sources['walk.default.baselineMg']).toBe('car 273 g/pkm');
    expect(m.unsourced).toEqual([]);
    const m2 = sb.query('methodology', { program: 'green', version: '2' }) as { unsourced: string[] };
    expect(m2.unsourced).toEqual([
      'parked-day.default.baselineMg',
      'parked-day.default.projectMg',
      'walk.default.baselineMg',
    ]);
    // sources are part of the hash: the same rules with and without them differ
    const h = (v: string) =>
      (sb.query('methodology', { program: 'green', version: v }) as { hash: string }).hash;
    expect(h('3')).not.toBe(h('2'));
  });

  it('without a verifier, versions are approved as before', () => {
    const sb = world(['green']);
    sb.ok('issuer', 'proposeMethodology', { program: 'green', methodology: RULES });
    sb.ok('bureau', 'approveMethodology', { program: 'green', version: 2 });
  });
});

describe('verified reductions as serial-numbered units', () => {
  function closedPeriod(): PointsSandbox {
    const sb = withVerifier();
    for (const u of ['alice', 'bob']) {
      sb.ok('dist', 'claim', claimArgs(sb, 'green', u, 'parked-day', 1, D, D + DAY_MS, `obd-${u}`));
    }
    return sb;
  }
  const verify = (sb: PointsSandbox, verifiedG: number, period = 1) => ({
    program: 'green',
    period,
    version: 1,
    verifiedG,
    report: digest(sb, 'verification report'),
  });

  it('issues units for a closed period, at most what its claims measured, once', () => {
    const sb = closedPeriod();
    const a = answers(sb);
    refused(sb, 'vvb', 'verifyReductions', verify(sb, 8706), 'POINTS_INVALID_STATE', a);
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    // each parked day: (4,983,000 − 629,200) mg = 4,353 g; two of them 8,706 g
    refused(sb, 'vvb', 'verifyReductions', verify(sb, 8707), 'POINTS_BAD_AMOUNT', a);
    refused(sb, 'vvb', 'verifyReductions', verify(sb, 999), 'POINTS_BAD_AMOUNT', a);
    refused(sb, 'dist', 'verifyReductions', verify(sb, 8706), 'POINTS_WRONG_ROLE', a);
    refused(sb, 'vvb', 'verifyReductions', verify(sb, 8706, 2), 'POINTS_INVALID_STATE', a);
    sb.ok('vvb', 'verifyReductions', verify(sb, 8706));
    refused(sb, 'vvb', 'verifyReductions', verify(sb, 1000), 'POINTS_EXISTS', a);
    const u = sb.query('units', { program: 'green' }) as {
      batches: { claimedG: number; serials: { first: string; last: string; count: number } }[];
    };
    expect(u.batches[0]?.claimedG).toBe(8706);
    expect(u.batches[0]?.serials).toEqual({
      first: 'green-v1-p1-000000001',
      last: 'green-v1-p1-000000008',
      count: 8,
    });
  });

  it('retires, exports and cancels units in serial order, each once', () => {
    const sb = closedPeriod();
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    sb.ok('vvb', 'verifyReductions', verify(sb, 8706));
    const a = answers(sb);
    const use = (action: string, count: number, extra: Record<string, string> = {}) => ({
      program: 'green',
      period: 1,
      version: 1,
      action,
      count,
      ...extra,
    });
    const retire = { party: 'Haidian Library', note: 'offset of the 2026 reading festival' };
    refused(sb, 'dist', 'useUnits', use('retire', 3, retire), 'POINTS_WRONG_ROLE', a);
    refused(sb, 'issuer', 'useUnits', use('retire', 3), 'EXEC_BAD_ARGS', a);
    refused(sb, 'issuer', 'useUnits', { ...use('retire', 3, retire), period: 7 }, 'POINTS_NOT_FOUND', a);
    sb.ok('issuer', 'useUnits', use('retire', 3, retire));
    sb.ok(
      'issuer',
      'useUnits',
      use('export', 4, { party: 'Beijing carbon-inclusion registry', note: 'BJ-2026-0042' }),
    );
    refused(sb, 'issuer', 'useUnits', use('cancel', 2, { note: 'fraud' }), 'POINTS_INSUFFICIENT_BALANCE', a);
    sb.ok('bureau', 'useUnits', use('cancel', 1, { note: 'claw-back of a fraudulent claim' }));
    refused(sb, 'issuer', 'useUnits', use('retire', 1, retire), 'POINTS_INSUFFICIENT_BALANCE', a);
    const u = sb.query('units', { program: 'green' }) as {
      batches: { retired: number; exported: number; cancelled: number; available: unknown }[];
      uses: { action: string; first: number; count: number }[];
    };
    expect(u.batches[0]).toMatchObject({ retired: 3, exported: 4, cancelled: 1, available: null });
    expect(u.uses.map((x) => [x.action, x.first, x.count])).toEqual([
      ['retire', 1, 3],
      ['export', 4, 4],
      ['cancel', 8, 1],
    ]);
  });
});
