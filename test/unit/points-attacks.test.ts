import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/encoding/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import { DAY_MS } from '../../src/modules/points/index.js';
import { PointsSandbox } from '../../src/testing/index.js';
import { allot, fundPool, withdrawPool } from '../helpers/points-money.js';
import {
  addProgram,
  RULES as BASE_RULES,
  BJ_MIDNIGHT,
  balanceOf,
  programArgs as baseProgramArgs,
  claimArgs,
  HOUR,
  refused as refusedWith,
  T0,
} from '../helpers/points-world.js';

/**
 * Issue 17's attacks, each reproduced through the module's own calls: every one is refused with
 * its code, and neither the state nor any query answer changes.
 */

const P = 'green';

/** The shared methodology plus a subway rule (speed and daily-distance limits of their own). */
const RULES = {
  name: 'attack methodology',
  rules: [
    ...BASE_RULES.rules.slice(0, 2),
    {
      kind: 'subway',
      unit: 'm',
      divisor: 1000,
      roundTo: 0,
      maxPerDay: 300_000,
      maxRatePerDay: 2_400_000,
      variants: { default: { baselineMg: 273_000, projectMg: 28_600, pointsPerBase: 0, pointsPerKg: 10 } },
    },
    ...BASE_RULES.rules.slice(2),
  ],
};

/** A programme's creation arguments (points-world's, with this file's methodology). */
const programArgs = (sb: PointsSandbox, over: Record<string, unknown> = {}): CborMap =>
  baseProgramArgs(sb, (over.id as string | undefined) ?? P, { methodology: RULES, ...over });

/**
 * The shared funded programme (points-world: distributor `dist`, sponsor `s1` with 10,000 quota,
 * members alice and bob) plus a second sponsor `s2` (10,000 quota) and a platform `shop` selling a
 * 100-point gift.
 */
function world(over: Record<string, unknown> = {}, ts = T0): PointsSandbox {
  const sb = new PointsSandbox({ timestamp: ts, sign: false });
  const id = (over.id as string | undefined) ?? P;
  addProgram(sb, id, { methodology: RULES, ...over });
  for (const [role, who] of [
    ['sponsor', 's2'],
    ['platform', 'shop'],
  ] as const) {
    sb.ok('issuer', 'grantRole', { program: id, role, account: sb.addr(who) });
  }
  fundPool(sb, id, 's2', 'bank', 100_000);
  allot(sb, 'issuer', { program: id, distributor: 'dist', amount: 10_000, sponsor: 's2' });
  sb.ok('shop', 'listItem', { program: id, item: 'gift', name: 'gift', price: 100 });
  return sb;
}

/** What the module answers about a program: compared before and after a refused call. */
function answers(sb: PointsSandbox, program = P): string {
  const q = (name: string, args: Record<string, unknown> = {}) => {
    try {
      return sb.query(name, args);
    } catch (e) {
      return String(e);
    }
  };
  return JSON.stringify({
    totals: q('totals', { program }),
    journal: q('journal', { program }),
    report: q('report', { program }),
    alice: q('account', { program, account: sb.addr('alice') }),
    bob: q('account', { program, account: sb.addr('bob') }),
    quota: q('quota', { program, distributor: sb.addr('dist') }),
    roles: ['issuer', 'bureau', 'bureau2', 'shop', 'dist'].map((w) =>
      q('roles', { program, account: sb.addr(w) }),
    ),
  });
}

/** The call is refused with `code`; no write, no event, the same state and the same answers. */
function refused(
  sb: PointsSandbox,
  who: string,
  method: string,
  args: CborMap,
  code: string,
  ts?: number,
  program = P,
): void {
  refusedWith(sb, who, method, args, code, () => answers(sb, program), ts);
}

function claim(
  sb: PointsSandbox,
  user: string,
  kind: string,
  quantity: number,
  start: number,
  end: number,
  device = `device-${user}`,
  sponsor?: string,
): CborMap {
  return {
    ...claimArgs(sb, P, user, kind, quantity, start, end, device),
    ...(sponsor === undefined ? {} : { sponsor: sb.addr(sponsor) }),
  };
}

const plain = (sb: PointsSandbox, account: string, program = P) =>
  (sb.query('balance', { program, account }) as { balance: number }).balance;

