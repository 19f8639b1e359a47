import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/encoding/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import { DAY_MS } from '../../src/modules/points/index.js';
import { PointsSandbox } from '../../src/testing/index.js';
import { allot, fundPool } from '../helpers/points-money.js';

const T0 = Date.UTC(2026, 0, 10);
const USERS = ['u0', 'u1'];
const SPONSORS = ['s1', 's2', 's3'];

/** One point per unit: the award is exactly the quantity. */
const UNIT_RULES = {
  name: 'one point per act',
  rules: [
    {
      kind: 'act',
      unit: 'n',
      divisor: 1,
      roundTo: 0,
      maxPerDay: 0,
      variants: { default: { baselineMg: 0, projectMg: 0, pointsPerBase: 1, pointsPerKg: 0 } },
    },
  ],
};

function programArgs(sb: PointsSandbox, id: string, value: number): CborMap {
  return {
    id,
    name: id,
    unit: 'PT',
    precision: 0,
    currency: 'CNY',
    value,
    clearing: sb.addr('bank'),
    supervisors: [sb.addr('sup')],
    expiry: {},
    transfer: 'program',
    closedLoop: true,
    claimWindowMs: 30 * DAY_MS,
    methodology: UNIT_RULES,
  };
}

/** A money program with three sponsors backing one distributor, a platform selling 1-point gifts. */
function program(sb: PointsSandbox, id: string, value: number): void {
  sb.ok('issuer', 'createProgram', programArgs(sb, id, value));
  sb.ok('sup', 'approveProgram', { program: id });
  sb.ok('issuer', 'grantRole', { program: id, role: 'distributor', account: sb.addr('dist') });
  sb.ok('issuer', 'grantRole', { program: id, role: 'platform', account: sb.addr('shop') });
  for (const s of SPONSORS) {
    sb.ok('issuer', 'grantRole', { program: id, role: 'sponsor', account: sb.addr(s) });
    fundPool(sb, id, s, 'bank', 1_000_000);
    allot(sb, 'issuer', { program: id, distributor: 'dist', amount: 100_000, sponsor: s });
  }
  sb.ok('shop', 'listItem', { program: id, item: 'gift', name: 'gift', price: 1 });
  for (const u of USERS) sb.ok(u, 'join', { program: id, consent: new Uint8Array(32) });
}

let seq = 0;
function award(sb: PointsSandbox, id: string, user: string, sponsor: string, n: number): CborMap {
  const end = sb.now - 1000;
  return {
    program: id,
    user: sb.addr(user),
    kind: 'act',
    quantity: n,
    periodStart: end - 1000,
    periodEnd: end,
    device: sb.suite.hash(utf8(`dev-${seq++}`)),
    evidence: new Uint8Array(32),
    measuredBy: 'test',
    sponsor: sb.addr(sponsor),
  };
}

/** The strict FIFO model: each user's units in issue order (issue time, then block), with their sponsor. */
interface Unit {
  readonly ts: number;
  readonly height: number;
  readonly sponsor: string;
  amount: number;
}

function insert(lots: Unit[], u: Unit): void {
  let i = lots.length;
  while (i > 0) {
    const p = lots[i - 1] as Unit;
    if (p.ts < u.ts || (p.ts === u.ts && p.height <= u.height)) break;
    i--;
  }
  lots.splice(i, 0, u);
}

function takeOldest(lots: Unit[], n: number): Unit[] {
  const out: Unit[] = [];
  let left = n;
  while (left > 0) {
    const l = lots[0] as Unit;
    const k = Math.min(left, l.amount);
    out.push({ ...l, amount: k });
    l.amount -= k;
    if (l.amount === 0) lots.shift();
    left -= k;
  }
  return out;
}

type Step =
  | { kind: 'award'; user: string; sponsor: string; n: number }
  | { kind: 'transfer'; from: string; to: string; n: number }
  | { kind: 'redeem'; user: string; n: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('award' as const),
    user: fc.constantFrom(...USERS),
    sponsor: fc.constantFrom(...SPONSORS),
    n: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({
    kind: fc.constant('transfer' as const),
    from: fc.constantFrom(...USERS),
    to: fc.constantFrom(...USERS),
    n: fc.integer({ min: 1, max: 60 }),
  }),
  fc.record({
    kind: fc.constant('redeem' as const),
    user: fc.constantFrom(...USERS),
    n: fc.integer({ min: 1, max: 60 }),
  }),
);

