import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/encoding/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import { DAY_MS } from '../../src/modules/points/index.js';
import { PointsSandbox } from '../../src/testing/index.js';
import { allot, fundPool } from '../helpers/points-money.js';

const T0 = Date.UTC(2026, 0, 10);
const USERS = ['u0', 'u1', 'u2', 'u3'];
const MONEY = ['green', 'shop'];

const GREEN_RULES = {
  name: 'property methodology',
  rules: [
    {
      kind: 'walk',
      unit: 'm',
      divisor: 1000,
      roundTo: 0,
      maxPerDay: 50_000,
      variants: { default: { baselineMg: 273_000, projectMg: 0, pointsPerBase: 0, pointsPerKg: 100 } },
    },
    {
      kind: 'service',
      unit: 'min',
      divisor: 60,
      roundTo: 15,
      maxPerDay: 0,
      variants: { default: { baselineMg: 0, projectMg: 0, pointsPerBase: 100, pointsPerKg: 0 } },
    },
  ],
};

/** Two money programs in one book (with an exchange agreement) and a mutual-credit time bank. */
function world(): PointsSandbox {
  const sb = new PointsSandbox({ timestamp: T0, sign: false });
  const base = {
    unit: 'PT',
    precision: 0,
    clearing: sb.addr('bank'),
    supervisors: [sb.addr('sup')],
    transfer: 'program',
    closedLoop: false,
    claimWindowMs: 5 * DAY_MS,
    methodology: GREEN_RULES,
  };
  for (const [i, id] of MONEY.entries()) {
    sb.ok('issuer', 'createProgram', {
      ...base,
      id,
      name: id,
      currency: 'CNY',
      value: i + 1,
      expiry: i === 0 ? { blocks: 12 } : { ms: 6 * 3_600_000 },
      capPerWindow: 3000,
      capWindowMs: DAY_MS,
      causes: [{ id: 'charity', beneficiary: sb.addr('ngo'), pot: false }],
    } as CborMap);
    sb.ok('sup', 'approveProgram', { program: id });
    for (const [role, who] of [
      ['distributor', 'dist'],
      ['sponsor', 's0'],
      ['sponsor', 's1'],
      ['platform', 'plat'],
    ] as const) {
      sb.ok('issuer', 'grantRole', { program: id, role, account: sb.addr(who) });
    }
    fundPool(sb, id, 's0', 'bank', 20_000);
    allot(sb, 'issuer', { program: id, distributor: 'dist', amount: 5000, sponsor: 's0' });
    sb.ok('plat', 'listItem', { program: id, item: 'gift', name: 'gift', price: 70, stock: 20 });
    for (const u of USERS) sb.ok(u, 'join', { program: id, consent: new Uint8Array(32) });
  }
  sb.ok('issuer', 'proposeExchange', {
    id: 'x',
    from: 'green',
    to: 'shop',
    rateFrom: 2,
    rateTo: 1,
    backer: sb.addr('s0'),
  });
  sb.ok('issuer', 'acceptExchange', { id: 'x', backer: sb.addr('s1') });
  sb.ok('s0', 'backExchange', { agreement: 'x', program: 'green' });
  sb.ok('s1', 'backExchange', { agreement: 'x', program: 'shop' });
  fundPool(sb, 'shop', 's1', 'bank', 5000);
  sb.ok('issuer', 'createProgram', {
    ...base,
    id: 'tb',
    name: 'tb',
    currency: 'none',
    value: 0,
    expiry: {},
    debtLimit: 300,
    serviceMaxMinutes: 240,
    causes: [{ id: 'pot', beneficiary: sb.addr('steward'), pot: true }],
  } as CborMap);
  sb.ok('sup', 'approveProgram', { program: 'tb' });
  for (const u of USERS) sb.ok(u, 'join', { program: 'tb', consent: new Uint8Array(32) });
  // everyone starts with some points in both money programs
  for (const program of MONEY) {
    for (const u of USERS) {
      sb.ok('dist', 'claim', {
        program,
        user: sb.addr(u),
        kind: 'walk',
        quantity: 9000,
        periodStart: sb.now - 7_200_000,
        periodEnd: sb.now - 3_600_000,
        device: sb.suite.hash(utf8(`setup-${u}`)),
        evidence: new Uint8Array(32),
        measuredBy: 'phone',
      });
    }
  }
  return sb;
}