describe('1. measurement: cumulative per device per local day, plausible', () => {
  it('pays a day split into eight 3-hour "parked days" once', () => {
    const sb = world();
    const day = BJ_MIDNIGHT - 2 * DAY_MS; // a Beijing local day
    sb.ok('dist', 'claim', claim(sb, 'alice', 'parked-day', 1, day, day + 3 * HOUR));
    for (let i = 1; i < 8; i++) {
      refused(
        sb,
        'dist',
        'claim',
        claim(sb, 'alice', 'parked-day', 1, day + i * 3 * HOUR, day + (i + 1) * 3 * HOUR),
        'POINTS_IMPLAUSIBLE_CLAIM',
      );
    }
    expect(balanceOf(sb, 'alice')).toBe(60);
    // the next local day pays again
    sb.ok('dist', 'claim', claim(sb, 'alice', 'parked-day', 1, day + DAY_MS, day + DAY_MS + 3 * HOUR));
    expect(balanceOf(sb, 'alice')).toBe(120);
  });

  it('refuses a 50 km walk in one minute (speed) and a 24 h day over 24 h of claims on one device', () => {
    const sb = world();
    const end = BJ_MIDNIGHT - DAY_MS;
    refused(
      sb,
      'dist',
      'claim',
      claim(sb, 'alice', 'walk', 50_000, end - 60_000, end),
      'POINTS_IMPLAUSIBLE_CLAIM',
    );
    // a whole local day parked, then a subway ride the same day on the same device: more than 24 h
    const day = BJ_MIDNIGHT - 3 * DAY_MS;
    sb.ok('dist', 'claim', claim(sb, 'alice', 'parked-day', 1, day, day + DAY_MS, 'car'));
    refused(
      sb,
      'dist',
      'claim',
      claim(sb, 'alice', 'subway', 20_000, day + 8 * HOUR, day + 9 * HOUR, 'car'),
      'POINTS_IMPLAUSIBLE_CLAIM',
    );
  });

  it('resets daily limits and caps at local midnight (Beijing), not at UTC midnight', () => {
    const sb = world();
    // 40 km walked by 23:00 Beijing, then 20 km more before midnight: over 50 km that local day
    const d = BJ_MIDNIGHT - 5 * DAY_MS;
    sb.ok('dist', 'claim', claim(sb, 'alice', 'walk', 40_000, d + 18 * HOUR, d + 23 * HOUR));
    refused(
      sb,
      'dist',
      'claim',
      claim(sb, 'alice', 'walk', 20_000, d + 23 * HOUR, d + 24 * HOUR),
      'POINTS_IMPLAUSIBLE_CLAIM',
    );
    // 01:00–03:00 Beijing is the same UTC day (17:00–19:00 UTC) but a new local day
    sb.ok('dist', 'claim', claim(sb, 'alice', 'walk', 20_000, d + 25 * HOUR, d + 27 * HOUR));
    // the cap: 100 points by 23:30 Beijing; 00:30 Beijing (same UTC day) is a new cap window
    const cap = world({ capPerWindow: 100, capWindowMs: DAY_MS }, BJ_MIDNIGHT - 3 * HOUR);
    const late = BJ_MIDNIGHT - HOUR / 2;
    cap.ok('dist', 'claim', claim(cap, 'alice', 'parked-day', 2, late - 2 * DAY_MS, late), late + 1000);
    expect(balanceOf(cap, 'alice')).toBe(100);
    refused(
      cap,
      'dist',
      'claim',
      claim(cap, 'alice', 'walk', 1000, late - HOUR, late, 'phone'),
      'POINTS_CAP_EXCEEDED',
      late + 2000,
    );
    const early = BJ_MIDNIGHT + HOUR / 2;
    expect(new Date(early).getUTCDate()).toBe(new Date(late).getUTCDate());
    cap.ok('dist', 'claim', claim(cap, 'alice', 'walk', 1000, late - HOUR, late, 'phone'), early);
    expect(balanceOf(cap, 'alice')).toBe(102);
  });
});

describe('2. one camera, several people', () => {
  it('records simultaneous acts by different people on one device', () => {
    const sb = world();
    const end = BJ_MIDNIGHT - DAY_MS;
    sb.ok('dist', 'claim', claim(sb, 'alice', 'walk', 2000, end - HOUR, end, 'camera-1'));
    sb.ok('dist', 'claim', claim(sb, 'bob', 'walk', 2000, end - HOUR, end, 'camera-1'));
    // the same person and device again for that hour is a duplicate
    refused(
      sb,
      'dist',
      'claim',
      claim(sb, 'alice', 'walk', 1000, end - HOUR, end, 'camera-1'),
      'POINTS_DUPLICATE_CLAIM',
    );
  });
});

