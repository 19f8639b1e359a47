import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCanonical, encodeCanonical } from '../../src/encoding/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import { DAY_MS, pointsKeys } from '../../src/modules/points/index.js';
import { PointsSandbox } from '../../src/testing/index.js';
import { fundPool } from '../helpers/points-money.js';
import {
  addProgram,
  BJ_MIDNIGHT,
  claimArgs,
  digest,
  programArgs,
  refused,
  T0,
} from '../helpers/points-world.js';

/**
 * Issue 17: an auditor's dispute holds the money of the disputed award's own points, on the exact
 * spending that took them (redemptions, donations, cash-outs and conversions, by the lots' issue
 * stamps, oldest first), never another award's, never one unit twice; a rejected dispute frees its
 * units. Every refusal: its code and no state change.
 */

const P = 'green';
const D = BJ_MIDNIGHT - 40 * DAY_MS;

function scene(transfer: 'none' | 'program' = 'none'): PointsSandbox {
  const sb = new PointsSandbox({ timestamp: T0, sign: false });
  addProgram(sb, P, { transfer });
  sb.ok('issuer', 'grantRole', { program: P, role: 'platform', account: sb.addr('shop') });
  sb.ok('shop', 'listItem', { program: P, item: 'coffee', name: 'coffee', price: 40 });
  sb.ok('shop', 'listItem', { program: P, item: 'gum', name: 'gum', price: 1 });
  sb.ok('bureau', 'grantRole', { program: P, role: 'verifier', account: sb.addr('vvb') });
  return sb;
}

/** `who` is awarded 60 points for a parked day `d` days after D; returns the claim id. */
function parkedDay(sb: PointsSandbox, who: string, d = 0): Uint8Array {
  const start = D + d * DAY_MS;
  const [e] = sb.ok(
    'dist',
    'claim',
    claimArgs(sb, P, who, 'parked-day', 1, start, start + DAY_MS, `obd-${who}`),
  );
  return e?.data.claim as Uint8Array;
}

const buy = (sb: PointsSandbox, item: 'coffee' | 'gum', quantity = 1): CborMap => ({
  program: P,
  platform: sb.addr('shop'),
  item,
  quantity,
  price: item === 'coffee' ? 40 : 1,
});
const plain = (sb: PointsSandbox, account: string): number =>
  (sb.query('balance', { program: P, account }) as { balance: number }).balance;
const sound = (sb: PointsSandbox) => expect(sb.audit(P).violations).toEqual([]);
const stored = (sb: PointsSandbox, key: string): Record<string, unknown> | undefined => {
  const v = sb.chain.state.get(key);
  return v === undefined ? undefined : (decodeCanonical(v) as Record<string, unknown>);
};
type Entry = {
  ts: number;
  height: number;
  op: string;
  account: string;
  points: number;
  held: number;
  tx: Uint8Array;
};
const trail = (sb: PointsSandbox, who: string) =>
  stored(sb, pointsKeys.spendTrail(P, sb.addr(who))) as { period: number; entries: Entry[] } | undefined;
const dispute = (sb: PointsSandbox, n: number) =>
  stored(sb, pointsKeys.dispute(P, n)) as {
    payables?: Record<string, number>;
    spends?: { user?: string; period: number; i: number; op: string; account: string; points: number }[];
    decision?: unknown;
  };
const open = (sb: PointsSandbox, claim: Uint8Array, why = 'x') =>
  sb.ok('vvb', 'openDispute', { program: P, claim, reason: digest(sb, why) })[0]?.data;

