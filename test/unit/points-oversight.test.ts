import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCanonical, encodeCanonical, toHex } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import { DAY_MS, pointsKeys } from '../../src/modules/points/index.js';
import { PointsSandbox } from '../../src/testing/index.js';
import { addProgram, BJ_MIDNIGHT, claimArgs, digest, refused, T0 } from '../helpers/points-world.js';

/**
 * Issue 17 item 14: disputes with claw-back, breakage policies, reports by area. Every refusal is
 * checked with its code and an unchanged state and answers; the books stay sound (auditProgram).
 */

const P = 'green';
/** Day 0 of the claims: 40 local days ago (the claim window is 60 days). */
const D = BJ_MIDNIGHT - 40 * DAY_MS;

/** The green world with a platform `shop` selling a 40-point coffee and a verifier `vvb`. */
function scene(over: (sb: PointsSandbox) => Record<string, unknown> = () => ({})): PointsSandbox {
  const sb = new PointsSandbox({ timestamp: T0, sign: false });
  addProgram(sb, P, over(sb));
  sb.ok('issuer', 'grantRole', { program: P, role: 'platform', account: sb.addr('shop') });
  sb.ok('shop', 'listItem', { program: P, item: 'coffee', name: 'coffee', price: 40 });
  sb.ok('bureau', 'grantRole', { program: P, role: 'verifier', account: sb.addr('vvb') });
  return sb;
}

/** A parked day (60 points) for `who` on day `d`; returns the claim id. */
function parkedDay(sb: PointsSandbox, who: string, d = 0, device = `obd-${who}`): Uint8Array {
  const start = D + d * DAY_MS;
  const [e] = sb.ok('dist', 'claim', claimArgs(sb, P, who, 'parked-day', 1, start, start + DAY_MS, device));
  return e?.data.claim as Uint8Array;
}

const plain = (sb: PointsSandbox, account: string): number =>
  (sb.query('balance', { program: P, account }) as { balance: number }).balance;
const account = (sb: PointsSandbox, who: string) =>
  sb.query('account', { program: P, account: sb.addr(who) }) as {
    balance: number;
    available: number;
    held?: number;
    owed?: number;
    area?: string;
  };
const answers = (sb: PointsSandbox) => () => ({
  totals: sb.query('totals', { program: P }),
  alice: sb.query('account', { program: P, account: sb.addr('alice') }),
  bob: sb.query('account', { program: P, account: sb.addr('bob') }),
  disputes: sb.query('disputes', { program: P }),
  breakage: sb.query('breakage', { program: P }),
  areas: sb.query('areas', { program: P }),
});
const sound = (sb: PointsSandbox) => expect(sb.audit(P).violations).toEqual([]);
const coffee = { program: P, platform: '', item: 'coffee', price: 40 };
const redeem = (sb: PointsSandbox): CborMap => ({ ...coffee, platform: sb.addr('shop') });