describe('3. methodology governance', () => {
  it('applies a version from its approval onward, within its validity, until retired', () => {
    const sb = world();
    const v2 = {
      ...RULES,
      name: 'v2',
      rules: RULES.rules.map((r) =>
        r.kind === 'parked-day'
          ? { ...r, variants: { default: { ...r.variants.default, pointsPerBase: 80 } } }
          : r,
      ),
    };
    const day = BJ_MIDNIGHT - 2 * DAY_MS;
    sb.ok('issuer', 'proposeMethodology', { program: P, methodology: v2, validUntil: T0 + 10 * DAY_MS });
    sb.ok('bureau', 'approveMethodology', { program: P, version: 2 });
    // a day before the approval is still measured by v1 (60), never retroactively by v2
    const ev = sb.ok('dist', 'claim', claim(sb, 'alice', 'parked-day', 1, day, day + DAY_MS, 'car'));
    expect(ev[0]?.data).toMatchObject({ points: 60, methodology: 1 });
    // a day after the approval: v2 (80)
    const next = BJ_MIDNIGHT + DAY_MS;
    const ev2 = sb.ok(
      'dist',
      'claim',
      claim(sb, 'alice', 'parked-day', 1, next, next + DAY_MS, 'car'),
      next + DAY_MS + 1000,
    );
    expect(ev2[0]?.data).toMatchObject({ points: 80, methodology: 2 });
    // retired: activities from the retirement on have no methodology; earlier ones keep theirs
    refused(sb, 'issuer', 'retireMethodology', { program: P, version: 2 }, 'POINTS_WRONG_ROLE');
    sb.ok('bureau', 'retireMethodology', { program: P, version: 2 }, next + 2 * DAY_MS);
    refused(sb, 'bureau', 'retireMethodology', { program: P, version: 2 }, 'POINTS_INVALID_STATE');
    const after = next + 3 * DAY_MS;
    refused(
      sb,
      'dist',
      'claim',
      claim(sb, 'bob', 'parked-day', 1, after, after + DAY_MS, 'car2'),
      'POINTS_OUTSIDE_WINDOW',
      after + DAY_MS + 1000,
    );
    sb.ok('dist', 'claim', claim(sb, 'bob', 'parked-day', 1, next, next + DAY_MS, 'car2'));
  });

  it('measures nothing past a version’s validity', () => {
    const sb = world();
    sb.ok('issuer', 'proposeMethodology', { program: P, methodology: RULES, validUntil: T0 + 3 * DAY_MS });
    sb.ok('bureau', 'approveMethodology', { program: P, version: 2 });
    const d = BJ_MIDNIGHT + DAY_MS;
    sb.ok('dist', 'claim', claim(sb, 'alice', 'parked-day', 1, d, d + DAY_MS, 'car'), d + DAY_MS + 1000);
    const late = BJ_MIDNIGHT + 4 * DAY_MS;
    refused(
      sb,
      'dist',
      'claim',
      claim(sb, 'alice', 'parked-day', 1, late, late + DAY_MS, 'car'),
      'POINTS_OUTSIDE_WINDOW',
      late + DAY_MS + 1000,
    );
  });
});