describe('a dispute holds the exact spending of the award’s own points', () => {
  it('follows the older award’s lots, not the balance: the spent award is held, the untouched one is not', () => {
    const sb = scene();
    const a = parkedDay(sb, 'alice');
    const b = parkedDay(sb, 'alice', 1);
    const [redeemed] = sb.ok('alice', 'redeem', buy(sb, 'coffee'));
    expect(redeemed?.name).toBe('redeemed');
    const shop = `payable:${sb.addr('s1')}:${sb.addr('shop')}`;
    // oldest first: the 40 came from award a; the balance (80) would have said "nothing spent"
    expect(open(sb, a)).toMatchObject({ hold: 60, heldMoney: 40 });
    expect(dispute(sb, 1).payables).toEqual({ [shop]: 40 });
    expect(dispute(sb, 1).spends).toEqual([
      { period: 1, i: 0, op: 'redeem', account: shop, points: 40, tx: expect.any(Uint8Array) },
    ]);
    // the dispute query shows the exact redemption (its transaction, as hex)
    const q = sb.query('dispute', { program: P, n: '1' }) as { spends: Record<string, unknown>[] };
    expect(q.spends).toEqual([
      {
        period: 1,
        i: 0,
        op: 'redeem',
        account: shop,
        points: 40,
        tx: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    // award b's points are all still hers: its dispute holds its points, no payable
    const ob = open(sb, b, 'y');
    expect(ob?.hold).toBe(60);
    expect(ob?.heldMoney).toBeUndefined();
    expect(dispute(sb, 2).spends).toBeUndefined();
    expect(trail(sb, 'alice')?.entries).toEqual([
      expect.objectContaining({ op: 'redeem', account: shop, points: 40, held: 40 }),
    ]);
    sound(sb);
  });

  it('holds a conversion’s payable to the other program’s backer, and claws it back when upheld', () => {
    const sb = scene();
    sb.ok('issuer', 'createProgram', programArgs(sb, 'shop2', { supervisors: [sb.addr('bureau')] }));
    sb.ok('bureau', 'approveProgram', { program: 'shop2' });
    sb.ok('issuer', 'grantRole', { program: 'shop2', role: 'sponsor', account: sb.addr('s3') });
    fundPool(sb, 'shop2', 's3', 'bank', 10_000);
    for (const u of ['alice', 'bob']) sb.ok(u, 'join', { program: 'shop2', consent: new Uint8Array(32) });
    sb.ok('issuer', 'proposeExchange', {
      id: 'x',
      from: P,
      to: 'shop2',
      rateFrom: 1,
      rateTo: 1,
      backer: sb.addr('s1'),
    });
    sb.ok('issuer', 'acceptExchange', { id: 'x', backer: sb.addr('s3') });
    sb.ok('s3', 'backExchange', { agreement: 'x', program: 'shop2' });
    const a = parkedDay(sb, 'alice');
    parkedDay(sb, 'bob');
    sb.ok('alice', 'convert', { agreement: 'x', from: P, amount: 25 });
    sb.ok('bob', 'convert', { agreement: 'x', from: P, amount: 10 });
    const backer = `payable:${sb.addr('s1')}:${sb.addr('s3')}`;
    expect(plain(sb, backer)).toBe(35);
    expect(open(sb, a)).toMatchObject({ hold: 60, heldMoney: 25 });
    expect(dispute(sb, 1).spends).toEqual([
      expect.objectContaining({ op: 'convert', account: backer, points: 25 }),
    ]);
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    // bob's 10 are paid to the backer; alice's 25 stay open, held
    expect(plain(sb, backer)).toBe(25);
    const pool = plain(sb, `pool:${sb.addr('s1')}`);
    const [d] = sb.ok('bureau', 'decideDispute', {
      program: P,
      dispute: 1,
      outcome: 'upheld',
      report: digest(sb, 'r'),
    });
    expect(d?.data).toMatchObject({ fromBalance: 35, owed: 25, payableMoney: 25 });
    expect(plain(sb, backer)).toBe(0);
    expect(plain(sb, `pool:${sb.addr('s1')}`)).toBe(pool + 60);
    sound(sb);
  });

  it('a rejected dispute frees its units: a second dispute of the claim holds them again', () => {
    const sb = scene();
    const a = parkedDay(sb, 'alice');
    sb.ok('alice', 'redeem', buy(sb, 'gum', 30));
    expect(open(sb, a)).toMatchObject({ heldMoney: 30 });
    sb.ok('bureau', 'decideDispute', {
      program: P,
      dispute: 1,
      outcome: 'rejected',
      report: digest(sb, 'r'),
    });
    expect(trail(sb, 'alice')?.entries[0]?.held).toBe(0);
    expect(open(sb, a, 'again')).toMatchObject({ heldMoney: 30 });
    expect(trail(sb, 'alice')?.entries[0]?.held).toBe(30);
    sound(sb);
  });

  it('a damaged trail or a dispute naming units its trail does not hold is CHAIN_INVALID, changing nothing', () => {
    const sb = scene();
    const a = parkedDay(sb, 'alice');
    sb.ok('alice', 'redeem', buy(sb, 'gum', 30));
    const key = pointsKeys.spendTrail(P, sb.addr('alice'));
    const good = sb.chain.state.get(key) as Uint8Array;
    const t = trail(sb, 'alice') as { period: number; entries: Entry[] };
    const bad = { ...t, entries: t.entries.map((e) => ({ ...e, held: e.points + 1 })) };
    sb.chain.state.set(key, encodeCanonical(bad));
    refused(sb, 'vvb', 'openDispute', { program: P, claim: a, reason: digest(sb, 'x') }, 'CHAIN_INVALID');
    sb.chain.state.set(key, good);
    open(sb, a);
    // the trail forgets the hold (as if the record were tampered with): the decision refuses
    sb.chain.state.set(key, encodeCanonical({ ...t, entries: t.entries.map((e) => ({ ...e, held: 0 })) }));
    const decide = { program: P, dispute: 1, outcome: 'rejected', report: digest(sb, 'r') };
    refused(sb, 'bureau', 'decideDispute', decide, 'CHAIN_INVALID');
    // bad arguments and a missing claim: their codes, no change
    refused(
      sb,
      'vvb',
      'openDispute',
      { program: P, claim: new Uint8Array(32), reason: digest(sb, 'x') },
      'POINTS_NOT_FOUND',
    );
    refused(
      sb,
      'vvb',
      'openDispute',
      { program: P, claim: 'nope', reason: digest(sb, 'x') } as CborMap,
      'EXEC_BAD_ARGS',
    );
  });
});

type Step =
  | { kind: 'award' }
  | { kind: 'spend'; n: number; cash: boolean }
  | { kind: 'give'; n: number }
  | { kind: 'bobSpend'; n: number }
  | { kind: 'open'; k: number }
  | { kind: 'reject'; k: number }
  | { kind: 'close' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant({ kind: 'award' as const }),
  fc.record({ kind: fc.constant('spend' as const), n: fc.integer({ min: 1, max: 90 }), cash: fc.boolean() }),
  fc.record({ kind: fc.constant('give' as const), n: fc.integer({ min: 1, max: 90 }) }),
  fc.record({ kind: fc.constant('bobSpend' as const), n: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('open' as const), k: fc.nat(7) }),
  fc.record({ kind: fc.constant('reject' as const), k: fc.nat(7) }),
  fc.constant({ kind: 'close' as const }),
);

/** Take `want` from FIFO lots `lots` (award index → left), oldest award first; what each award gave. */
function fifo(lots: number[], want: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < lots.length && want > 0; i++) {
    const m = Math.min(want, lots[i] ?? 0);
    lots[i] = (lots[i] ?? 0) - m;
    if (m > 0) out.set(i, m);
    want -= m;
  }
  return out;
}
const addTo = (m: Map<number, number>, from: Map<number, number>) => {
  for (const [k, v] of from) m.set(k, (m.get(k) ?? 0) + v);
};

describe('property: a dispute holds at most the value spent from the disputed award, never a unit twice', () => {
  it('matches a strict FIFO model of the awards’ lots, per period, through transfers to another member', () => {
    let heldSeen = 0;
    let followSeen = 0;
    let paidSeen = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 4, maxLength: 18 }), (steps) => {
        const sb = scene('program');
        const claims: Uint8Array[] = [];
        // the model: award lots in issue order, alice's and bob's (he only receives), what is left
        // of each, and what each period spent and transferred per award
        const left: number[] = [];
        const bobLeft: number[] = [];
        // per period: what alice spent and gave bob of each award, what bob spent of each
        const spent = new Map<number, Map<number, number>>();
        const given = new Map<number, Map<number, number>>();
        const bobSpent = new Map<number, Map<number, number>>();
        const of = (m: Map<number, Map<number, number>>, p: number) => {
          const x = m.get(p) ?? new Map<number, number>();
          m.set(p, x);
          return x;
        };
        // a member's closed trail: her last spending period before the open one (kept when she
        // spends again; older ones are history)
        const active = { alice: new Set<number>(), bob: new Set<number>() };
        const closedOf = (who: 'alice' | 'bob') =>
          Math.max(-1, ...[...active[who]].filter((p) => p < period));
        const disputeOf = new Map<number, number>(); // claim index → open dispute number
        const followOf = new Map<number, number>(); // claim index → points its dispute holds on bob
        let n = 0;
        let day = 0;
        let period = 1;
        const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
        for (const s of steps) {
          if (s.kind === 'award') {
            claims.push(parkedDay(sb, 'alice', day++));
            left.push(60);
            bobLeft.push(0);
          } else if (s.kind === 'spend' || s.kind === 'give' || s.kind === 'bobSpend') {
            const r =
              s.kind === 'spend'
                ? sb.call('alice', 'redeem', buy(sb, s.cash ? 'coffee' : 'gum', s.cash ? 1 : s.n))
                : s.kind === 'give'
                  ? sb.call('alice', 'transfer', { program: P, to: sb.addr('bob'), amount: s.n })
                  : sb.call('bob', 'redeem', buy(sb, 'gum', s.n));
            if (r.status !== 'ok') {
              expect(['POINTS_INSUFFICIENT_BALANCE', 'POINTS_HELD']).toContain(r.status);
              expect(r.writes).toEqual([]);
              continue;
            }
            if (s.kind === 'spend') addTo(of(spent, period), fifo(left, s.cash ? 40 : s.n));
            else if (s.kind === 'bobSpend') addTo(of(bobSpent, period), fifo(bobLeft, s.n));
            else {
              const moved = fifo(left, s.n);
              addTo(of(given, period), moved);
              for (const [k, v] of moved) bobLeft[k] = (bobLeft[k] ?? 0) + v;
            }
            active[s.kind === 'bobSpend' ? 'bob' : 'alice'].add(period);
          } else if (s.kind === 'open') {
            const k = s.k % Math.max(1, claims.length);
            const c = claims[k];
            if (c === undefined || disputeOf.has(k)) continue;
            const r = sb.call('vvb', 'openDispute', { program: P, claim: c, reason: digest(sb, `d${n}`) });
            expect(r.status).toBe('ok');
            n += 1;
            disputeOf.set(k, n);
            const data = r.events[0]?.data ?? {};
            const held = (data.heldMoney as number | undefined) ?? 0;
            const paid = (data.paidMoney as number | undefined) ?? 0;
            const followed = (data.heldFollowed as number | undefined) ?? 0;
            // value 1 fen a point. The dispute walks alice's closed trail then her open one: what
            // she spent of the award (paid at that close / payable now), what she gave bob — and
            // in bob's closed then open trail, what he spent of it; the rest on his holdings
            const [ca, cb] = [closedOf('alice'), closedOf('bob')];
            const cap = [of(bobSpent, cb).get(k) ?? 0, of(bobSpent, period).get(k) ?? 0];
            let viaBobPaid = 0;
            let viaBobHeld = 0;
            let rest = 0;
            for (const g of [of(given, ca).get(k) ?? 0, of(given, period).get(k) ?? 0]) {
              const x = Math.min(g, cap[0] ?? 0);
              const y = Math.min(g - x, cap[1] ?? 0);
              cap[0] = (cap[0] ?? 0) - x;
              cap[1] = (cap[1] ?? 0) - y;
              viaBobPaid += x;
              viaBobHeld += y;
              rest += g - x - y;
            }
            expect(paid).toBe((of(spent, ca).get(k) ?? 0) + viaBobPaid);
            expect(held).toBe((of(spent, period).get(k) ?? 0) + viaBobHeld);
            // the rest of what she gave him, as far as he still has it and has it free
            const free = sum(bobLeft) - sum([...followOf.values()]);
            expect(followed).toBe(Math.max(0, Math.min(rest, bobLeft[k] ?? 0, free)));
            expect(r.events[0]?.data.hold).toBe(60 - followed);
            followOf.set(k, followed);
            if (held > 0) heldSeen += 1;
            if (viaBobPaid + viaBobHeld > 0 || followed > 0) followSeen += 1;
            if (paid > 0) paidSeen += 1;
          } else if (s.kind === 'reject') {
            const k = s.k % Math.max(1, claims.length);
            const d = disputeOf.get(k);
            if (d === undefined) continue;
            sb.ok('bureau', 'decideDispute', {
              program: P,
              dispute: d,
              outcome: 'rejected',
              report: digest(sb, 'r'),
            });
            disputeOf.delete(k);
            followOf.delete(k);
          } else {
            sb.ok('bank', 'closePeriod', { currency: 'CNY' });
            period += 1;
          }
          // never two holds on one unit: each trail entry's `held` is exactly what open disputes name
          const named = new Map<string, number>();
          let total = 0;
          for (const d of disputeOf.values()) {
            const rec = dispute(sb, d);
            for (const v of Object.values(rec.payables ?? {})) total += v;
            for (const h of rec.spends ?? []) {
              const at = `${h.user ?? sb.addr('alice')}/${h.i}`;
              if (h.period === period) named.set(at, (named.get(at) ?? 0) + h.points);
            }
          }
          for (const who of ['alice', 'bob']) {
            const t = trail(sb, who);
            if (t !== undefined) expect(t.period).toBeLessThanOrEqual(period);
            // (a trail of a closed period is history: replaced at the member's next spending)
            const live = t !== undefined && t.period === period ? t.entries : [];
            for (const [i, e] of live.entries()) {
              expect(e.held).toBeLessThanOrEqual(e.points);
              expect(e.held).toBe(named.get(`${sb.addr(who)}/${i}`) ?? 0);
            }
          }
          const ph = stored(sb, pointsKeys.payableHolds(P)) ?? {};
          expect(Object.values(ph).reduce((x: number, v) => x + (v as number), 0)).toBe(total);
          const bob = stored(sb, pointsKeys.holder(P, sb.addr('bob'))) as { held?: number };
          expect(bob.held ?? 0).toBe(sum([...followOf.values()]));
        }
        sound(sb);
      }),
      {
        numRuns: 25,
        // always also run one history that reaches each path: paid at a close, followed to bob
        examples: [
          [
            [
              { kind: 'award' },
              { kind: 'spend', n: 10, cash: false },
              { kind: 'give', n: 30 },
              { kind: 'close' },
              { kind: 'bobSpend', n: 5 },
              { kind: 'give', n: 10 },
              { kind: 'open', k: 0 },
              { kind: 'reject', k: 0 },
              { kind: 'open', k: 0 },
            ],
          ],
        ],
      },
    );
    // the runs did exercise money holds and followed transfers, not only empty ones
    expect(heldSeen).toBeGreaterThan(0);
    expect(followSeen).toBeGreaterThan(0);
    expect(paidSeen).toBeGreaterThan(0);
  });
});