describe('disputes with claw-back', () => {
  it('holds an auditor-disputed award, then claws it back from the balance: the sponsor’s reserve returns', () => {
    const sb = scene();
    const claim = parkedDay(sb, 'alice');
    parkedDay(sb, 'alice', 1);
    const [opened] = sb.ok('vvb', 'openDispute', { program: P, claim, reason: digest(sb, 'photo mismatch') });
    expect(opened?.data).toMatchObject({ dispute: 1, as: 'auditor', hold: 60 });
    expect(account(sb, 'alice')).toMatchObject({ balance: 120, held: 60 });
    // she may spend what is not held (40 of 60), not the held part
    sb.ok('alice', 'redeem', redeem(sb));
    refused(sb, 'alice', 'redeem', redeem(sb), 'POINTS_HELD', answers(sb));
    const pool = plain(sb, `pool:${sb.addr('s1')}`);
    const reserve = plain(sb, `reserve:${sb.addr('s1')}`);
    const [decided] = sb.ok('bureau', 'decideDispute', {
      program: P,
      dispute: 1,
      outcome: 'upheld',
      report: digest(sb, 'report'),
    });
    expect(decided?.data).toMatchObject({
      outcome: 'upheld',
      clawedBack: 60,
      fromBalance: 60,
      owed: 0,
      money: 60,
    });
    expect(account(sb, 'alice')).toMatchObject({ balance: 20, available: 20 });
    expect(account(sb, 'alice').held).toBeUndefined();
    expect(plain(sb, 'clawback')).toBe(60);
    expect(plain(sb, `pool:${sb.addr('s1')}`)).toBe(pool + 60);
    expect(plain(sb, `reserve:${sb.addr('s1')}`)).toBe(reserve - 60);
    const d = sb.query('dispute', { program: P, n: '1' }) as {
      status: string;
      decision: { reductionG: number };
    };
    expect(d.status).toBe('upheld');
    expect(d.decision.reductionG).toBe(4353);
    const report = sb.query('supervision', { program: P }) as {
      distributors: { distributor: string; disputes: number; clawedBack: number }[];
    };
    expect(report.distributors.map((x) => [x.distributor, x.disputes, x.clawedBack])).toEqual([
      [sb.addr('dist'), 1, 60],
    ]);
    sound(sb);
  });

  it('records what was already spent as owed (never a bare negative balance); later awards repay it first', () => {
    const sb = scene();
    const claim = parkedDay(sb, 'bob');
    sb.ok('bob', 'redeem', redeem(sb));
    // a resident's report holds nothing (no member can freeze another's points)
    sb.ok('alice', 'openDispute', { program: P, claim, reason: digest(sb, 'he was abroad') });
    expect(account(sb, 'bob').held).toBeUndefined();
    const s1 = sb.addr('s1');
    const pool = plain(sb, `pool:${s1}`);
    const payable = plain(sb, `payable:${s1}:${sb.addr('shop')}`);
    const [decided] = sb.ok('vvb', 'decideDispute', {
      program: P,
      dispute: 1,
      outcome: 'upheld',
      report: digest(sb, 'r'),
    });
    expect(decided?.data).toMatchObject({ clawedBack: 60, fromBalance: 20, owed: 40, money: 20 });
    expect(account(sb, 'bob')).toMatchObject({ balance: -40, available: 0, owed: 40 });
    // the platform gave the coffee: it is still paid; only the unspent backing returns
    expect(plain(sb, `payable:${s1}:${sb.addr('shop')}`)).toBe(payable);
    expect(plain(sb, `pool:${s1}`)).toBe(pool + 20);
    expect((sb.query('totals', { program: P }) as { owed: number }).owed).toBe(40);
    sound(sb);
    // nothing to spend while owing; the next award repays the debt first and releases its backing
    refused(sb, 'bob', 'redeem', redeem(sb), 'POINTS_INSUFFICIENT_BALANCE', answers(sb));
    parkedDay(sb, 'bob', 1);
    expect(account(sb, 'bob')).toMatchObject({ balance: 20, available: 20 });
    expect(account(sb, 'bob').owed).toBeUndefined();
    expect(plain(sb, `pool:${s1}`)).toBe(pool + 60);
    const agg = sb.query('report', { program: P }) as Record<string, unknown>;
    expect(JSON.stringify(agg)).toContain('"clawRepaid":40');
    sound(sb);
  });

  it('claws back in part, and a rejected dispute releases the hold', () => {
    const sb = scene();
    const a = parkedDay(sb, 'alice');
    const b = parkedDay(sb, 'bob');
    sb.ok('vvb', 'openDispute', { program: P, claim: a, reason: digest(sb, 'x') });
    sb.ok('bureau', 'openDispute', { program: P, claim: b, reason: digest(sb, 'y') });
    sb.ok('bureau', 'decideDispute', {
      program: P,
      dispute: 1,
      outcome: 'upheld',
      report: digest(sb, 'r'),
      points: 25,
    });
    sb.ok('vvb', 'decideDispute', { program: P, dispute: 2, outcome: 'rejected', report: digest(sb, 'r') });
    expect(account(sb, 'alice')).toMatchObject({ balance: 35 });
    expect(account(sb, 'bob')).toMatchObject({ balance: 60, available: 60 });
    expect(account(sb, 'bob').held).toBeUndefined();
    sb.ok('bob', 'redeem', redeem(sb));
    // a rejected claim may be disputed again; an upheld one no more
    sb.ok('alice', 'openDispute', { program: P, claim: b, reason: digest(sb, 'new evidence') });
    refused(
      sb,
      'bureau',
      'openDispute',
      { program: P, claim: a, reason: digest(sb, 'z') },
      'POINTS_INVALID_STATE',
      answers(sb),
    );
    const list = sb.query('disputes', { program: P }) as { count: number; disputes: { status: string }[] };
    expect(list.count).toBe(3);
    expect(list.disputes.map((d) => d.status)).toEqual(['upheld', 'rejected', 'open']);
    sound(sb);
  });

  it('refuses bad disputes and decisions with their codes, changing nothing', () => {
    const sb = scene();
    const claim = parkedDay(sb, 'alice');
    const open = { program: P, claim, reason: digest(sb, 'why') };
    const ans = answers(sb);
    refused(sb, 'stranger', 'openDispute', open, 'POINTS_WRONG_ROLE', ans);
    refused(sb, 'dist', 'openDispute', open, 'POINTS_WRONG_ROLE', ans);
    refused(
      sb,
      'bob',
      'openDispute',
      { ...open, claim: digest(sb, 'no such claim') },
      'POINTS_NOT_FOUND',
      ans,
    );
    refused(sb, 'bob', 'openDispute', { ...open, claim: 'short' } as CborMap, 'EXEC_BAD_ARGS', ans);
    sb.ok('bob', 'openDispute', open);
    refused(sb, 'vvb', 'openDispute', open, 'POINTS_EXISTS', ans);
    const decide = { program: P, dispute: 1, outcome: 'upheld', report: digest(sb, 'r') };
    refused(sb, 'bob', 'decideDispute', decide, 'POINTS_WRONG_ROLE', ans);
    refused(sb, 'issuer', 'decideDispute', decide, 'POINTS_WRONG_ROLE', ans);
    refused(sb, 'vvb', 'decideDispute', { ...decide, dispute: 2 }, 'POINTS_NOT_FOUND', ans);
    refused(sb, 'vvb', 'decideDispute', { ...decide, points: 61 }, 'POINTS_BAD_AMOUNT', ans);
    refused(sb, 'vvb', 'decideDispute', { ...decide, outcome: 'rejected', points: 1 }, 'EXEC_BAD_ARGS', ans);
    refused(sb, 'vvb', 'decideDispute', { ...decide, outcome: 'maybe' }, 'EXEC_BAD_ARGS', ans);
    refused(sb, 'vvb', 'decideDispute', { ...decide, dispute: 0 }, 'EXEC_BAD_ARGS', ans);
    // an auditor never decides the dispute it opened
    const other = parkedDay(sb, 'bob');
    sb.ok('vvb', 'openDispute', { ...open, claim: other });
    refused(sb, 'vvb', 'decideDispute', { ...decide, dispute: 2 }, 'POINTS_WRONG_ROLE', answers(sb));
    sb.ok('bureau', 'freeze', { program: P, account: sb.addr('bureau2'), reason: 'audit' });
    refused(sb, 'bureau2', 'decideDispute', decide, 'POINTS_FROZEN', answers(sb));
    sb.ok('vvb', 'decideDispute', decide);
    refused(sb, 'bureau', 'decideDispute', decide, 'POINTS_INVALID_STATE', answers(sb));
    sound(sb);
  });

  it('bounds the disputes one account has open (16)', () => {
    const sb = scene();
    for (let d = 0; d < 17; d++) {
      const claim = parkedDay(sb, 'alice', d);
      const open = { program: P, claim, reason: digest(sb, `r${d}`) };
      if (d < 16) sb.ok('bob', 'openDispute', open);
      else refused(sb, 'bob', 'openDispute', open, 'POINTS_LIMIT', answers(sb));
    }
  });

  it('keeps the books sound over random awards, spending, disputes and decisions (property)', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('award' as const), who: fc.constantFrom('alice', 'bob') }),
      fc.record({ k: fc.constant('spend' as const), who: fc.constantFrom('alice', 'bob') }),
      fc.record({
        k: fc.constant('dispute' as const),
        by: fc.constantFrom('vvb', 'alice', 'bob'),
        i: fc.nat(20),
      }),
      fc.record({
        k: fc.constant('decide' as const),
        by: fc.constantFrom('vvb', 'bureau'),
        i: fc.nat(20),
        upheld: fc.boolean(),
        part: fc.integer({ min: 0, max: 60 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) => {
        const sb = scene();
        const claims: Uint8Array[] = [];
        const days = { alice: 0, bob: 0 };
        let disputes = 0;
        for (const o of ops) {
          if (o.k === 'award') {
            if (days[o.who] < 20) claims.push(parkedDay(sb, o.who, days[o.who]++));
          } else if (o.k === 'spend') sb.call(o.who, 'redeem', redeem(sb));
          else if (o.k === 'dispute') {
            const claim = claims[o.i % Math.max(1, claims.length)];
            if (
              claim &&
              sb.call(o.by, 'openDispute', { program: P, claim, reason: digest(sb, 'r') }).status === 'ok'
            )
              disputes++;
          } else if (disputes > 0) {
            const args = {
              program: P,
              dispute: 1 + (o.i % disputes),
              outcome: o.upheld ? 'upheld' : 'rejected',
              report: digest(sb, 'r'),
            };
            sb.call(o.by, 'decideDispute', o.upheld && o.part > 0 ? { ...args, points: o.part } : args);
          }
        }
        sound(sb);
        const t = sb.query('totals', { program: P }) as { owed: number; points: Record<string, number> };
        const list = sb.query('disputes', { program: P }) as {
          disputes: { decision?: { clawedBack: number } }[];
        };
        const clawed = list.disputes.reduce((s, d) => s + (d.decision?.clawedBack ?? 0), 0);
        expect(t.points.clawback ?? 0).toBe(clawed);
        for (const who of ['alice', 'bob']) {
          const a = account(sb, who);
          // a negative balance only with its record
          if (a.balance < 0) expect(a.owed).toBe(-a.balance);
        }
      }),
      { numRuns: 25 },
    );
  });
});