describe('4. freezes stop everything the frozen party does or backs', () => {
  it('a frozen sponsor’s quota is not awarded and its reserve not redeemed', () => {
    const sb = world();
    const end = BJ_MIDNIGHT - DAY_MS;
    sb.ok('dist', 'claim', claim(sb, 'alice', 'walk', 40_000, end - 5 * HOUR, end, 'a', 's1'));
    sb.ok('s1', 'consentQuota', { program: P, distributor: sb.addr('dist'), amount: 5 });
    sb.ok('bureau', 'freeze', { program: P, account: sb.addr('s1'), reason: 'audit' });
    refused(sb, 'dist', 'claim', claim(sb, 'bob', 'walk', 1000, end - HOUR, end, 'b', 's1'), 'POINTS_FROZEN');
    // unnamed: only the unfrozen sponsor's bucket pays
    const ev = sb.ok('dist', 'claim', claim(sb, 'bob', 'walk', 2000, end - HOUR, end, 'b2'));
    expect(ev.length).toBeGreaterThan(0);
    expect(sb.query('quota', { program: P, distributor: sb.addr('dist') })).toMatchObject({
      bySponsor: { [sb.addr('s1')]: 10_000 - 109 },
    });
    refused(
      sb,
      'alice',
      'redeem',
      { program: P, platform: sb.addr('shop'), item: 'gift', price: 100 },
      'POINTS_FROZEN',
    );
    // nor can it act, and the issuer cannot allot against it
    refused(
      sb,
      's1',
      'consentQuota',
      { program: P, distributor: sb.addr('dist'), amount: 5 },
      'POINTS_FROZEN',
    );
    refused(
      sb,
      'issuer',
      'allotQuota',
      { program: P, distributor: sb.addr('dist'), amount: 5, sponsor: sb.addr('s1') },
      'POINTS_FROZEN',
    );
  });

  it('a frozen platform is not paid at close; a frozen clearing provider closes nothing', () => {
    const sb = world();
    const end = BJ_MIDNIGHT - DAY_MS;
    sb.ok('dist', 'claim', claim(sb, 'alice', 'walk', 40_000, end - 5 * HOUR, end, 'a', 's1'));
    sb.ok('dist', 'claim', claim(sb, 'alice', 'walk', 40_000, end - 5 * HOUR, end, 'a2', 's1'));
    sb.ok('alice', 'redeem', { program: P, platform: sb.addr('shop'), item: 'gift', price: 100 });
    const owed = `payable:${sb.addr('s1')}:${sb.addr('shop')}`;
    expect(plain(sb, owed)).toBe(100);
    sb.ok('bureau', 'freeze', { program: P, account: sb.addr('shop'), reason: 'fake sales' });
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(plain(sb, owed)).toBe(100); // held
    expect(plain(sb, `paid:${sb.addr('s1')}:${sb.addr('shop')}`)).toBe(0);
    sb.ok('bureau', 'unfreeze', { program: P, account: sb.addr('shop'), reason: 'cleared' });
    sb.ok('bureau', 'freeze', { program: P, account: sb.addr('bank'), reason: 'bank audit' });
    refused(sb, 'bank', 'closePeriod', { currency: 'CNY' }, 'POINTS_FROZEN');
    sb.ok('bureau', 'unfreeze', { program: P, account: sb.addr('bank'), reason: 'ok' });
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(plain(sb, owed)).toBe(0);
    expect(plain(sb, `paid:${sb.addr('s1')}:${sb.addr('shop')}`)).toBe(100);
    // a frozen programme's payables are held too
    sb.ok('alice', 'redeem', { program: P, platform: sb.addr('shop'), item: 'gift', price: 100 });
    sb.ok('bureau', 'freeze', { program: P, reason: 'programme audit' });
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(plain(sb, owed)).toBe(100);
    expect(plain(sb, `paid:${sb.addr('s1')}:${sb.addr('shop')}`)).toBe(100);
    expect(sb.audit(P).violations).toEqual([]);
  });

  it('a frozen supervisor neither unfreezes itself nor votes; one supervisor alone cannot remove another', () => {
    const sb = world();
    sb.ok('bureau2', 'freeze', { program: P, account: sb.addr('bureau'), reason: 'conflict of interest' });
    refused(
      sb,
      'bureau',
      'unfreeze',
      { program: P, account: sb.addr('bureau'), reason: 'me' },
      'POINTS_FROZEN',
    );
    refused(
      sb,
      'bureau',
      'revokeRole',
      { program: P, role: 'supervisor', account: sb.addr('bureau2') },
      'POINTS_FROZEN',
    );
    sb.ok('bureau2', 'unfreeze', { program: P, account: sb.addr('bureau'), reason: 'cleared' });
    // one vote of two is not a majority: bureau2 stays
    const ev = sb.ok('bureau', 'revokeRole', { program: P, role: 'supervisor', account: sb.addr('bureau2') });
    expect(ev.map((e) => e.name)).toEqual(['supervisorChangeVoted']);
    expect(
      (sb.query('roles', { program: P, account: sb.addr('bureau2') }) as { roles: string[] }).roles,
    ).toContain('supervisor');
    refused(
      sb,
      'bureau',
      'revokeRole',
      { program: P, role: 'supervisor', account: sb.addr('bureau2') },
      'POINTS_ALREADY_SIGNED',
    );
    // adding a third supervisor takes both
    sb.ok('bureau', 'grantRole', { program: P, role: 'supervisor', account: sb.addr('bureau3') });
    expect(
      (sb.query('roles', { program: P, account: sb.addr('bureau3') }) as { roles: string[] }).roles,
    ).toEqual([]);
    sb.ok('bureau2', 'grantRole', { program: P, role: 'supervisor', account: sb.addr('bureau3') });
    expect(
      (sb.query('roles', { program: P, account: sb.addr('bureau3') }) as { roles: string[] }).roles,
    ).toEqual(['supervisor']);
  });
});