describe('points: spending order against a strict FIFO model', () => {
  it('every redemption is paid by the sponsors of the oldest-issued points, whatever the path they came by', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 10, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 60, maxLength: 60 }),
        (steps, gaps) => {
          const sb = new PointsSandbox({ timestamp: T0, sign: false });
          program(sb, 'p', 1);
          const model = new Map<string, Unit[]>(USERS.map((u) => [u, []]));
          const owed = new Map<string, number>();
          for (const [i, s] of steps.entries()) {
            const ts = sb.now + (gaps[i] ?? 1000);
            const bal = (u: string) => (model.get(u) ?? []).reduce((x, l) => x + l.amount, 0);
            if (s.kind === 'award') {
              const r = sb.call('dist', 'claim', award(sb, 'p', s.user, s.sponsor, s.n), ts);
              expect(r.status).toBe('ok');
              insert(model.get(s.user) as Unit[], {
                ts,
                height: sb.height,
                sponsor: sb.addr(s.sponsor),
                amount: s.n,
              });
            } else if (s.kind === 'transfer') {
              const r = sb.call(s.from, 'transfer', { program: 'p', to: sb.addr(s.to), amount: s.n }, ts);
              const can = s.from !== s.to && bal(s.from) >= s.n;
              expect(r.status === 'ok').toBe(can);
              if (can)
                for (const piece of takeOldest(model.get(s.from) as Unit[], s.n))
                  insert(model.get(s.to) as Unit[], piece);
            } else {
              const r = sb.call(
                s.user,
                'redeem',
                { program: 'p', platform: sb.addr('shop'), item: 'gift', quantity: s.n, price: 1 },
                ts,
              );
              const can = bal(s.user) >= s.n;
              expect(r.status === 'ok').toBe(can);
              if (can)
                for (const piece of takeOldest(model.get(s.user) as Unit[], s.n))
                  owed.set(piece.sponsor, (owed.get(piece.sponsor) ?? 0) + piece.amount);
            }
          }
          for (const sp of SPONSORS) {
            const a = sb.addr(sp);
            const got = (
              sb.query('balance', { program: 'p', account: `payable:${a}:${sb.addr('shop')}` }) as {
                balance: number;
              }
            ).balance;
            expect(got, sp).toBe(owed.get(a) ?? 0);
          }
          for (const u of USERS) {
            const got = (sb.query('account', { program: 'p', account: sb.addr(u) }) as { balance: number })
              .balance;
            expect(got, u).toBe((model.get(u) ?? []).reduce((x, l) => x + l.amount, 0));
          }
          expect(sb.audit('p').violations).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});

/** Programs worth 1, 2 and 5 fen a point, exchanged at the only value-neutral rates. */
const VALUES: Readonly<Record<string, number>> = { a: 1, b: 2, c: 5 };
const AGREEMENTS = [
  { id: 'ab', from: 'a', to: 'b', rateFrom: 2, rateTo: 1 },
  { id: 'bc', from: 'b', to: 'c', rateFrom: 5, rateTo: 2 },
  { id: 'ac', from: 'a', to: 'c', rateFrom: 5, rateTo: 1 },
];

describe('points: value in fen is conserved across exchanges', () => {
  it('whatever is converted, the fen the source sponsors owe equal the fen the backer reserves', () => {
    const sb = new PointsSandbox({ timestamp: T0, sign: false });
    for (const [id, v] of Object.entries(VALUES)) program(sb, id, v);
    for (const x of AGREEMENTS) {
      sb.ok('issuer', 'proposeExchange', { ...x, backer: sb.addr('s1') });
      sb.ok('issuer', 'acceptExchange', { id: x.id, backer: sb.addr('s2') });
      sb.ok('s1', 'backExchange', { agreement: x.id, program: x.from });
      sb.ok('s2', 'backExchange', { agreement: x.id, program: x.to });
    }
    for (const id of Object.keys(VALUES))
      for (const u of USERS) sb.ok('dist', 'claim', award(sb, id, u, 's3', 1000));
    const base = sb.chain.head.height;
    const converts = fc.record({
      agreement: fc.constantFrom(...AGREEMENTS),
      forward: fc.boolean(),
      user: fc.constantFrom(...USERS),
      k: fc.integer({ min: 1, max: 40 }),
    });
    let checked = 0;
    fc.assert(
      fc.property(fc.array(converts, { minLength: 1, maxLength: 10 }), (cs) => {
        for (const c of cs) {
          const x = c.agreement;
          // a multiple of the rate converts exactly
          const from = c.forward ? x.from : x.to;
          const to = c.forward ? x.to : x.from;
          const amount = c.k * (c.forward ? x.rateFrom : x.rateTo);
          const r = sb.call(c.user, 'convert', { agreement: x.id, from, amount });
          if (r.status !== 'ok') {
            expect(r.status).toBe('POINTS_INSUFFICIENT_BALANCE');
            continue;
          }
          const ev = r.events[0]?.data as { money: number; received: number; amount: number };
          // what leaves: amount × value(from) fen; what the backer reserves: received × value(to)
          expect(ev.money).toBe(amount * (VALUES[from] as number));
          expect(ev.received * (VALUES[to] as number)).toBe(ev.money);
          checked++;
        }
        // across all programs: money released by exchange-out = value of points issued by exchange-in
        let out = 0;
        let inValue = 0;
        let outstanding = 0;
        let reserves = 0;
        for (const [id, v] of Object.entries(VALUES)) {
          const rep = sb.query('report', { program: id }) as { activity: Record<string, number> };
          out += rep.activity.exchangeMoney ?? 0;
          inValue += (rep.activity.exchangedIn ?? 0) * v;
          const t = sb.query('totals', { program: id }) as {
            points: Record<string, number>;
            money: Record<string, number>;
          };
          outstanding += ((t.points.user ?? 0) + (t.points.quota ?? 0)) * v;
          reserves += t.money.reserve ?? 0;
          expect(sb.audit(id).violations).toEqual([]);
        }
        expect(out).toBe(inValue);
        expect(reserves).toBe(outstanding);
      }),
      { numRuns: 40 },
    );
    expect(checked).toBeGreaterThan(20);
    expect(sb.chain.head.height).toBeGreaterThan(base);
  });
});