/** Let `n` blocks pass (a re-listing changes nothing that matters here). */
function tick(sb: PointsSandbox, n: number): void {
  for (let i = 0; i < n; i++)
    sb.ok('shop', 'listItem', { program: P, item: 'coffee', name: 'coffee', price: 40 });
}

describe('breakage policies', () => {
  it('sends expired points by the policy of their issue height — sponsor, then scheme — reported and settled', () => {
    const sb = scene(() => ({ expiry: { blocks: 5 } }));
    parkedDay(sb, 'alice');
    sb.ok('issuer', 'setBreakage', { program: P, policy: 'scheme', fromHeight: sb.height + 2 });
    const b0 = sb.query('breakage', { program: P }) as { schedule: unknown[]; now: { policy: string } };
    expect(b0.schedule).toEqual([
      { fromHeight: sb.height + 1, policy: 'scheme', by: sb.addr('issuer'), at: sb.height },
    ]);
    expect(b0.now.policy).toBe('scheme');
    parkedDay(sb, 'alice', 1); // issued under "scheme"
    tick(sb, 6);
    const s1 = sb.addr('s1');
    const pool = plain(sb, `pool:${s1}`);
    sb.ok('issuer', 'expire', { program: P, accounts: [sb.addr('alice')] });
    expect(plain(sb, 'expired')).toBe(120);
    expect(plain(sb, `pool:${s1}`)).toBe(pool + 60);
    expect(plain(sb, `payable:${s1}:${sb.addr('issuer')}`)).toBe(60);
    expect(sb.query('breakage', { program: P })).toMatchObject({
      period: 1,
      expired: 120,
      toSponsor: 60,
      toScheme: 60,
      toCause: 0,
      money: 120,
    });
    sound(sb);
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(plain(sb, `paid:${s1}:${sb.addr('issuer')}`)).toBe(60);
    expect(sb.query('breakage', { program: P, period: '1' })).toMatchObject({ expired: 120, toScheme: 60 });
    expect(sb.query('breakage', { program: P })).toMatchObject({ period: 2, expired: 0 });
    sound(sb);
  });

  it('gives expired points to a cause: the sponsor pays the community’s beneficiary at the close', () => {
    const sb = scene((x) => ({
      expiry: { blocks: 5 },
      causes: [{ id: 'trees', beneficiary: x.addr('ngo'), pot: false }],
    }));
    sb.ok('issuer', 'setBreakage', {
      program: P,
      policy: 'cause',
      cause: 'trees',
      fromHeight: sb.height + 2,
    });
    parkedDay(sb, 'bob');
    tick(sb, 6);
    // a spend only expired lots would cover is refused (nothing swept)
    refused(sb, 'bob', 'redeem', redeem(sb), 'POINTS_LOT_EXPIRED', answers(sb));
    // his next spend, after a fresh award, sweeps the expired lot first: to the cause
    parkedDay(sb, 'bob', 1);
    sb.ok('bob', 'redeem', redeem(sb));
    expect(account(sb, 'bob')).toMatchObject({ balance: 20 });
    const s1 = sb.addr('s1');
    expect(plain(sb, 'donated:trees')).toBe(60);
    expect(plain(sb, 'expired')).toBe(0);
    expect(plain(sb, `payable:${s1}:${sb.addr('ngo')}`)).toBe(60);
    expect(sb.query('breakage', { program: P })).toMatchObject({ expired: 60, toCause: 60, toSponsor: 0 });
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(plain(sb, `paid:${s1}:${sb.addr('ngo')}`)).toBe(60);
    sound(sb);
  });

  it('refuses retroactive or malformed schedules, changing nothing', () => {
    const sb = scene();
    const ans = answers(sb);
    const next = () => sb.height + 2;
    refused(
      sb,
      'issuer',
      'setBreakage',
      { program: P, policy: 'scheme', fromHeight: sb.height + 1 },
      'POINTS_BAD_CONFIG',
      ans,
    );
    refused(
      sb,
      'bureau',
      'setBreakage',
      { program: P, policy: 'scheme', fromHeight: next() },
      'POINTS_WRONG_ROLE',
      ans,
    );
    refused(
      sb,
      'issuer',
      'setBreakage',
      { program: P, policy: 'cause', fromHeight: next() },
      'EXEC_BAD_ARGS',
      ans,
    );
    refused(
      sb,
      'issuer',
      'setBreakage',
      { program: P, policy: 'sponsor', cause: 'x', fromHeight: next() },
      'EXEC_BAD_ARGS',
      ans,
    );
    refused(
      sb,
      'issuer',
      'setBreakage',
      { program: P, policy: 'burn', fromHeight: next() },
      'EXEC_BAD_ARGS',
      ans,
    );
    refused(
      sb,
      'issuer',
      'setBreakage',
      { program: P, policy: 'cause', cause: 'nope', fromHeight: next() },
      'POINTS_NOT_FOUND',
      ans,
    );
    sb.ok('issuer', 'setBreakage', { program: P, policy: 'scheme', fromHeight: sb.height + 10 });
    refused(
      sb,
      'issuer',
      'setBreakage',
      { program: P, policy: 'sponsor', fromHeight: sb.height + 5 },
      'POINTS_BAD_CONFIG',
      answers(sb),
    );
  });
});