const user = fc.constantFrom(...USERS);
const moneyProgram = fc.constantFrom(...MONEY);
const anyProgram = fc.constantFrom(...MONEY, 'tb');
const amount = fc.integer({ min: 1, max: 400 });
const sponsor = fc.constantFrom('s0', 's1');

/** An operation: who calls what; arguments are built against the sandbox (addresses, clock). */
type Call = [string, string, CborMap];
type Op = (sb: PointsSandbox) => Call | Call[];

function callsOf(c: Call | Call[]): Call[] {
  return Array.isArray(c[0]) ? (c as Call[]) : [c as Call];
}

const ops: fc.Arbitrary<Op>[] = [
  fc
    .tuple(
      moneyProgram,
      user,
      fc.integer({ min: 0, max: 12_000 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 6 }),
    )
    .map(([program, u, metres, dev, back]) => (sb) => {
      const end = sb.now - back * 3_600_000;
      return [
        'dist',
        'claim',
        {
          program,
          user: sb.addr(u),
          kind: 'walk',
          quantity: metres,
          periodStart: end - 3_600_000,
          periodEnd: end,
          device: sb.suite.hash(utf8(`${u}-${dev}`)),
          evidence: new Uint8Array(32),
          measuredBy: 'phone',
        },
      ];
    }),
  fc.tuple(anyProgram, user, user, amount).map(([program, a, b, n]) => (sb) => [
    a,
    'transfer',
    { program, to: sb.addr(b), amount: n },
  ]),
  fc.tuple(moneyProgram, user, fc.integer({ min: 1, max: 3 })).map(([program, u, q]) => (sb) => [
    u,
    'redeem',
    { program, platform: sb.addr('plat'), item: 'gift', quantity: q, price: 70 },
  ]),
  fc.tuple(anyProgram, user, amount).map(([program, u, n]) => () => [
    u,
    'donate',
    { program, cause: program === 'tb' ? 'pot' : 'charity', amount: n },
  ]),
  fc.tuple(moneyProgram, user, amount).map(([program, u, n]) => () => [u, 'cashOut', { program, amount: n }]),
  fc.tuple(user, amount).map(([u, n]) => (sb) => [
    'steward',
    'grant',
    { program: 'tb', cause: 'pot', to: sb.addr(u), amount: n },
  ]),
  fc.tuple(anyProgram, fc.subarray(USERS, { minLength: 1 })).map(([program, us]) => (sb) => [
    'issuer',
    'expire',
    { program, accounts: us.map((u) => sb.addr(u)) },
  ]),
  // money moves on the sponsor's request and the bank's confirmation (the bank may confirm less)
  fc
    .tuple(moneyProgram, sponsor, fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 5000 }))
    .map(([program, s, n, c]) => (sb) => [
      [s, 'fund', { program, amount: n }],
      ['bank', 'confirmFunding', { program, sponsor: sb.addr(s), amount: Math.max(1, c) }],
    ]),
  fc
    .tuple(moneyProgram, sponsor, fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 5000 }))
    .map(([program, s, n, c]) => (sb) => [
      [s, 'withdraw', { program, amount: n }],
      ['bank', 'confirmWithdrawal', { program, sponsor: sb.addr(s), amount: Math.max(1, c) }],
    ]),
  fc
    .tuple(moneyProgram, sponsor, fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 3000 }))
    .map(([program, s, n, c]) => (sb) => [
      [s, 'consentQuota', { program, distributor: sb.addr('dist'), amount: Math.max(1, c) }],
      ['issuer', 'allotQuota', { program, distributor: sb.addr('dist'), amount: n, sponsor: sb.addr(s) }],
    ]),
  fc.tuple(moneyProgram, sponsor, fc.integer({ min: 1, max: 3000 })).map(([program, s, n]) => (sb) => [
    'issuer',
    'revokeQuota',
    { program, distributor: sb.addr('dist'), amount: n, sponsor: sb.addr(s) },
  ]),
  fc.tuple(moneyProgram, user, fc.integer({ min: 1, max: 300 })).map(([from, u, n]) => () => [
    u,
    'convert',
    { agreement: 'x', from, amount: n },
  ]),
  fc.tuple(anyProgram, fc.option(user), fc.boolean()).map(([program, u, on]) => (sb) => [
    'sup',
    on ? 'freeze' : 'unfreeze',
    { program, reason: 'p', ...(u === null ? {} : { account: sb.addr(u) }) },
  ]),
  fc
    .tuple(user, user, fc.integer({ min: 1, max: 240 }), fc.boolean())
    .map(([a, b, minutes, confirm]) => (sb) => {
      // a service is logged by the provider, then confirmed (or rejected) by the recipient
      const id = sb.suite.hash(utf8(`svc-${serviceSeq++}`));
      return [
        [a, 'logService', { program: 'tb', id, recipient: sb.addr(b), minutes, kind: 'service' }],
        [b, confirm ? 'confirmService' : 'rejectService', { program: 'tb', id }],
      ];
    }),
  fc.constant(() => ['bank', 'closePeriod', { currency: 'CNY' }]),
];

