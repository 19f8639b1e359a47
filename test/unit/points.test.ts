import { afterAll, describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/encoding/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import { POINTS_ERRORS } from '../../src/modules/points/errors.js';
import { DAY_MS, POINTS_PERMISSIONS, pointsModule } from '../../src/modules/points/index.js';
import { PointsSandbox } from '../../src/testing/index.js';
import { allot, fundPool, withdrawPool } from '../helpers/points-money.js';

const T0 = Date.UTC(2026, 0, 10);
const P = 'green';

/** Codes seen by `expectCode`, to check at the end that every POINTS_* code has a test. */
const seen = new Set<string>();

function expectCode(
  sb: PointsSandbox,
  who: string,
  method: string,
  args: CborMap,
  code: string,
  ts?: number,
): void {
  const before = sb.snapshot();
  const r = sb.call(who, method, args, ts);
  expect(r.status, `${who} ${method} ${r.message ?? ''}`).toBe(code);
  expect(r.writes).toEqual([]);
  expect(r.events).toEqual([]);
  // nothing but the block header changed: the state is the same
  expect(sb.snapshot()).toEqual(before);
  seen.add(code);
}

const METHODOLOGY = {
  name: 'test methodology',
  rules: [
    {
      kind: 'parked-day',
      unit: 'day',
      divisor: 1,
      roundTo: 0,
      maxPerDay: 1,
      maxRatePerDay: 1,
      variants: {
        le16: { baselineMg: 4_983_000, projectMg: 1_350_000, pointsPerBase: 50, pointsPerKg: 0 },
        bev: { baselineMg: 1_993_000, projectMg: 1_350_000, pointsPerBase: 20, pointsPerKg: 0 },
      },
    },
    {
      kind: 'subway',
      unit: 'm',
      divisor: 1000,
      roundTo: 0,
      maxPerDay: 300_000,
      variants: { default: { baselineMg: 273_000, projectMg: 28_600, pointsPerBase: 0, pointsPerKg: 10 } },
    },
  ],
};

function programArgs(sb: PointsSandbox, over: Record<string, unknown> = {}): CborMap {
  return {
    id: P,
    name: 'Green travel',
    unit: 'GCP',
    precision: 2,
    currency: 'CNY',
    value: 1,
    clearing: sb.addr('bank'),
    supervisors: [sb.addr('bureau')],
    expiry: { blocks: 50 },
    transfer: 'program',
    closedLoop: true,
    claimWindowMs: 30 * DAY_MS,
    causes: [{ id: 'trees', beneficiary: sb.addr('charity'), pot: false }],
    methodology: METHODOLOGY,
    ...over,
  } as CborMap;
}

/** A funded, approved program with a distributor (quota 10,000), a platform item and two members. */
function setup(over: Record<string, unknown> = {}): PointsSandbox {
  const sb = new PointsSandbox({ timestamp: T0 });
  sb.ok('issuer', 'createProgram', programArgs(sb, over));
  sb.ok('bureau', 'approveProgram', { program: P });
  for (const [role, who] of [
    ['distributor', 'device'],
    ['sponsor', 'insurer'],
    ['platform', 'shop'],
  ] as const) {
    sb.ok('issuer', 'grantRole', { program: P, role, account: sb.addr(who) });
  }
  const money = (over.value ?? 1) !== 0;
  if (money) fundPool(sb, P, 'insurer', 'bank', 1_000_000);
  allot(sb, 'issuer', {
    program: P,
    distributor: 'device',
    amount: 10_000,
    ...(money ? { sponsor: 'insurer' } : {}),
  });
  sb.ok('shop', 'listItem', { program: P, item: 'coffee', name: 'Coffee coupon', price: 500, stock: 3 });
  for (const u of ['alice', 'bob'])
    sb.ok(u, 'join', { program: P, consent: sb.suite.hash(utf8(`consent ${u}`)) });
  return sb;
}

let deviceSeq = 0;

function claimArgs(sb: PointsSandbox, user: string, o: Record<string, unknown> = {}): CborMap {
  const end = (o.periodEnd as number | undefined) ?? sb.now - DAY_MS;
  return {
    program: P,
    user: sb.addr(user),
    kind: 'parked-day',
    variant: 'le16',
    quantity: 1,
    periodStart: end - DAY_MS,
    periodEnd: end,
    device: sb.suite.hash(utf8(`device-${user}-${deviceSeq++}`)),
    evidence: sb.suite.hash(utf8('report')),
    measuredBy: 'obd-v2',
    ...o,
  } as CborMap;
}

function account(sb: PointsSandbox, who: string) {
  return sb.query('account', { program: P, account: sb.addr(who) }) as {
    balance: number;
    available: number;
    expired: number;
    debt: number;
    lots: { amount: number; height: number; exp: number; sponsor: string }[];
  };
}

function bal(sb: PointsSandbox, acct: string): number {
  return (sb.query('balance', { program: P, account: acct }) as { balance: number }).balance;
}

function audited(sb: PointsSandbox, program = P): void {
  expect(sb.audit(program).violations).toEqual([]);
}

describe('program lifecycle', () => {
  it('is created pending, approved by a listed supervisor, and only then usable', () => {
    const sb = new PointsSandbox({ timestamp: T0 });
    const ev = sb.ok('issuer', 'createProgram', programArgs(sb));
    expect(ev[0]?.name).toBe('programCreated');
    expect((sb.query('program', { id: P }) as { status: string }).status).toBe('pending');
    expectCode(
      sb,
      'alice',
      'join',
      { program: P, consent: new Uint8Array(32) },
      'POINTS_PROGRAM_NOT_APPROVED',
    );
    expectCode(sb, 'issuer', 'approveProgram', { program: P }, 'POINTS_WRONG_ROLE');
    expectCode(sb, 'stranger', 'approveProgram', { program: P }, 'POINTS_WRONG_ROLE');
    expectCode(sb, 'issuer', 'createProgram', programArgs(sb), 'POINTS_EXISTS');
    sb.ok('bureau', 'approveProgram', { program: P });
    expect(sb.query('program', { id: P })).toMatchObject({ status: 'active', methodology: 1 });
    expectCode(sb, 'bureau', 'approveProgram', { program: P }, 'POINTS_INVALID_STATE');
    expectCode(sb, 'nobody', 'approveProgram', { program: 'nope' }, 'POINTS_NOT_FOUND');
    expect(sb.query('methodology', { program: P })).toMatchObject({ version: 1, status: 'approved' });
    audited(sb);
  });

  it.each([
    ['value without a currency', { currency: 'none' }],
    ['a currency without value', { value: 0 }],
    ['debt with money', { debtLimit: 100 }],
    ['a pot cause with money', { causes: [{ id: 'pot', beneficiary: 'gz00', pot: true }] }],
    ['a cap without a window', { capPerWindow: 100 }],
    ['no supervisors', { supervisors: [] }],
    ['an unknown transfer policy', { transfer: 'anyone' }],
    ['activeUntil before activeFrom', { activeFrom: 10, activeUntil: 5 }],
    ['duplicate kinds', { methodology: { name: 'x', rules: [METHODOLOGY.rules[1], METHODOLOGY.rules[1]] } }],
    [
      'project emissions above the baseline',
      {
        methodology: {
          name: 'x',
          rules: [
            {
              ...METHODOLOGY.rules[1],
              variants: { default: { baselineMg: 1, projectMg: 2, pointsPerBase: 0, pointsPerKg: 0 } },
            },
          ],
        },
      },
    ],
  ])('rejects %s with POINTS_BAD_CONFIG', (_name, over) => {
    const sb = new PointsSandbox({ timestamp: T0 });
    expectCode(sb, 'issuer', 'createProgram', programArgs(sb, over), 'POINTS_BAD_CONFIG');
  });

  it('refuses an issuer supervising itself, and malformed arguments', () => {
    const sb = new PointsSandbox({ timestamp: T0 });
    expectCode(
      sb,
      'issuer',
      'createProgram',
      programArgs(sb, { supervisors: [sb.addr('issuer')] }),
      'POINTS_BAD_CONFIG',
    );
    expectCode(sb, 'issuer', 'createProgram', programArgs(sb, { extra: 1 }), 'EXEC_BAD_ARGS');
    expectCode(sb, 'issuer', 'createProgram', programArgs(sb, { id: 'Bad Id' }), 'EXEC_BAD_ARGS');
    expectCode(sb, 'issuer', 'createProgram', programArgs(sb, { precision: 9 }), 'EXEC_BAD_ARGS');
  });

  it('exports the genesis permissions: * except creation and approvals', () => {
    expect(Object.keys(POINTS_PERMISSIONS)).toHaveLength(Object.keys(pointsModule.methods).length);
    expect(POINTS_PERMISSIONS['points.createProgram']).toEqual(['points-issuer']);
    expect(POINTS_PERMISSIONS['points.approveProgram']).toEqual(['points-supervisor']);
    expect(POINTS_PERMISSIONS['points.claim']).toEqual(['*']);
  });
});

describe('roles', () => {
  it('every operation checks the caller’s role', () => {
    const sb = setup();
    const cases: [string, string, CborMap][] = [
      ['alice', 'grantRole', { program: P, role: 'distributor', account: sb.addr('alice') }],
      ['issuer', 'grantRole', { program: P, role: 'supervisor', account: sb.addr('alice') }],
      ['alice', 'claim', claimArgs(sb, 'bob')],
      ['alice', 'fund', { program: P, amount: 1 }],
      [
        'alice',
        'allotQuota',
        { program: P, distributor: sb.addr('device'), amount: 1, sponsor: sb.addr('insurer') },
      ],
      [
        'issuer',
        'allotQuota',
        { program: P, distributor: sb.addr('alice'), amount: 1, sponsor: sb.addr('insurer') },
      ],
      [
        'issuer',
        'allotQuota',
        { program: P, distributor: sb.addr('device'), amount: 1, sponsor: sb.addr('alice') },
      ],
      ['alice', 'listItem', { program: P, item: 'x', name: 'x', price: 1 }],
      ['alice', 'freeze', { program: P, account: sb.addr('bob'), reason: 'x' }],
      ['alice', 'expire', { program: P, accounts: [sb.addr('bob')] }],
      ['alice', 'closePeriod', { currency: 'CNY' }],
      ['issuer', 'proposeMethodology', { program: P, methodology: METHODOLOGY }],
    ];
    // the last one is allowed: the issuer proposes; swap in a non-issuer
    cases[cases.length - 1] = ['alice', 'proposeMethodology', { program: P, methodology: METHODOLOGY }];
    for (const [who, method, args] of cases) expectCode(sb, who, method, args, 'POINTS_WRONG_ROLE');
    // a redemption at an account that is no platform
    sb.ok('device', 'claim', claimArgs(sb, 'alice'));
    expectCode(
      sb,
      'alice',
      'redeem',
      { program: P, platform: sb.addr('bob'), item: 'coffee', price: 500 },
      'POINTS_WRONG_ROLE',
    );
    // supervisors manage supervisors; revoke works and is checked
    sb.ok('bureau', 'grantRole', { program: P, role: 'supervisor', account: sb.addr('auditor') });
    expectCode(
      sb,
      'bureau',
      'grantRole',
      { program: P, role: 'supervisor', account: sb.addr('auditor') },
      'POINTS_EXISTS',
    );
    sb.ok('issuer', 'revokeRole', { program: P, role: 'platform', account: sb.addr('shop') });
    expectCode(
      sb,
      'issuer',
      'revokeRole',
      { program: P, role: 'platform', account: sb.addr('shop') },
      'POINTS_NOT_FOUND',
    );
    expectCode(
      sb,
      'alice',
      'redeem',
      { program: P, platform: sb.addr('shop'), item: 'coffee', price: 500 },
      'POINTS_WRONG_ROLE',
    );
    expect(sb.query('roles', { program: P, account: sb.addr('alice') })).toEqual({
      program: P,
      account: sb.addr('alice'),
      roles: ['member'],
      frozen: false,
    });
    audited(sb);
  });
});

describe('measurement and claims', () => {
  it('turns a claim into a reduction and points through the methodology, recording its hash', () => {
    const sb = setup();
    const ev = sb.ok('device', 'claim', claimArgs(sb, 'alice', { quantity: 1 }));
    const awarded = ev.find((e) => e.name === 'awarded')?.data as Record<string, unknown>;
    expect(awarded).toMatchObject({ reductionG: 3633, points: 50, methodology: 1 });
    const m = sb.query('methodology', { program: P }) as { hash: string };
    expect(toHex(awarded.methodologyHash as Uint8Array)).toBe(m.hash);
    const claim = sb.query('claim', { program: P, id: toHex(awarded.claim as Uint8Array) }) as Record<
      string,
      unknown
    >;
    expect(claim).toMatchObject({
      kind: 'parked-day',
      variant: 'le16',
      reductionG: 3633,
      points: 50,
      methodologyHash: m.hash,
    });
    // a 22 km subway commute: 22 × (273 − 28.6) g = 5,376.8 g → 5,376 g, 53 points (0.1 per kg)
    const sub = sb.ok(
      'device',
      'claim',
      claimArgs(sb, 'bob', {
        kind: 'subway',
        variant: 'default',
        quantity: 22_000,
        periodStart: sb.now - 3_600_000,
        periodEnd: sb.now - 1_800_000,
      }),
    );
    expect(sub.find((e) => e.name === 'awarded')?.data).toMatchObject({ reductionG: 5376, points: 53 });
    expect(account(sb, 'alice').balance).toBe(50);
    expect(
      (sb.query('quota', { program: P, distributor: sb.addr('device') }) as { total: number }).total,
    ).toBe(10_000 - 103);
    audited(sb);
  });

  it('rejects a second claim for the same device and period, and overlapping periods', () => {
    const sb = setup();
    const args = claimArgs(sb, 'alice');
    sb.ok('device', 'claim', args);
    expectCode(sb, 'device', 'claim', args, 'POINTS_DUPLICATE_CLAIM');
    expectCode(
      sb,
      'device',
      'claim',
      {
        ...args,
        periodStart: (args.periodEnd as number) - 1000,
        periodEnd: (args.periodEnd as number) + 1000,
      },
      'POINTS_DUPLICATE_CLAIM',
    );
    // the next day on the same device is fine
    sb.ok(
      'device',
      'claim',
      { ...args, periodStart: args.periodEnd as number, periodEnd: (args.periodEnd as number) + DAY_MS },
      (args.periodEnd as number) + DAY_MS + 1,
    );
  });

  it('rejects claims outside the window', () => {
    const sb = setup({ activeFrom: T0 - 10 * DAY_MS });
    expectCode(
      sb,
      'device',
      'claim',
      claimArgs(sb, 'alice', { periodEnd: sb.now + DAY_MS }),
      'POINTS_OUTSIDE_WINDOW',
    );
    expectCode(
      sb,
      'device',
      'claim',
      claimArgs(sb, 'alice', { periodEnd: sb.now - 31 * DAY_MS }),
      'POINTS_OUTSIDE_WINDOW',
    );
    expectCode(
      sb,
      'device',
      'claim',
      claimArgs(sb, 'alice', { periodStart: T0 - 11 * DAY_MS, periodEnd: T0 - 9 * DAY_MS, quantity: 2 }),
      'POINTS_OUTSIDE_WINDOW',
    );
  });

  it('rejects unknown activities, implausible quantities, non-members and bad periods', () => {
    const sb = setup();
    expectCode(sb, 'device', 'claim', claimArgs(sb, 'alice', { kind: 'flight' }), 'POINTS_UNKNOWN_ACTIVITY');
    expectCode(
      sb,
      'device',
      'claim',
      claimArgs(sb, 'alice', { variant: 'diesel' }),
      'POINTS_UNKNOWN_ACTIVITY',
    );
    expectCode(sb, 'device', 'claim', claimArgs(sb, 'alice', { quantity: 2 }), 'POINTS_IMPLAUSIBLE_CLAIM');
    expectCode(sb, 'device', 'claim', claimArgs(sb, 'carol'), 'POINTS_NOT_MEMBER');
    expectCode(sb, 'device', 'claim', claimArgs(sb, 'device'), 'POINTS_WRONG_ROLE');
    const a = claimArgs(sb, 'alice');
    expectCode(sb, 'device', 'claim', { ...a, periodStart: a.periodEnd as number }, 'EXEC_BAD_ARGS');
  });

  it('keeps awards within the distributor’s quota', () => {
    const sb = setup();
    sb.ok('issuer', 'revokeQuota', {
      program: P,
      distributor: sb.addr('device'),
      amount: 9_960,
      sponsor: sb.addr('insurer'),
    });
    expectCode(sb, 'device', 'claim', claimArgs(sb, 'alice'), 'POINTS_OVER_QUOTA');
    expectCode(
      sb,
      'issuer',
      'revokeQuota',
      { program: P, distributor: sb.addr('device'), amount: 41, sponsor: sb.addr('insurer') },
      'POINTS_OVER_QUOTA',
    );
    audited(sb);
  });

  it('clips awards at the per-user caps, then refuses', () => {
    const sb = setup({ capPerWindow: 120, capWindowMs: 7 * DAY_MS, capTotal: 1000 });
    const end = sb.now - DAY_MS;
    const day = (i: number) => ({ periodStart: end - (3 - i) * DAY_MS, periodEnd: end - (2 - i) * DAY_MS });
    const dev = sb.suite.hash(utf8('one device'));
    sb.ok('device', 'claim', claimArgs(sb, 'alice', { device: dev, ...day(0) }));
    const second = sb.ok('device', 'claim', claimArgs(sb, 'alice', { device: dev, ...day(1) }));
    expect(second.find((e) => e.name === 'awarded')?.data).toMatchObject({ points: 50 });
    const third = sb.ok('device', 'claim', claimArgs(sb, 'alice', { device: dev, ...day(2) }));
    expect(third.find((e) => e.name === 'awarded')?.data).toMatchObject({ points: 20, capped: 30 });
    expectCode(sb, 'device', 'claim', claimArgs(sb, 'alice'), 'POINTS_CAP_EXCEEDED');
    expect(account(sb, 'alice').balance).toBe(120);
    // a new window
    sb.ok(
      'device',
      'claim',
      claimArgs(sb, 'alice', { periodEnd: sb.now + 7 * DAY_MS - DAY_MS }),
      sb.now + 7 * DAY_MS,
    );
    expect(account(sb, 'alice').balance).toBe(170);
  });

  it('versions the methodology: a new version applies once a supervisor approves it', () => {
    const sb = setup();
    const v2 = {
      ...METHODOLOGY,
      name: 'v2',
      rules: [
        {
          ...METHODOLOGY.rules[0],
          variants: {
            le16: { baselineMg: 4_983_000, projectMg: 1_350_000, pointsPerBase: 80, pointsPerKg: 0 },
          },
        },
      ],
    };
    sb.ok('issuer', 'proposeMethodology', { program: P, methodology: v2 });
    let ev = sb.ok('device', 'claim', claimArgs(sb, 'alice'));
    expect(ev.find((e) => e.name === 'awarded')?.data).toMatchObject({ points: 50, methodology: 1 });
    expectCode(sb, 'issuer', 'approveMethodology', { program: P, version: 2 }, 'POINTS_WRONG_ROLE');
    sb.ok('bureau', 'approveMethodology', { program: P, version: 2 });
    expectCode(sb, 'bureau', 'approveMethodology', { program: P, version: 2 }, 'POINTS_INVALID_STATE');
    // a version never applies to days before its approval: yesterday is still measured by v1
    ev = sb.ok('device', 'claim', claimArgs(sb, 'alice'));
    expect(ev.find((e) => e.name === 'awarded')?.data).toMatchObject({ points: 50, methodology: 1 });
    const from = sb.now + 1000;
    const claimTs = from + DAY_MS + 1000;
    ev = sb.ok(
      'device',
      'claim',
      claimArgs(sb, 'alice', { periodStart: from, periodEnd: from + DAY_MS }),
      claimTs,
    );
    const d = ev.find((e) => e.name === 'awarded')?.data as Record<string, unknown>;
    expect(d).toMatchObject({ points: 80, methodology: 2 });
    expect(toHex(d.methodologyHash as Uint8Array)).toBe(
      (sb.query('methodology', { program: P, version: 2 }) as { hash: string }).hash,
    );
  });
});

describe('lots, expiry and spending', () => {
  it('spends the oldest lots first; expired lots are refused, then swept as breakage', () => {
    const sb = setup({ expiry: { blocks: 5 } });
    sb.ok('device', 'claim', claimArgs(sb, 'alice')); // 50 at h
    const h1 = sb.height;
    sb.ok('device', 'claim', claimArgs(sb, 'alice')); // 50 at h+1
    expect(account(sb, 'alice').lots.map((l) => [l.amount, l.exp])).toEqual([
      [50, h1 + 5],
      [50, h1 + 6],
    ]);
    sb.ok('alice', 'transfer', { program: P, to: sb.addr('bob'), amount: 30 });
    // the oldest lot gave 30: bob's lot keeps its issue and expiry
    expect(account(sb, 'alice').lots.map((l) => l.amount)).toEqual([20, 50]);
    expect(account(sb, 'bob').lots.map((l) => [l.amount, l.exp])).toEqual([[30, h1 + 5]]);
    // advance until the first lots expire
    while (sb.height < h1 + 5) sb.ok('alice', 'relate', { program: P, with: sb.addr(`x${sb.height}`) });
    expect(account(sb, 'alice')).toMatchObject({ available: 50, expired: 20 });
    expectCode(sb, 'bob', 'transfer', { program: P, to: sb.addr('alice'), amount: 10 }, 'POINTS_LOT_EXPIRED');
    expectCode(sb, 'alice', 'transfer', { program: P, to: sb.addr('bob'), amount: 60 }, 'POINTS_LOT_EXPIRED');
    expectCode(
      sb,
      'alice',
      'transfer',
      { program: P, to: sb.addr('bob'), amount: 80 },
      'POINTS_INSUFFICIENT_BALANCE',
    );
    const poolBefore = bal(sb, `pool:${sb.addr('insurer')}`);
    const ev = sb.ok('issuer', 'expire', { program: P, accounts: [sb.addr('alice'), sb.addr('bob')] });
    // by now (three refused calls later) every lot has expired
    expect(ev[0]?.data).toMatchObject({ points: 100 });
    expect(bal(sb, 'expired')).toBe(100);
    // breakage: the backing returns to the sponsor's pool
    expect(bal(sb, `pool:${sb.addr('insurer')}`)).toBe(poolBefore + 100);
    expect(
      (sb.query('report', { program: P }) as { activity: Record<string, number> }).activity,
    ).toMatchObject({ expired: 100, breakageMoney: 100 });
    audited(sb);
  });

  it('expires by block timestamp under a duration policy', () => {
    const sb = setup({ expiry: { ms: 10 * DAY_MS } });
    sb.ok('device', 'claim', claimArgs(sb, 'alice'));
    sb.ok('alice', 'transfer', { program: P, to: sb.addr('bob'), amount: 10 }, sb.now + 9 * DAY_MS);
    expectCode(
      sb,
      'alice',
      'transfer',
      { program: P, to: sb.addr('bob'), amount: 10 },
      'POINTS_LOT_EXPIRED',
      sb.now + 2 * DAY_MS,
    );
    // a holder may sweep herself
    sb.ok('alice', 'expire', { program: P, accounts: [sb.addr('alice')] });
    expect(account(sb, 'alice').lots).toEqual([]);
    audited(sb);
  });

  it('applies the transfer policy', () => {
    const none = setup({ transfer: 'none' });
    none.ok('device', 'claim', claimArgs(none, 'alice'));
    expectCode(
      none,
      'alice',
      'transfer',
      { program: P, to: none.addr('bob'), amount: 10 },
      'POINTS_TRANSFER_NOT_ALLOWED',
    );
    const rel = setup({ transfer: 'relationships' });
    rel.ok('device', 'claim', claimArgs(rel, 'alice'));
    rel.ok('alice', 'relate', { program: P, with: rel.addr('bob') });
    expectCode(
      rel,
      'alice',
      'transfer',
      { program: P, to: rel.addr('bob'), amount: 10 },
      'POINTS_TRANSFER_NOT_ALLOWED',
    );
    rel.ok('bob', 'relate', { program: P, with: rel.addr('alice') });
    rel.ok('alice', 'transfer', { program: P, to: rel.addr('bob'), amount: 10 });
    rel.ok('bob', 'unrelate', { program: P, with: rel.addr('alice') });
    expectCode(
      rel,
      'alice',
      'transfer',
      { program: P, to: rel.addr('bob'), amount: 10 },
      'POINTS_TRANSFER_NOT_ALLOWED',
    );
    expectCode(
      rel,
      'alice',
      'transfer',
      { program: P, to: rel.addr('carol'), amount: 10 },
      'POINTS_TRANSFER_NOT_ALLOWED',
    );
    const open = setup();
    open.ok('device', 'claim', claimArgs(open, 'alice'));
    expectCode(
      open,
      'alice',
      'transfer',
      { program: P, to: open.addr('carol'), amount: 10 },
      'POINTS_NOT_MEMBER',
    );
    expectCode(
      open,
      'carol',
      'transfer',
      { program: P, to: open.addr('alice'), amount: 10 },
      'POINTS_NOT_MEMBER',
    );
    expectCode(
      open,
      'bob',
      'transfer',
      { program: P, to: open.addr('alice'), amount: 10 },
      'POINTS_INSUFFICIENT_BALANCE',
    );
    expectCode(
      open,
      'alice',
      'transfer',
      { program: P, to: open.addr('alice'), amount: 10 },
      'POINTS_BAD_AMOUNT',
    );
  });

  it('redeems catalogue items: points burn, the sponsor owes the platform, stock runs out', () => {
    const sb = setup();
    for (let i = 0; i < 30; i++) sb.ok('device', 'claim', claimArgs(sb, 'alice'));
    const ev = sb.ok('alice', 'redeem', {
      program: P,
      platform: sb.addr('shop'),
      item: 'coffee',
      quantity: 2,
      price: 500,
    });
    expect(ev[0]).toMatchObject({ name: 'redeemed', data: { points: 1000, money: 1000 } });
    expect(bal(sb, `redeemed:${sb.addr('shop')}`)).toBe(1000);
    expect(bal(sb, `payable:${sb.addr('insurer')}:${sb.addr('shop')}`)).toBe(1000);
    sb.ok('alice', 'redeem', { program: P, platform: sb.addr('shop'), item: 'coffee', price: 500 });
    expectCode(
      sb,
      'alice',
      'redeem',
      { program: P, platform: sb.addr('shop'), item: 'coffee', price: 500 },
      'POINTS_OUT_OF_STOCK',
    );
    expectCode(
      sb,
      'alice',
      'redeem',
      { program: P, platform: sb.addr('shop'), item: 'tea', price: 100 },
      'POINTS_NOT_FOUND',
    );
    sb.ok('shop', 'listItem', { program: P, item: 'tea', name: 'Tea', price: 100 });
    sb.ok('shop', 'delistItem', { program: P, item: 'tea' });
    expectCode(
      sb,
      'alice',
      'redeem',
      { program: P, platform: sb.addr('shop'), item: 'tea', price: 100 },
      'POINTS_NOT_FOUND',
    );
    expect((sb.query('items', { program: P }) as unknown[]).length).toBe(2);
    audited(sb);
  });

  it('donates to a cause: the sponsor owes the beneficiary', () => {
    const sb = setup();
    sb.ok('device', 'claim', claimArgs(sb, 'alice'));
    sb.ok('alice', 'donate', { program: P, cause: 'trees', amount: 40 });
    expect(bal(sb, 'donated:trees')).toBe(40);
    expect(bal(sb, `payable:${sb.addr('insurer')}:${sb.addr('charity')}`)).toBe(40);
    expectCode(sb, 'alice', 'donate', { program: P, cause: 'whales', amount: 1 }, 'POINTS_NOT_FOUND');
    expectCode(
      sb,
      'charity',
      'grant',
      { program: P, cause: 'trees', to: sb.addr('bob'), amount: 1 },
      'POINTS_WRONG_ROLE',
    );
    audited(sb);
  });

  it('refuses cash-out in a closed loop; allows it in an open one', () => {
    const closed = setup();
    closed.ok('device', 'claim', claimArgs(closed, 'alice'));
    expectCode(closed, 'alice', 'cashOut', { program: P, amount: 10 }, 'POINTS_CLOSED_LOOP');
    const open = setup({ closedLoop: false });
    open.ok('device', 'claim', claimArgs(open, 'alice'));
    open.ok('alice', 'cashOut', { program: P, amount: 10 });
    expect(bal(open, `payable:${open.addr('insurer')}:${open.addr('alice')}`)).toBe(10);
    audited(open);
  });

  it('checks the sponsor’s pool for quota and withdrawals', () => {
    const sb = setup();
    sb.ok('insurer', 'consentQuota', { program: P, distributor: sb.addr('device'), amount: 990_001 });
    expectCode(
      sb,
      'issuer',
      'allotQuota',
      { program: P, distributor: sb.addr('device'), amount: 990_001, sponsor: sb.addr('insurer') },
      'POINTS_INSUFFICIENT_FUNDS',
    );
    expectCode(sb, 'insurer', 'withdraw', { program: P, amount: 990_001 }, 'POINTS_INSUFFICIENT_FUNDS');
    withdrawPool(sb, P, 'insurer', 'bank', 990_000);
    expect(bal(sb, `reserve:${sb.addr('insurer')}`)).toBe(10_000);
    expect(bal(sb, `pool:${sb.addr('insurer')}`)).toBe(0);
    expectCode(
      sb,
      'issuer',
      'allotQuota',
      { program: P, distributor: sb.addr('device'), amount: 1 },
      'EXEC_BAD_ARGS',
    );
    audited(sb);
  });
});

describe('membership', () => {
  it('joins with consent once; withdrawing consent keeps her points spendable, and nothing new arrives', () => {
    const sb = setup();
    expectCode(sb, 'alice', 'join', { program: P, consent: new Uint8Array(32) }, 'POINTS_EXISTS');
    sb.ok('device', 'claim', claimArgs(sb, 'alice'));
    sb.ok('device', 'claim', claimArgs(sb, 'bob'));
    const ev = sb.ok('alice', 'leave', { program: P });
    expect(ev[0]?.data).toMatchObject({ kept: 50 });
    expectCode(sb, 'device', 'claim', claimArgs(sb, 'alice'), 'POINTS_NOT_MEMBER');
    expectCode(sb, 'bob', 'transfer', { program: P, to: sb.addr('alice'), amount: 1 }, 'POINTS_NOT_MEMBER');
    // what she holds is still hers to spend
    sb.ok('alice', 'donate', { program: P, cause: 'trees', amount: 50 });
    expectCode(sb, 'carol', 'donate', { program: P, cause: 'trees', amount: 1 }, 'POINTS_NOT_MEMBER');
    sb.ok('alice', 'join', { program: P, consent: sb.suite.hash(utf8('again')) });
    expect((sb.query('members', { program: P }) as { total: number }).total).toBe(2);
  });
});

describe('supervision', () => {
  it('freezes and unfreezes a user, a distributor and a program', () => {
    const sb = setup();
    sb.ok('device', 'claim', claimArgs(sb, 'alice'));
    sb.ok('bureau', 'freeze', { program: P, account: sb.addr('alice'), reason: 'suspected fraud' });
    expectCode(
      sb,
      'bureau',
      'freeze',
      { program: P, account: sb.addr('alice'), reason: 'again' },
      'POINTS_INVALID_STATE',
    );
    expectCode(sb, 'alice', 'transfer', { program: P, to: sb.addr('bob'), amount: 1 }, 'POINTS_FROZEN');
    expectCode(sb, 'device', 'claim', claimArgs(sb, 'alice'), 'POINTS_FROZEN');
    sb.ok('bureau', 'unfreeze', { program: P, account: sb.addr('alice'), reason: 'cleared' });
    sb.ok('alice', 'transfer', { program: P, to: sb.addr('bob'), amount: 1 });
    sb.ok('bureau', 'freeze', { program: P, account: sb.addr('device'), reason: 'device tampering' });
    expectCode(sb, 'device', 'claim', claimArgs(sb, 'bob'), 'POINTS_FROZEN');
    expectCode(
      sb,
      'issuer',
      'allotQuota',
      { program: P, distributor: sb.addr('device'), amount: 1, sponsor: sb.addr('insurer') },
      'POINTS_FROZEN',
    );
    sb.ok('bureau', 'unfreeze', { program: P, account: sb.addr('device'), reason: 'fixed' });
    sb.ok('bureau', 'freeze', { program: P, reason: 'audit' });
    expectCode(sb, 'device', 'claim', claimArgs(sb, 'bob'), 'POINTS_FROZEN');
    expectCode(sb, 'alice', 'transfer', { program: P, to: sb.addr('bob'), amount: 1 }, 'POINTS_FROZEN');
    sb.ok('bureau', 'unfreeze', { program: P, reason: 'audit done' });
    expectCode(sb, 'bureau', 'unfreeze', { program: P, reason: 'x' }, 'POINTS_INVALID_STATE');
    sb.ok('device', 'claim', claimArgs(sb, 'bob'));
    audited(sb);
  });

  it('lets anyone read every posting and the period report', () => {
    const sb = setup();
    sb.ok('device', 'claim', claimArgs(sb, 'alice'));
    sb.ok('shop', 'listItem', { program: P, item: 'sticker', name: 'Sticker', price: 10 });
    sb.ok('alice', 'redeem', { program: P, platform: sb.addr('shop'), item: 'sticker', price: 10 });
    const j = sb.query('journal', { program: P }) as {
      total: number;
      entries: { op: string; entries: { amount: number }[] }[];
    };
    expect(j.entries.map((e) => e.op)).toEqual(['fund', 'allot', 'award', 'redeem']);
    for (const e of j.entries) expect(e.entries.reduce((s, x) => s + x.amount, 0)).toBe(0);
    const r = sb.query('report', { program: P }) as {
      activity: Record<string, number>;
      liability: { balanced: boolean };
    };
    expect(r.activity).toMatchObject({
      claims: 1,
      awarded: 50,
      reductionG: 3633,
      allotted: 10_000,
      funded: 1_000_000,
    });
    expect(r.liability.balanced).toBe(true);
  });
});

afterAll(() => {
  // checked here rather than in a test so that it sees every test of this file
  const points = Object.keys(POINTS_ERRORS);
  // the round-2 codes are each tested (code + unchanged state) in points-attacks.test.ts
  const others = [
    'POINTS_DEBT_LIMIT',
    'POINTS_ALREADY_SIGNED',
    'POINTS_LIMIT',
    'POINTS_ROLE_CONFLICT',
    'POINTS_PRICE_CHANGED',
    'POINTS_NO_CONSENT',
    'POINTS_BALANCE_NOT_ZERO', // leaving with a debt: points-attacks.test.ts
    // round 2, item 2 onward: each tested in its own file (points-devices, points-verification, …)
    'POINTS_DEVICE_UNREGISTERED',
    'POINTS_DEVICE_CONFLICT',
    'POINTS_NOT_VALIDATED',
    'POINTS_READ_DENIED',
    // item 14: points-oversight.test.ts
    'POINTS_HELD',
  ];
  const missing = points.filter((c) => !seen.has(c) && !others.includes(c));
  expect(missing).toEqual([]);
});