describe('reports by area', () => {
  it('totals each community and street from the area aggregates: awarded, redeemed, expired, clawed back, kg', () => {
    const sb = scene(() => ({ expiry: { blocks: 8 } }));
    sb.ok('issuer', 'defineArea', { program: P, area: 'jinsong' });
    sb.ok('issuer', 'defineArea', { program: P, area: 'c-east', street: 'jinsong' });
    sb.ok('issuer', 'defineArea', { program: P, area: 'c-west', street: 'jinsong' });
    sb.ok('issuer', 'defineArea', { program: P, area: 'panjiayuan' });
    sb.ok('alice', 'setArea', { program: P, area: 'c-east' });
    sb.ok('bob', 'setArea', { program: P, area: 'c-west' });
    // a member's request counts once the registrar (the issuer) confirms it
    expect(account(sb, 'alice').area).toBeUndefined();
    sb.ok('issuer', 'confirmArea', { program: P, account: sb.addr('alice'), area: 'c-east' });
    sb.ok('issuer', 'confirmArea', { program: P, account: sb.addr('bob'), area: 'c-west' });
    expect(account(sb, 'alice').area).toBe('c-east');
    parkedDay(sb, 'alice');
    const b = parkedDay(sb, 'bob');
    sb.ok('alice', 'redeem', redeem(sb));
    sb.ok('vvb', 'openDispute', { program: P, claim: b, reason: digest(sb, 'r') });
    sb.ok('bureau', 'decideDispute', { program: P, dispute: 1, outcome: 'upheld', report: digest(sb, 'r') });
    tick(sb, 8);
    sb.ok('issuer', 'expire', { program: P, accounts: [sb.addr('alice')] });
    const r = sb.query('areas', { program: P }) as {
      areas: Record<string, unknown>[];
      streets: Record<string, unknown>[];
      whole: Record<string, number>;
    };
    const zero = {
      claims: 0,
      awarded: 0,
      reductionG: 0,
      redeemed: 0,
      expired: 0,
      clawedBack: 0,
      clawedBackG: 0,
      reductionKg: 0,
      clawedBackKg: 0,
    };
    expect(r.areas).toEqual([
      { area: 'jinsong', street: '', ...zero },
      {
        area: 'c-east',
        street: 'jinsong',
        ...zero,
        claims: 1,
        awarded: 60,
        reductionG: 4353,
        reductionKg: 4,
        redeemed: 40,
        expired: 20,
      },
      {
        area: 'c-west',
        street: 'jinsong',
        ...zero,
        claims: 1,
        awarded: 60,
        reductionG: 4353,
        reductionKg: 4,
        clawedBack: 60,
        clawedBackG: 4353,
        clawedBackKg: 4,
      },
      { area: 'panjiayuan', street: '', ...zero },
    ]);
    expect(r.streets).toEqual([
      {
        street: 'jinsong',
        ...zero,
        claims: 2,
        awarded: 120,
        reductionG: 8706,
        reductionKg: 8,
        redeemed: 40,
        expired: 20,
        clawedBack: 60,
        clawedBackG: 4353,
        clawedBackKg: 4,
      },
      { street: 'panjiayuan', ...zero },
    ]);
    expect(r.whole).toMatchObject({ claims: 2, awarded: 120, redeemed: 40, expired: 20, clawedBack: 60 });
    // a closed period keeps its figures; the next starts empty
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect((sb.query('areas', { program: P, period: '1' }) as typeof r).areas).toEqual(r.areas);
    expect((sb.query('areas', { program: P }) as typeof r).areas[1]).toEqual({
      area: 'c-east',
      street: 'jinsong',
      ...zero,
    });
    sound(sb);
  });

  it('refuses bad areas with their codes, changing nothing', () => {
    const sb = scene();
    sb.ok('issuer', 'defineArea', { program: P, area: 'jinsong' });
    sb.ok('issuer', 'defineArea', { program: P, area: 'c-east', street: 'jinsong' });
    const ans = answers(sb);
    refused(
      sb,
      'alice',
      'defineArea',
      { program: P, area: 'c-2', street: 'jinsong' },
      'POINTS_WRONG_ROLE',
      ans,
    );
    refused(sb, 'issuer', 'defineArea', { program: P, area: 'c-east' }, 'POINTS_EXISTS', ans);
    refused(
      sb,
      'issuer',
      'defineArea',
      { program: P, area: 'c-2', street: 'c-east' },
      'POINTS_BAD_CONFIG',
      ans,
    );
    refused(sb, 'issuer', 'defineArea', { program: P, area: 'Bad Id' }, 'EXEC_BAD_ARGS', ans);
    refused(sb, 'alice', 'setArea', { program: P, area: 'nowhere' }, 'POINTS_NOT_FOUND', ans);
    refused(sb, 'stranger', 'setArea', { program: P, area: 'c-east' }, 'POINTS_NOT_MEMBER', ans);
    refused(sb, 'alice', 'setArea', { program: P }, 'POINTS_INVALID_STATE', ans);
    sb.ok('alice', 'setArea', { program: P, area: 'c-east' });
    refused(sb, 'alice', 'setArea', { program: P, area: 'c-east' }, 'POINTS_INVALID_STATE', answers(sb));
  });
});