describe('5. separation of roles', () => {
  it('refuses incompatible roles for one party in one program', () => {
    const sb = world();
    const grant = (role: string, who: string) => ({ program: P, role, account: sb.addr(who) });
    refused(sb, 'issuer', 'grantRole', grant('distributor', 'issuer'), 'POINTS_ROLE_CONFLICT');
    refused(sb, 'issuer', 'grantRole', grant('distributor', 'bureau'), 'POINTS_ROLE_CONFLICT');
    refused(sb, 'issuer', 'grantRole', grant('sponsor', 'bank'), 'POINTS_ROLE_CONFLICT');
    refused(sb, 'issuer', 'grantRole', grant('platform', 'alice'), 'POINTS_ROLE_CONFLICT');
    refused(sb, 'issuer', 'grantRole', grant('distributor', 'alice'), 'POINTS_ROLE_CONFLICT');
    refused(sb, 'bureau', 'grantRole', grant('supervisor', 'shop'), 'POINTS_ROLE_CONFLICT');
    // a redemption platform cannot join as a member (receive points and redeem at itself)
    refused(sb, 'shop', 'join', { program: P, consent: new Uint8Array(32) }, 'POINTS_ROLE_CONFLICT');
    refused(sb, 'dist', 'join', { program: P, consent: new Uint8Array(32) }, 'POINTS_ROLE_CONFLICT');
    // a program whose clearing provider supervises it, or (with money) is its issuer
    const other = new PointsSandbox({ timestamp: T0, sign: false });
    refused(
      other,
      'issuer',
      'createProgram',
      programArgs(other, { id: 'x', supervisors: [other.addr('bank')] }),
      'POINTS_ROLE_CONFLICT',
      undefined,
      'x',
    );
    refused(
      other,
      'issuer',
      'createProgram',
      programArgs(other, { id: 'x', clearing: other.addr('issuer') }),
      'POINTS_ROLE_CONFLICT',
      undefined,
      'x',
    );
  });
});