let serviceSeq = 0;

/** Earning and spending come up more often than administration. */
const weighted = fc.oneof(
  ...ops.map((arbitrary, i) => ({ arbitrary, weight: i < 4 ? 4 : i === 13 ? 6 : 1 })),
);

const scenario = fc.array(fc.tuple(weighted, fc.integer({ min: 1, max: 3_600_000 })), {
  minLength: 5,
  maxLength: 40,
});

describe('points: properties over random operation sequences', () => {
  it('conserves points and money in every program, and a rejected operation changes nothing', () => {
    const statuses = new Map<string, number>();
    fc.assert(
      fc.property(scenario, (steps) => {
        const sb = world();
        for (const [mk, dt] of steps) {
          for (const [who, method, args] of callsOf(mk(sb))) {
            const before = sb.snapshot();
            const r = sb.call(who, method, args, sb.now + dt);
            statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
            if (r.status !== 'ok') {
              expect(r.writes).toEqual([]);
              expect(sb.snapshot()).toEqual(before);
            }
            for (const p of [...MONEY, 'tb']) {
              const audit = sb.audit(p);
              if (audit.violations.length > 0) {
                throw new Error(`${method} broke ${p}: ${audit.violations.join('; ')}`);
              }
            }
          }
        }
        // mutual credit: members + pot sum to zero
        const tb = sb.query('totals', { program: 'tb' }) as { points: { user: number; donated: number } };
        expect(tb.points.user + tb.points.donated).toBe(0);
      }),
      { numRuns: 60 },
    );
    // the random sequences exercised both outcomes
    expect(statuses.get('ok') ?? 0).toBeGreaterThan(100);
    expect([...statuses.keys()].filter((s) => s !== 'ok').length).toBeGreaterThan(5);
  });

  it('keeps the books sound when many operations share one block', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(weighted, { minLength: 1, maxLength: 15 }), { maxLength: 4 }),
        (blocks) => {
          const sb = world();
          for (const mks of blocks) {
            const receipts = sb.block(
              mks.flatMap((mk) => callsOf(mk(sb))),
              sb.now + 3_600_000,
            );
            for (const r of receipts) if (r.status !== 'ok') expect(r.writes).toEqual([]);
            for (const p of [...MONEY, 'tb']) expect(sb.audit(p).violations).toEqual([]);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
