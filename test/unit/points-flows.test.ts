import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/encoding/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import { DAY_MS } from '../../src/modules/points/index.js';
import { PointsSandbox } from '../../src/testing/index.js';
import { allot, fundPool } from '../helpers/points-money.js';

const T0 = Date.UTC(2026, 0, 10);

const SERVICE_METHODOLOGY = {
  name: 'time bank: 1 h = 1 credit, quarter-hour rounding',
  rules: [
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

function timeBank(sb: PointsSandbox, id: string, over: Record<string, unknown> = {}): void {
  sb.ok(`${id}-center`, 'createProgram', {
    id,
    name: `Time bank ${id}`,
    unit: 'HOUR',
    precision: 2,
    currency: 'none',
    value: 0,
    clearing: sb.addr(`${id}-center`),
    supervisors: [sb.addr('civil-affairs')],
    expiry: {},
    transfer: 'program',
    closedLoop: true,
    claimWindowMs: 30 * DAY_MS,
    debtLimit: 1000,
    serviceMaxMinutes: 720,
    causes: [{ id: 'community-pot', beneficiary: sb.addr(`${id}-steward`), pot: true }],
    methodology: SERVICE_METHODOLOGY,
    ...over,
  } as CborMap);
  sb.ok('civil-affairs', 'approveProgram', { program: id });
}

function join(sb: PointsSandbox, program: string, ...who: string[]): void {
  for (const w of who) sb.ok(w, 'join', { program, consent: sb.suite.hash(utf8(`${w} consents`)) });
}

function balanceOf(sb: PointsSandbox, program: string, who: string): number {
  return (sb.query('account', { program, account: sb.addr(who) }) as { balance: number }).balance;
}

function usersSum(sb: PointsSandbox, program: string, who: readonly string[]): number {
  return who.reduce((s, w) => s + balanceOf(sb, program, w), 0);
}

let svc = 0;
function service(sb: PointsSandbox, program: string, provider: string, recipient: string, minutes: number) {
  const id = sb.suite.hash(utf8(`service-${svc++}`));
  sb.ok(provider, 'logService', { program, id, recipient: sb.addr(recipient), minutes, kind: 'service' });
  return id;
}

describe('time bank: mutual credit', () => {
  it('moves credits on confirmation with quarter-hour rounding, within a debt limit; the sum stays zero', () => {
    const sb = new PointsSandbox({ timestamp: T0 });
    timeBank(sb, 'tb1');
    const people = ['ann', 'ben', 'cat'];
    join(sb, 'tb1', ...people);
    const id = service(sb, 'tb1', 'ann', 'ben', 52); // 52 min → 45 min → 0.75 credit
    expect(sb.status('ann', 'confirmService', { program: 'tb1', id })).toBe('POINTS_WRONG_ROLE');
    const ev = sb.ok('ben', 'confirmService', { program: 'tb1', id });
    expect(ev[0]?.data).toMatchObject({ credits: 75 });
    expect(balanceOf(sb, 'tb1', 'ann')).toBe(75);
    expect(balanceOf(sb, 'tb1', 'ben')).toBe(-75);
    expect(sb.status('ben', 'confirmService', { program: 'tb1', id })).toBe('POINTS_INVALID_STATE');
    expect(
      sb.status('ann', 'logService', {
        program: 'tb1',
        id,
        recipient: sb.addr('ben'),
        minutes: 5,
        kind: 'service',
      }),
    ).toBe('POINTS_DUPLICATE_CLAIM');
    // 8 min → 15 min; 7 min → 0
    sb.ok('cat', 'confirmService', { program: 'tb1', id: service(sb, 'tb1', 'ben', 'cat', 8) });
    sb.ok('ann', 'confirmService', { program: 'tb1', id: service(sb, 'tb1', 'cat', 'ann', 7) });
    expect(people.map((p) => balanceOf(sb, 'tb1', p))).toEqual([75, -50, -25]);
    // the debt limit is 10 credits
    const big = service(sb, 'tb1', 'ann', 'ben', 600);
    expect(sb.status('ben', 'confirmService', { program: 'tb1', id: big })).toBe('POINTS_DEBT_LIMIT');
    sb.ok('ben', 'rejectService', { program: 'tb1', id: big });
    expect(sb.status('ben', 'confirmService', { program: 'tb1', id: big })).toBe('POINTS_INVALID_STATE');
    // a provider in debt repays it first
    sb.ok('ann', 'confirmService', { program: 'tb1', id: service(sb, 'tb1', 'ben', 'ann', 60) });
    expect((sb.query('account', { program: 'tb1', account: sb.addr('ben') }) as { debt: number }).debt).toBe(
      0,
    );
    expect(people.map((p) => balanceOf(sb, 'tb1', p))).toEqual([-25, 50, -25]);
    expect(usersSum(sb, 'tb1', people)).toBe(0);
    // plain transfers never create debt
    expect(sb.status('cat', 'transfer', { program: 'tb1', to: sb.addr('ann'), amount: 1 })).toBe(
      'POINTS_INSUFFICIENT_BALANCE',
    );
    expect(sb.status('cat', 'leave', { program: 'tb1' })).toBe('POINTS_BALANCE_NOT_ZERO');
    expect(sb.audit('tb1').violations).toEqual([]);
  });

  it('keeps donations in a community pot that the steward re-grants', () => {
    const sb = new PointsSandbox({ timestamp: T0 });
    timeBank(sb, 'tb1');
    join(sb, 'tb1', 'ann', 'ben', 'dora');
    sb.ok('ben', 'confirmService', { program: 'tb1', id: service(sb, 'tb1', 'ann', 'ben', 120) });
    sb.ok('ann', 'donate', { program: 'tb1', cause: 'community-pot', amount: 150 });
    expect(
      sb.status('ann', 'grant', { program: 'tb1', cause: 'community-pot', to: sb.addr('dora'), amount: 50 }),
    ).toBe('POINTS_WRONG_ROLE');
    expect(
      sb.status('tb1-steward', 'grant', {
        program: 'tb1',
        cause: 'community-pot',
        to: sb.addr('dora'),
        amount: 151,
      }),
    ).toBe('POINTS_INSUFFICIENT_BALANCE');
    sb.ok('tb1-steward', 'grant', {
      program: 'tb1',
      cause: 'community-pot',
      to: sb.addr('dora'),
      amount: 100,
    });
    expect(['ann', 'ben', 'dora'].map((p) => balanceOf(sb, 'tb1', p))).toEqual([50, -200, 100]);
    const t = sb.query('totals', { program: 'tb1' }) as { points: { donated: number }; balanced: boolean };
    // system-wide: members + pot = 0
    expect(usersSum(sb, 'tb1', ['ann', 'ben', 'dora']) + t.points.donated).toBe(0);
    expect(t.balanced).toBe(true);
    expect(sb.audit('tb1').violations).toEqual([]);
  });

  it('exchanges between two time banks by agreement recorded by both; both post', () => {
    const sb = new PointsSandbox({ timestamp: T0 });
    timeBank(sb, 'tb1');
    timeBank(sb, 'tb2');
    join(sb, 'tb1', 'ann', 'ben');
    join(sb, 'tb2', 'ann', 'eve');
    sb.ok('ben', 'confirmService', { program: 'tb1', id: service(sb, 'tb1', 'ann', 'ben', 120) });
    expect(
      sb.status('tb2-center', 'proposeExchange', {
        id: 'tb1-tb2',
        from: 'tb1',
        to: 'tb2',
        rateFrom: 1,
        rateTo: 1,
      }),
    ).toBe('POINTS_WRONG_ROLE');
    // without money a position limit is required: at most 3 h of tb1 out on net either way
    expect(
      sb.status('tb1-center', 'proposeExchange', {
        id: 'tb1-tb2',
        from: 'tb1',
        to: 'tb2',
        rateFrom: 1,
        rateTo: 1,
      }),
    ).toBe('POINTS_BAD_CONFIG');
    sb.ok('tb1-center', 'proposeExchange', {
      id: 'tb1-tb2',
      from: 'tb1',
      to: 'tb2',
      rateFrom: 1,
      rateTo: 1,
      positionLimit: 300,
    });
    expect(sb.status('ann', 'convert', { agreement: 'tb1-tb2', from: 'tb1', amount: 50 })).toBe(
      'POINTS_INVALID_STATE',
    );
    expect(sb.status('tb1-center', 'acceptExchange', { id: 'tb1-tb2' })).toBe('POINTS_WRONG_ROLE');
    sb.ok('tb2-center', 'acceptExchange', { id: 'tb1-tb2' });
    const ev = sb.ok('ann', 'convert', { agreement: 'tb1-tb2', from: 'tb1', amount: 150 });
    expect(ev[0]?.data).toMatchObject({ amount: 150, received: 150 });
    expect(sb.status('ben', 'convert', { agreement: 'tb1-tb2', from: 'tb1', amount: 1 })).toBe(
      'POINTS_NOT_MEMBER',
    );
    sb.ok('ann', 'transfer', { program: 'tb2', to: sb.addr('eve'), amount: 100 });
    sb.ok('eve', 'join', { program: 'tb1', consent: new Uint8Array(32) });
    sb.ok('eve', 'convert', { agreement: 'tb1-tb2', from: 'tb2', amount: 40 });
    // system-wide: members and exchange accounts of both banks sum to zero
    const sum = (p: string, who: string[]) =>
      usersSum(sb, p, who) +
      (sb.query('totals', { program: p }) as { points: { exchange: number } }).points.exchange;
    expect(sum('tb1', ['ann', 'ben', 'eve']) + sum('tb2', ['ann', 'eve'])).toBe(0);
    expect(balanceOf(sb, 'tb1', 'eve')).toBe(40);
    sb.ok('tb1-center', 'endExchange', { id: 'tb1-tb2' });
    expect(sb.status('ann', 'convert', { agreement: 'tb1-tb2', from: 'tb2', amount: 1 })).toBe(
      'POINTS_INVALID_STATE',
    );
    expect(sb.audit('tb1').violations).toEqual([]);
    expect(sb.audit('tb2').violations).toEqual([]);
  });
});

/** Two programs in one book (same clearing bank, CNY): parking points and merchant points. */
function parkingAndMerchants(mallValue = 10): PointsSandbox {
  const sb = new PointsSandbox({ timestamp: T0 });
  const base = {
    unit: 'PT',
    precision: 0,
    currency: 'CNY',
    value: 10,
    clearing: sb.addr('bank'),
    supervisors: [sb.addr('bureau')],
    expiry: { ms: 365 * DAY_MS },
    transfer: 'none',
    closedLoop: true,
    claimWindowMs: 7 * DAY_MS,
    methodology: {
      name: '1 point per yuan of fee',
      rules: [
        {
          kind: 'fee',
          unit: 'fen',
          divisor: 100,
          roundTo: 0,
          maxPerDay: 0,
          variants: { default: { baselineMg: 0, projectMg: 0, pointsPerBase: 1, pointsPerKg: 0 } },
        },
      ],
    },
  };
  sb.ok('park-issuer', 'createProgram', { ...base, id: 'park', name: 'Parking points' } as CborMap);
  sb.ok('mall-issuer', 'createProgram', {
    ...base,
    id: 'mall',
    name: 'Merchant points',
    value: mallValue,
  } as CborMap);
  for (const p of ['park', 'mall']) sb.ok('bureau', 'approveProgram', { program: p });
  // parking: the operator is distributor and sponsor; the café is a platform
  sb.ok('park-issuer', 'grantRole', { program: 'park', role: 'distributor', account: sb.addr('operator') });
  sb.ok('park-issuer', 'grantRole', { program: 'park', role: 'sponsor', account: sb.addr('operator') });
  sb.ok('park-issuer', 'grantRole', { program: 'park', role: 'platform', account: sb.addr('cafe') });
  // merchants: the café awards and sponsors; the parking operator accepts merchant points for parking
  sb.ok('mall-issuer', 'grantRole', { program: 'mall', role: 'distributor', account: sb.addr('cafe') });
  sb.ok('mall-issuer', 'grantRole', { program: 'mall', role: 'sponsor', account: sb.addr('cafe') });
  sb.ok('mall-issuer', 'grantRole', { program: 'mall', role: 'platform', account: sb.addr('operator') });
  fundPool(sb, 'park', 'operator', 'bank', 100_000);
  fundPool(sb, 'mall', 'cafe', 'bank', 100_000);
  allot(sb, 'park-issuer', { program: 'park', distributor: 'operator', amount: 5000, sponsor: 'operator' });
  allot(sb, 'mall-issuer', { program: 'mall', distributor: 'cafe', amount: 5000, sponsor: 'cafe' });
  sb.ok('cafe', 'listItem', { program: 'park', item: 'latte', name: 'Latte', price: 30 });
  sb.ok('operator', 'listItem', { program: 'mall', item: 'hour', name: 'One hour parking', price: 10 });
  for (const p of ['park', 'mall']) sb.ok('driver', 'join', { program: p, consent: new Uint8Array(32) });
  return sb;
}

function fee(sb: PointsSandbox, program: string, who: string, fen: number, n: number): CborMap {
  return {
    program,
    user: sb.addr('driver'),
    kind: 'fee',
    quantity: fen,
    periodStart: sb.now - 7_200_000,
    periodEnd: sb.now - 3_600_000,
    device: sb.suite.hash(utf8(`${who}-session-${n}`)),
    evidence: sb.suite.hash(utf8(`receipt-${n}`)),
    measuredBy: `${who}-pos`,
  };
}

describe('settlement', () => {
  it('nets what each pair owes, issues statements both parties sign, records disputes', () => {
    const sb = parkingAndMerchants();
    sb.ok('operator', 'claim', fee(sb, 'park', 'operator', 5000, 1)); // 50 parking points
    sb.ok('cafe', 'claim', fee(sb, 'mall', 'cafe', 4000, 2)); // 40 merchant points
    sb.ok('driver', 'redeem', { program: 'park', platform: sb.addr('cafe'), item: 'latte', price: 30 }); // operator owes café 300
    sb.ok('driver', 'redeem', {
      program: 'mall',
      platform: sb.addr('operator'),
      item: 'hour',
      quantity: 2,
      price: 10,
    }); // café owes operator 200
    expect(sb.status('bureau', 'closePeriod', { currency: 'CNY' })).toBe('POINTS_WRONG_ROLE');
    const closed = sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(closed[0]?.data).toMatchObject({ period: 1, pairs: 1, statements: 3 });
    const period = sb.query('period', { currency: 'CNY', clearing: sb.addr('bank'), period: 1 }) as {
      statements: string[];
      programs: { program: string; settledMoney: number; liabilityPoints: number; reserveMoney: number }[];
    };
    expect(period.programs.map((p) => [p.program, p.settledMoney, p.liabilityPoints])).toEqual([
      ['park', 300, 5000 - 30],
      ['mall', 200, 5000 - 20],
    ]);
    const statements = period.statements.map(
      (d) =>
        sb.query('statement', { digest: d }) as {
          kind: string;
          parties: string[];
          body: Record<string, unknown>;
          status: string;
        },
    );
    const pair = statements.find((s) => s.kind === 'pair');
    const [a, b] = [sb.addr('operator'), sb.addr('cafe')].sort();
    expect(pair?.body).toMatchObject({
      a,
      b,
      net: 100,
      netPayer: sb.addr('operator'),
      netPayee: sb.addr('cafe'),
    });
    const activity = statements.filter((s) => s.kind === 'activity');
    expect(activity.map((s) => s.body.counters)).toEqual([
      { awarded: 50, claims: 1, 'q:fee': 5000 },
      { awarded: 40, claims: 1, 'q:fee': 4000 },
    ]);
    // payables moved to paid; the next period starts empty
    expect(
      (
        sb.query('balance', {
          program: 'park',
          account: `paid:${sb.addr('operator')}:${sb.addr('cafe')}`,
        }) as { balance: number }
      ).balance,
    ).toBe(300);
    expect(
      (sb.query('report', { program: 'park' }) as { period: number; activity: object }).activity,
    ).toEqual({});
    expect((sb.query('report', { program: 'park', period: 1 }) as { closed: boolean }).closed).toBe(true);
    // signatures: both parties; a stranger cannot; twice is refused
    const digest = period.statements[period.statements.length - 1] as string;
    const d = Buffer.from(digest, 'hex');
    expect(sb.status('driver', 'signStatement', { digest: d })).toBe('POINTS_WRONG_ROLE');
    sb.ok('operator', 'signStatement', { digest: d });
    expect(sb.status('operator', 'signStatement', { digest: d })).toBe('POINTS_ALREADY_SIGNED');
    expect(sb.status('operator', 'disputeStatement', { digest: d, reason: 'x' })).toBe(
      'POINTS_ALREADY_SIGNED',
    );
    sb.ok('cafe', 'disputeStatement', { digest: d, reason: 'latte count differs' });
    expect((sb.query('statement', { digest }) as { status: string }).status).toBe('disputed');
    sb.ok('cafe', 'signStatement', { digest: d });
    expect(sb.query('statement', { digest }) as { status: string; disputes: unknown[] }).toMatchObject({
      status: 'agreed',
      disputes: [{ by: sb.addr('cafe'), reason: 'latte count differs' }],
    });
    expect(sb.status('bank', 'signStatement', { digest: new Uint8Array(32) })).toBe('POINTS_NOT_FOUND');
    // an activity statement: distributor and clearing bank sign (a record to lend against)
    const act = Buffer.from(period.statements[0] as string, 'hex');
    sb.ok('operator', 'signStatement', { digest: act });
    sb.ok('bank', 'signStatement', { digest: act });
    expect((sb.query('statement', { digest: toHex(act) }) as { status: string }).status).toBe('agreed');
    // disputes are bounded
    const other = Buffer.from(period.statements[1] as string, 'hex');
    for (let i = 0; i < 64; i++) sb.ok('cafe', 'disputeStatement', { digest: other, reason: `r${i}` });
    expect(sb.status('cafe', 'disputeStatement', { digest: other, reason: 'one more' })).toBe('POINTS_LIMIT');
    expect(sb.audit('park').violations).toEqual([]);
    expect(sb.audit('mall').violations).toEqual([]);
  });

  it('converts between programs at the agreed rate; each side’s sponsors owe the other’s backer', () => {
    // a parking point is worth 10 fen, a merchant point 5: the value-neutral rate is 1 : 2
    const sb = parkingAndMerchants(5);
    sb.ok('operator', 'claim', fee(sb, 'park', 'operator', 10_000, 1)); // 100 parking points
    sb.ok('park-issuer', 'proposeExchange', {
      id: 'park-mall',
      from: 'park',
      to: 'mall',
      rateFrom: 1,
      rateTo: 2,
      backer: sb.addr('operator'),
    });
    expect(sb.status('mall-issuer', 'acceptExchange', { id: 'park-mall' })).toBe('EXEC_BAD_ARGS');
    sb.ok('mall-issuer', 'acceptExchange', { id: 'park-mall', backer: sb.addr('cafe') });
    // the backers sign for the side whose arriving points they back
    expect(sb.status('driver', 'convert', { agreement: 'park-mall', from: 'park', amount: 40 })).toBe(
      'POINTS_NO_CONSENT',
    );
    sb.ok('operator', 'backExchange', { agreement: 'park-mall', program: 'park' });
    sb.ok('cafe', 'backExchange', { agreement: 'park-mall', program: 'mall' });
    sb.ok('driver', 'convert', { agreement: 'park-mall', from: 'park', amount: 40 }); // → 80 merchant points
    expect(balanceOf(sb, 'park', 'driver')).toBe(60);
    expect(balanceOf(sb, 'mall', 'driver')).toBe(80);
    expect(sb.status('driver', 'convert', { agreement: 'park-mall', from: 'mall', amount: 3 })).toBe(
      'POINTS_BAD_AMOUNT',
    );
    // the operator's backing (400 fen) is now owed to the café, which reserved exactly 400 for the new points
    const b = (p: string, acct: string) =>
      (sb.query('balance', { program: p, account: acct }) as { balance: number }).balance;
    expect(b('park', `payable:${sb.addr('operator')}:${sb.addr('cafe')}`)).toBe(400);
    expect(b('mall', `reserve:${sb.addr('cafe')}`)).toBe(25_000 + 400);
    expect(b('park', 'exchange:mall')).toBe(40);
    expect(b('mall', 'exchange:park')).toBe(-80);
    sb.ok('driver', 'convert', { agreement: 'park-mall', from: 'mall', amount: 30 }); // → 15 parking points
    expect(b('mall', `payable:${sb.addr('cafe')}:${sb.addr('operator')}`)).toBe(150);
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    const period = sb.query('period', { currency: 'CNY', clearing: sb.addr('bank'), period: 1 }) as {
      statements: string[];
    };
    const pair = period.statements
      .map((d) => sb.query('statement', { digest: d }) as { kind: string; body: Record<string, unknown> })
      .find((s) => s.kind === 'pair');
    expect(pair?.body).toMatchObject({ net: 250, netPayer: sb.addr('operator') });
    expect(sb.audit('park').violations).toEqual([]);
    expect(sb.audit('mall').violations).toEqual([]);
  });

  it('refuses exchange agreements across books', () => {
    const sb = parkingAndMerchants();
    timeBank(sb, 'tb1');
    expect(
      sb.status('park-issuer', 'proposeExchange', {
        id: 'x',
        from: 'park',
        to: 'tb1',
        rateFrom: 1,
        rateTo: 1,
        backer: sb.addr('operator'),
      }),
    ).toBe('POINTS_BAD_CONFIG');
    expect(
      sb.status('park-issuer', 'proposeExchange', {
        id: 'x',
        from: 'park',
        to: 'park',
        rateFrom: 1,
        rateTo: 1,
        backer: sb.addr('operator'),
      }),
    ).toBe('POINTS_BAD_CONFIG');
    expect(
      sb.status('park-issuer', 'proposeExchange', {
        id: 'x',
        from: 'park',
        to: 'mall',
        rateFrom: 1,
        rateTo: 1,
        backer: sb.addr('cafe'),
      }),
    ).toBe('POINTS_WRONG_ROLE');
    sb.ok('park-issuer', 'proposeExchange', {
      id: 'x',
      from: 'park',
      to: 'mall',
      rateFrom: 1,
      rateTo: 1,
      backer: sb.addr('operator'),
    });
    expect(
      sb.status('park-issuer', 'proposeExchange', {
        id: 'x',
        from: 'park',
        to: 'mall',
        rateFrom: 1,
        rateTo: 1,
        backer: sb.addr('operator'),
      }),
    ).toBe('POINTS_EXISTS');
    expect(sb.status('driver', 'convert', { agreement: 'nope', from: 'park', amount: 1 })).toBe(
      'POINTS_NOT_FOUND',
    );
  });
});