describe('6. consent of those who pay', () => {
  it('allots quota only within the sponsor’s signed consent', () => {
    const sb = world();
    const args = { program: P, distributor: sb.addr('dist'), amount: 10, sponsor: sb.addr('s1') };
    refused(sb, 'issuer', 'allotQuota', args, 'POINTS_NO_CONSENT');
    sb.ok('s1', 'consentQuota', { program: P, distributor: sb.addr('dist'), amount: 10 });
    sb.ok('issuer', 'allotQuota', args);
    refused(sb, 'issuer', 'allotQuota', args, 'POINTS_NO_CONSENT');
  });

  it('counts funding only when the clearing provider confirms it; a revoked sponsor withdraws', () => {
    const sb = world();
    sb.ok('s1', 'fund', { program: P, amount: 1_000_000_000_000_000 });
    const pool = `pool:${sb.addr('s1')}`;
    expect(plain(sb, pool)).toBe(100_000 - 10_000);
    const confirm = { program: P, sponsor: sb.addr('s1'), amount: 1_000_000_000_000_000 };
    refused(sb, 's1', 'confirmFunding', confirm, 'POINTS_WRONG_ROLE');
    refused(sb, 'bank', 'confirmFunding', { ...confirm, sponsor: sb.addr('s2') }, 'POINTS_NO_CONSENT');
    refused(sb, 'bank', 'confirmWithdrawal', { ...confirm, amount: 1 }, 'POINTS_NO_CONSENT');
    // the sponsor loses its role; its unreserved money is still its own
    sb.ok('issuer', 'revokeRole', { program: P, role: 'sponsor', account: sb.addr('s2') });
    refused(sb, 's2', 'fund', { program: P, amount: 5 }, 'POINTS_WRONG_ROLE');
    refused(sb, 's2', 'withdraw', { program: P, amount: 90_001 }, 'POINTS_INSUFFICIENT_FUNDS');
    withdrawPool(sb, P, 's2', 'bank', 90_000);
    expect(plain(sb, `pool:${sb.addr('s2')}`)).toBe(0);
    expect(sb.audit(P).violations).toEqual([]);
  });

  it('converts into a program only with its backer’s signature, while it is a sponsor', () => {
    const sb = world();
    const other = { id: 'shop2', supervisors: [sb.addr('bureau')] };
    sb.ok('issuer', 'createProgram', programArgs(sb, other));
    sb.ok('bureau', 'approveProgram', { program: 'shop2' });
    sb.ok('issuer', 'grantRole', { program: 'shop2', role: 'sponsor', account: sb.addr('s3') });
    fundPool(sb, 'shop2', 's3', 'bank', 10_000);
    for (const u of ['alice']) sb.ok(u, 'join', { program: 'shop2', consent: new Uint8Array(32) });
    const end = BJ_MIDNIGHT - DAY_MS;
    sb.ok('dist', 'claim', claim(sb, 'alice', 'walk', 40_000, end - 5 * HOUR, end, 'a', 's1'));
    sb.ok('issuer', 'proposeExchange', {
      id: 'x',
      from: P,
      to: 'shop2',
      rateFrom: 1,
      rateTo: 1,
      backer: sb.addr('s1'),
    });
    sb.ok('issuer', 'acceptExchange', { id: 'x', backer: sb.addr('s3') });
    const convert = { agreement: 'x', from: P, amount: 10 };
    refused(sb, 'alice', 'convert', convert, 'POINTS_NO_CONSENT', undefined, 'shop2');
    refused(
      sb,
      's1',
      'backExchange',
      { agreement: 'x', program: 'shop2' },
      'POINTS_WRONG_ROLE',
      undefined,
      'shop2',
    );
    sb.ok('s3', 'backExchange', { agreement: 'x', program: 'shop2' });
    sb.ok('alice', 'convert', convert);
    sb.ok('issuer', 'revokeRole', { program: 'shop2', role: 'sponsor', account: sb.addr('s3') });
    refused(sb, 'alice', 'convert', convert, 'POINTS_WRONG_ROLE', undefined, 'shop2');
  });
});

describe('7. services only where the program kind allows them', () => {
  it('refuses a transfer dressed as a time-bank service, and services beyond their limits', () => {
    const sb = world();
    const svc = (minutes: number, n: string) => ({
      program: P,
      id: sb.suite.hash(utf8(n)),
      recipient: sb.addr('bob'),
      minutes,
      kind: 'service',
    });
    refused(sb, 'alice', 'logService', svc(22_000, 'walk'), 'POINTS_TRANSFER_NOT_ALLOWED');
    const tb = new PointsSandbox({ timestamp: T0, sign: false });
    tb.ok('center', 'createProgram', {
      ...programArgs(tb, { id: 'tb', currency: 'none', value: 0, debtLimit: 600, serviceMaxMinutes: 480 }),
      clearing: tb.addr('center'),
      supervisors: [tb.addr('bureau')],
    } as CborMap);
    tb.ok('bureau', 'approveProgram', { program: 'tb' });
    for (const u of ['alice', 'bob']) tb.ok(u, 'join', { program: 'tb', consent: new Uint8Array(32) });
    const t = (minutes: number, n: string) => ({
      ...svc(minutes, n),
      program: 'tb',
      recipient: tb.addr('bob'),
    });
    refused(
      tb,
      'alice',
      'logService',
      { ...t(22_000, 'big'), id: tb.suite.hash(utf8('big')) },
      'POINTS_IMPLAUSIBLE_CLAIM',
      undefined,
      'tb',
    );
    tb.ok('alice', 'logService', { ...t(480, 'a'), id: tb.suite.hash(utf8('a')) });
    tb.ok('alice', 'logService', { ...t(480, 'b'), id: tb.suite.hash(utf8('b')) });
    tb.ok('alice', 'logService', { ...t(480, 'c'), id: tb.suite.hash(utf8('c')) });
    // a fourth 8-hour service the same local day: more than 24 h
    refused(
      tb,
      'alice',
      'logService',
      { ...t(60, 'd'), id: tb.suite.hash(utf8('d')) },
      'POINTS_IMPLAUSIBLE_CLAIM',
      undefined,
      'tb',
    );
    // a service program with money is refused at creation
    const bad = new PointsSandbox({ timestamp: T0, sign: false });
    refused(
      bad,
      'issuer',
      'createProgram',
      programArgs(bad, { id: 'y', serviceMaxMinutes: 60 }),
      'POINTS_BAD_CONFIG',
      undefined,
      'y',
    );
  });
});