describe('item 14 records: a damaged one is CHAIN_INVALID, never a default', () => {
  /** A scene with an area, a breakage schedule and an open auditor's dispute; alice's lots expired. */
  function damaged(): { sb: PointsSandbox; claim: Uint8Array } {
    const sb = scene(() => ({ expiry: { blocks: 5 } }));
    sb.ok('issuer', 'defineArea', { program: P, area: 'c-1' });
    sb.ok('alice', 'setArea', { program: P, area: 'c-1' });
    sb.ok('issuer', 'confirmArea', { program: P, account: sb.addr('alice'), area: 'c-1' });
    sb.ok('issuer', 'setBreakage', { program: P, policy: 'scheme', fromHeight: sb.height + 2 });
    const claim = parkedDay(sb, 'alice');
    sb.ok('vvb', 'openDispute', { program: P, claim, reason: digest(sb, 'r') });
    return { sb, claim };
  }
  const get = (sb: PointsSandbox, k: string) =>
    decodeCanonical(sb.chain.state.get(k) as Uint8Array) as CborMap;
  const cases: [
    string,
    (sb: PointsSandbox) => [string, Uint8Array],
    (sb: PointsSandbox, c: Uint8Array) => [string, string, CborMap],
  ][] = [
    [
      'dispute opened "as" a judge',
      (sb) => [
        pointsKeys.dispute(P, 1),
        encodeCanonical({ ...get(sb, pointsKeys.dispute(P, 1)), as: 'judge' }),
      ],
      (sb) => [
        'bureau',
        'decideDispute',
        { program: P, dispute: 1, outcome: 'rejected', report: digest(sb, 'r') },
      ],
    ],
    [
      'claim pointing to a missing dispute',
      () => [pointsKeys.claimDispute(P, 'x'), encodeCanonical(9)],
      (sb, c) => {
        sb.chain.state.set(pointsKeys.claimDispute(P, toHex(c)), encodeCanonical(9));
        return ['bureau', 'openDispute', { program: P, claim: c, reason: digest(sb, 'r') }];
      },
    ],
    [
      'dispute count holding text',
      () => [pointsKeys.disputeCount(P), encodeCanonical('one')],
      (sb) => ['bureau', 'openDispute', { program: P, claim: parkedDay(sb, 'bob'), reason: digest(sb, 'r') }],
    ],
    [
      'breakage schedule with an unknown policy',
      (sb) => [
        pointsKeys.breakage(P),
        encodeCanonical({ entries: [{ from: 1, policy: 'burn', by: sb.addr('issuer'), at: 1 }] }),
      ],
      (sb) => {
        tick(sb, 6);
        return ['issuer', 'expire', { program: P, accounts: [sb.addr('alice')] }];
      },
    ],
    [
      'area list with a bad id',
      () => [pointsKeys.areas(P), encodeCanonical({ areas: [{ id: 'Bad Id' }] })],
      () => ['bob', 'setArea', { program: P, area: 'c-1' }],
    ],
    [
      'area aggregate holding text',
      () => [pointsKeys.areaAgg(P, 1, 'c-1'), encodeCanonical({ awarded: 'many' })],
      (sb) => [
        'dist',
        'claim',
        claimArgs(sb, P, 'alice', 'parked-day', 1, D + DAY_MS, D + 2 * DAY_MS, 'obd-alice'),
      ],
    ],
    [
      'holder storing a zero hold (0 is stored as absence)',
      (sb) => [
        pointsKeys.holder(P, sb.addr('bob')),
        encodeCanonical({ ...get(sb, pointsKeys.holder(P, sb.addr('bob'))), held: 0 }),
      ],
      () => ['bob', 'setArea', { program: P, area: 'c-1' }],
    ],
  ];

  it.each(cases)('a stored %s refuses the call and changes nothing', (_name, hurt, call) => {
    const { sb, claim } = damaged();
    const [key, bytes] = hurt(sb);
    sb.chain.state.set(key, bytes);
    const [who, method, args] = call(sb, claim);
    const before = sb.snapshot();
    const r = sb.call(who, method, args);
    expect(r.status, r.message).toBe('CHAIN_INVALID');
    expect(r.writes).toEqual([]);
    expect(r.events).toEqual([]);
    expect(sb.snapshot()).toEqual(before);
  });

  it('queries report a damaged dispute, schedule or area list as CHAIN_INVALID', () => {
    const { sb } = damaged();
    sb.chain.state.set(pointsKeys.dispute(P, 1), encodeCanonical({ n: 1 }));
    sb.chain.state.set(pointsKeys.breakage(P), encodeCanonical({ entries: 'x' }));
    sb.chain.state.set(pointsKeys.areas(P), encodeCanonical({ areas: [{ id: 'c-1', extra: 1 }] }));
    const code = (name: string, args: Record<string, unknown>) => {
      try {
        sb.query(name, args);
        return 'ok';
      } catch (e) {
        return isGongzhiError(e) ? e.code : String(e);
      }
    };
    expect(code('dispute', { program: P, n: '1' })).toBe('CHAIN_INVALID');
    expect(code('disputes', { program: P })).toBe('CHAIN_INVALID');
    expect(code('breakage', { program: P })).toBe('CHAIN_INVALID');
    expect(code('areas', { program: P })).toBe('CHAIN_INVALID');
    expect(code('dispute', { program: P, n: '0' })).toBe('EXEC_BAD_ARGS');
    expect(code('dispute', { program: P, n: '7' })).toBe('POINTS_NOT_FOUND');
  });
});