describe('8. a redemption carries the price seen', () => {
  it('refuses a redemption re-priced in the same block, or above the member’s maximum', () => {
    const sb = world();
    const end = BJ_MIDNIGHT - DAY_MS;
    sb.ok('dist', 'claim', claim(sb, 'alice', 'walk', 40_000, end - 5 * HOUR, end, 'a'));
    sb.ok('dist', 'claim', claim(sb, 'alice', 'walk', 40_000, end - 5 * HOUR, end, 'b'));
    const state = sb.snapshot();
    const before = answers(sb);
    const [relist, redeem] = sb.block([
      ['shop', 'listItem', { program: P, item: 'gift', name: 'gift', price: 150 }],
      ['alice', 'redeem', { program: P, platform: sb.addr('shop'), item: 'gift', price: 100 }],
    ]);
    expect(relist?.status).toBe('ok');
    expect(redeem?.status).toBe('POINTS_PRICE_CHANGED');
    expect(redeem?.writes).toEqual([]);
    // only the re-pricing changed anything: the member's account is as it was
    expect(JSON.parse(answers(sb)).alice).toEqual(JSON.parse(before).alice);
    expect(sb.snapshot().size).toBe(state.size);
    refused(
      sb,
      'alice',
      'redeem',
      { program: P, platform: sb.addr('shop'), item: 'gift', maxPoints: 149 },
      'POINTS_PRICE_CHANGED',
    );
    refused(sb, 'alice', 'redeem', { program: P, platform: sb.addr('shop'), item: 'gift' }, 'EXEC_BAD_ARGS');
    sb.ok('alice', 'redeem', { program: P, platform: sb.addr('shop'), item: 'gift', maxPoints: 150 });
  });
});

describe('9. exchange rates are value-neutral', () => {
  it('refuses 2:1 between programs both worth 1 fen a point, and 1:2 between time banks', () => {
    const sb = world();
    sb.ok('issuer', 'createProgram', programArgs(sb, { id: 'p2', supervisors: [sb.addr('bureau')] }));
    sb.ok('bureau', 'approveProgram', { program: 'p2' });
    sb.ok('issuer', 'grantRole', { program: 'p2', role: 'sponsor', account: sb.addr('s2') });
    const x = { id: 'x', from: P, to: 'p2', rateFrom: 2, rateTo: 1, backer: sb.addr('s1') };
    refused(sb, 'issuer', 'proposeExchange', x, 'POINTS_BAD_CONFIG');
    sb.ok('issuer', 'proposeExchange', { ...x, rateFrom: 1 });
    const tb = new PointsSandbox({ timestamp: T0, sign: false });
    for (const id of ['tb1', 'tb2']) {
      tb.ok('center', 'createProgram', {
        ...programArgs(tb, { id, currency: 'none', value: 0, serviceMaxMinutes: 60 }),
        clearing: tb.addr('center'),
        supervisors: [tb.addr('bureau')],
      } as CborMap);
      tb.ok('bureau', 'approveProgram', { program: id });
    }
    refused(
      tb,
      'center',
      'proposeExchange',
      { id: 'y', from: 'tb1', to: 'tb2', rateFrom: 1, rateTo: 2 },
      'POINTS_BAD_CONFIG',
      undefined,
      'tb1',
    );
    tb.ok('center', 'proposeExchange', {
      id: 'y',
      from: 'tb1',
      to: 'tb2',
      rateFrom: 1,
      rateTo: 1,
      positionLimit: 300,
    });
  });
});

describe('10. positions between time banks are bounded', () => {
  it('refuses carrying puppets’ debt into another bank beyond the agreed position limit', () => {
    const tb = new PointsSandbox({ timestamp: T0, sign: false });
    for (const id of ['tb1', 'tb2']) {
      tb.ok('center', 'createProgram', {
        ...programArgs(tb, { id, currency: 'none', value: 0, debtLimit: 2000, serviceMaxMinutes: 480 }),
        clearing: tb.addr('center'),
        supervisors: [tb.addr('bureau')],
        transfer: 'program',
      } as CborMap);
      tb.ok('bureau', 'approveProgram', { program: id });
    }
    const tbArgs = { id: 'y', from: 'tb1', to: 'tb2', rateFrom: 1, rateTo: 1 };
    refused(tb, 'center', 'proposeExchange', tbArgs, 'POINTS_BAD_CONFIG', undefined, 'tb1');
    tb.ok('center', 'proposeExchange', { ...tbArgs, positionLimit: 300 });
    tb.ok('center', 'acceptExchange', { id: 'y' });
    tb.ok('c', 'join', { program: 'tb1', consent: new Uint8Array(32) });
    tb.ok('c', 'join', { program: 'tb2', consent: new Uint8Array(32) });
    // three puppets each take 8 h of "services" from c: they sit at −8 h, c at +24 h in tb1
    for (const p of ['p1', 'p2', 'p3']) {
      tb.ok(p, 'join', { program: 'tb1', consent: new Uint8Array(32) });
      const id = tb.suite.hash(utf8(`svc ${p}`));
      tb.ok('c', 'logService', { program: 'tb1', id, recipient: tb.addr(p), minutes: 480, kind: 'service' });
      tb.ok(p, 'confirmService', { program: 'tb1', id });
    }
    expect(balanceOf(tb, 'c', 'tb1')).toBe(2400);
    // a puppet in debt cannot walk away from it (13: leaving needs only the debt repaid)
    refused(tb, 'p1', 'leave', { program: 'tb1' }, 'POINTS_BALANCE_NOT_ZERO', undefined, 'tb1');
    tb.ok('c', 'convert', { agreement: 'y', from: 'tb1', amount: 300 });
    refused(tb, 'c', 'convert', { agreement: 'y', from: 'tb1', amount: 1 }, 'POINTS_LIMIT', undefined, 'tb1');
    // the position frees up as hours come back
    tb.ok('c', 'convert', { agreement: 'y', from: 'tb2', amount: 100 });
    tb.ok('c', 'convert', { agreement: 'y', from: 'tb1', amount: 100 });
    expect(balanceOf(tb, 'c', 'tb2')).toBe(300);
  });
});

describe('11. spending in true issue order', () => {
  it('spends points issued earlier but received later before newer ones: the right sponsor pays', () => {
    const sb = world({ transfer: 'program' });
    const end = BJ_MIDNIGHT - DAY_MS;
    // t1: alice 109 backed by s1; t2: bob 109 backed by s2; t3: alice 109 more backed by s1
    sb.ok('dist', 'claim', claim(sb, 'alice', 'walk', 40_000, end - 12 * HOUR, end - 7 * HOUR, 'a1', 's1'));
    sb.ok('dist', 'claim', claim(sb, 'bob', 'walk', 40_000, end - 12 * HOUR, end - 7 * HOUR, 'b1', 's2'));
    sb.ok('dist', 'claim', claim(sb, 'alice', 'walk', 40_000, end - 5 * HOUR, end, 'a2', 's1'));
    // bob's t2 points reach alice last; they were issued before her t3 points
    sb.ok('bob', 'transfer', { program: P, to: sb.addr('alice'), amount: 109 });
    const lots = (
      sb.query('account', { program: P, account: sb.addr('alice') }) as {
        lots: { sponsor: string; amount: number }[];
      }
    ).lots;
    expect(lots.map((l) => [l.sponsor, l.amount])).toEqual([
      [sb.addr('s1'), 109],
      [sb.addr('s2'), 109],
      [sb.addr('s1'), 109],
    ]);
    sb.ok('alice', 'redeem', {
      program: P,
      platform: sb.addr('shop'),
      item: 'gift',
      quantity: 2,
      price: 100,
    });
    // strict issue order: t1 (109 from s1), then t2 (91 from s2) — not 200 from s1
    expect(plain(sb, `payable:${sb.addr('s1')}:${sb.addr('shop')}`)).toBe(109);
    expect(plain(sb, `payable:${sb.addr('s2')}:${sb.addr('shop')}`)).toBe(91);
    expect(sb.audit(P).violations).toEqual([]);
  });
});
