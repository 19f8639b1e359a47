import { describe, expect, it } from 'vitest';
import { decodeCanonical, encodeCanonical } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import { DAY_MS, pointsKeys } from '../../src/modules/points/index.js';
import { PointsSandbox } from '../../src/testing/index.js';
import { addProgram, BJ_MIDNIGHT, claimArgs, digest, refused, T0 } from '../helpers/points-world.js';

/**
 * Issue 17, what item 14 left: a member's area is set or confirmed by an accountable party (the
 * issuer, or the area's community worker for her own request), pending requests count nowhere and
 * every move is recorded; an auditor's dispute holds the payables the award's spent part accrued,
 * released when rejected and clawed back to the sponsor when upheld. Every refusal: its code, no
 * write, no event, the same state and answers; the books stay sound.
 */

const P = 'green';
const D = BJ_MIDNIGHT - 40 * DAY_MS;

function scene(): PointsSandbox {
  const sb = new PointsSandbox({ timestamp: T0, sign: false });
  addProgram(sb, P);
  sb.ok('issuer', 'grantRole', { program: P, role: 'platform', account: sb.addr('shop') });
  sb.ok('shop', 'listItem', { program: P, item: 'coffee', name: 'coffee', price: 40 });
  sb.ok('bureau', 'grantRole', { program: P, role: 'verifier', account: sb.addr('vvb') });
  return sb;
}

function parkedDay(sb: PointsSandbox, who: string, d = 0): Uint8Array {
  const start = D + d * DAY_MS;
  const [e] = sb.ok(
    'dist',
    'claim',
    claimArgs(sb, P, who, 'parked-day', 1, start, start + DAY_MS, `obd-${who}`),
  );
  return e?.data.claim as Uint8Array;
}

const plain = (sb: PointsSandbox, account: string): number =>
  (sb.query('balance', { program: P, account }) as { balance: number }).balance;
const sound = (sb: PointsSandbox) => expect(sb.audit(P).violations).toEqual([]);
const memberArea = (sb: PointsSandbox, who: string) =>
  sb.query('memberArea', { program: P, account: sb.addr(who) }) as {
    area: string;
    pending?: { area: string };
    moves: Record<string, unknown>[];
  };
const areaRow = (sb: PointsSandbox, area: string) =>
  (
    sb.query('areas', { program: P }) as { areas: { area: string; claims: number; awarded: number }[] }
  ).areas.find((x) => x.area === area);
const answers = (sb: PointsSandbox) => () => ({
  totals: sb.query('totals', { program: P }),
  areas: sb.query('areas', { program: P }),
  alice: memberArea(sb, 'alice'),
  bob: memberArea(sb, 'bob'),
  disputes: sb.query('disputes', { program: P }),
});
const redeem = (sb: PointsSandbox): CborMap => ({
  program: P,
  platform: sb.addr('shop'),
  item: 'coffee',
  price: 40,
});

function withAreas(sb: PointsSandbox): void {
  sb.ok('issuer', 'defineArea', { program: P, area: 'jinsong' });
  sb.ok('issuer', 'defineArea', { program: P, area: 'c-east', street: 'jinsong', worker: sb.addr('worker') });
  sb.ok('issuer', 'defineArea', { program: P, area: 'c-west', street: 'jinsong' });
}

describe('areas set or confirmed by an accountable party', () => {
  it('a member’s own request counts nowhere until the area’s worker confirms it; moves are recorded', () => {
    const sb = scene();
    withAreas(sb);
    const [asked] = sb.ok('alice', 'setArea', { program: P, area: 'c-east' });
    expect(asked?.name).toBe('areaRequested');
    expect(memberArea(sb, 'alice')).toMatchObject({ area: '', pending: { area: 'c-east' }, moves: [] });
    parkedDay(sb, 'alice');
    // pending: the community's figures do not move, the whole program's do
    expect(areaRow(sb, 'c-east')).toMatchObject({ claims: 0, awarded: 0 });
    expect((sb.query('areas', { program: P }) as { whole: { claims: number } }).whole.claims).toBe(1);
    const [moved] = sb.ok('worker', 'confirmArea', { program: P, account: sb.addr('alice'), area: 'c-east' });
    expect(moved?.data).toMatchObject({ from: '', to: 'c-east', by: sb.addr('worker'), move: 1 });
    parkedDay(sb, 'alice', 1);
    expect(areaRow(sb, 'c-east')).toMatchObject({ claims: 1, awarded: 60 });
    // the registrar (the issuer) moves her without a request; what c-east counted stays there
    sb.ok('issuer', 'confirmArea', { program: P, account: sb.addr('alice'), area: 'c-west' });
    parkedDay(sb, 'alice', 2);
    expect(areaRow(sb, 'c-east')).toMatchObject({ claims: 1, awarded: 60 });
    expect(areaRow(sb, 'c-west')).toMatchObject({ claims: 1, awarded: 60 });
    // leaving is her own act, at once (it can only take figures away), and recorded too
    sb.ok('alice', 'setArea', { program: P });
    const m = memberArea(sb, 'alice');
    expect(m.area).toBe('');
    expect(m.pending).toBeUndefined();
    expect(m.moves).toEqual([
      { n: 1, to: 'c-east', by: sb.addr('worker'), height: expect.any(Number), ts: expect.any(Number) },
      {
        n: 2,
        from: 'c-east',
        to: 'c-west',
        by: sb.addr('issuer'),
        height: expect.any(Number),
        ts: expect.any(Number),
      },
      { n: 3, from: 'c-west', by: sb.addr('alice'), height: expect.any(Number), ts: expect.any(Number) },
    ]);
    // withdrawing a pending request moves nothing
    sb.ok('bob', 'setArea', { program: P, area: 'c-east' });
    sb.ok('bob', 'setArea', { program: P });
    expect(memberArea(sb, 'bob')).toEqual({ program: P, account: sb.addr('bob'), area: '', moves: [] });
    sound(sb);
  });

  it('refuses self-declared, unasked, unauthorised and conflicting confirmations with their codes, changing nothing', () => {
    const sb = scene();
    withAreas(sb);
    const ans = answers(sb);
    const confirm = (who: string, area: string): CborMap => ({ program: P, account: sb.addr(who), area });
    // the worker confirms only a member's own request for its area
    refused(sb, 'worker', 'confirmArea', confirm('bob', 'c-east'), 'POINTS_INVALID_STATE', ans);
    sb.ok('bob', 'setArea', { program: P, area: 'c-west' });
    const ans2 = answers(sb);
    refused(sb, 'worker', 'confirmArea', confirm('bob', 'c-east'), 'POINTS_INVALID_STATE', ans2);
    refused(sb, 'worker', 'confirmArea', confirm('bob', 'c-west'), 'POINTS_WRONG_ROLE', ans2);
    // a member confirms nobody, herself least of all; a distributor is not a registrar
    refused(sb, 'bob', 'confirmArea', confirm('bob', 'c-west'), 'POINTS_WRONG_ROLE', ans2);
    refused(sb, 'alice', 'confirmArea', confirm('bob', 'c-west'), 'POINTS_WRONG_ROLE', ans2);
    refused(sb, 'dist', 'confirmArea', confirm('bob', 'c-west'), 'POINTS_WRONG_ROLE', ans2);
    refused(sb, 'issuer', 'confirmArea', confirm('stranger', 'c-west'), 'POINTS_NOT_MEMBER', ans2);
    refused(sb, 'issuer', 'confirmArea', confirm('bob', 'nowhere'), 'POINTS_NOT_FOUND', ans2);
    refused(
      sb,
      'issuer',
      'confirmArea',
      { ...confirm('bob', 'c-west'), account: 'not an address' },
      'EXEC_BAD_ARGS',
      ans2,
    );
    refused(sb, 'issuer', 'confirmArea', { program: P, area: 'c-west' } as CborMap, 'EXEC_BAD_ARGS', ans2);
    refused(sb, 'bob', 'setArea', { program: P, area: 'c-west' }, 'POINTS_INVALID_STATE', ans2);
    sb.ok('issuer', 'confirmArea', confirm('bob', 'c-west'));
    const ans3 = answers(sb);
    refused(sb, 'issuer', 'confirmArea', confirm('bob', 'c-west'), 'POINTS_INVALID_STATE', ans3);
    refused(sb, 'bob', 'setArea', { program: P, area: 'c-west' }, 'POINTS_INVALID_STATE', ans3);
    // a member of the program is never an area's worker: named so, or joined after being named
    refused(
      sb,
      'issuer',
      'defineArea',
      { program: P, area: 'c-south', street: 'jinsong', worker: sb.addr('alice') },
      'POINTS_ROLE_CONFLICT',
      ans3,
    );
    sb.ok('worker', 'join', { program: P, consent: digest(sb, 'worker') });
    sb.ok('alice', 'setArea', { program: P, area: 'c-east' });
    refused(sb, 'worker', 'confirmArea', confirm('alice', 'c-east'), 'POINTS_ROLE_CONFLICT', answers(sb));
    sound(sb);
  });

  it('a damaged request or move record is CHAIN_INVALID, never a default', () => {
    const sb = scene();
    withAreas(sb);
    sb.ok('alice', 'setArea', { program: P, area: 'c-east' });
    sb.chain.state.set(
      pointsKeys.areaRequest(P, sb.addr('alice')),
      encodeCanonical({ area: 'Bad Id', height: 1, ts: 1 }),
    );
    const before = sb.snapshot();
    const r = sb.call('worker', 'confirmArea', { program: P, account: sb.addr('alice'), area: 'c-east' });
    expect(r.status).toBe('CHAIN_INVALID');
    expect(r.writes).toEqual([]);
    expect(sb.snapshot()).toEqual(before);
    let code = 'ok';
    try {
      memberArea(sb, 'alice');
    } catch (e) {
      code = isGongzhiError(e) ? e.code : String(e);
    }
    expect(code).toBe('CHAIN_INVALID');
  });
});

describe('a dispute holds the payables of the spent award', () => {
  /** alice and bob each earn 60 and buy a 40-point coffee; an auditor disputes alice's award. */
  function spent(): { sb: PointsSandbox; s1: string; acct: string } {
    const sb = scene();
    parkedDay(sb, 'alice');
    parkedDay(sb, 'bob');
    sb.ok('alice', 'redeem', redeem(sb));
    sb.ok('bob', 'redeem', redeem(sb));
    const s1 = sb.addr('s1');
    return { sb, s1, acct: `payable:${s1}:${sb.addr('shop')}` };
  }
  it('holds what she spent from the close, and claws it back to the sponsor when upheld', () => {
    const { sb, s1, acct } = spent();
    const claim = firstClaim(sb, 'alice');
    expect(plain(sb, acct)).toBe(80);
    const [opened] = sb.ok('vvb', 'openDispute', { program: P, claim, reason: digest(sb, 'photo mismatch') });
    // she still holds 20 of the 60: the other 40 were spent, and their 40 fen are held
    expect(opened?.data).toMatchObject({ hold: 60, heldMoney: 40 });
    expect(sb.query('dispute', { program: P, n: '1' })).toMatchObject({ payables: { [acct]: 40 } });
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    // bob's 40 are paid; alice's 40 stay open on the payable, held
    expect(plain(sb, acct)).toBe(40);
    expect(plain(sb, `paid:${s1}:${sb.addr('shop')}`)).toBe(40);
    sound(sb);
    const pool = plain(sb, `pool:${s1}`);
    const [decided] = sb.ok('bureau', 'decideDispute', {
      program: P,
      dispute: 1,
      outcome: 'upheld',
      report: digest(sb, 'report'),
    });
    expect(decided?.data).toMatchObject({
      clawedBack: 60,
      fromBalance: 20,
      owed: 40,
      money: 20,
      payableMoney: 40,
    });
    expect(plain(sb, acct)).toBe(0);
    expect(plain(sb, `pool:${s1}`)).toBe(pool + 60);
    expect(sb.chain.state.has(pointsKeys.payableHolds(P))).toBe(false);
    expect(sb.query('dispute', { program: P, n: '1' })).toMatchObject({ decision: { payableMoney: 40 } });
    sound(sb);
    // nothing is left to pay for the fraudulent award
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(plain(sb, `paid:${s1}:${sb.addr('shop')}`)).toBe(40);
    sound(sb);
  });

  it('a rejected dispute releases the hold: the next close pays it', () => {
    const { sb, s1, acct } = spent();
    sb.ok('vvb', 'openDispute', { program: P, claim: firstClaim(sb, 'alice'), reason: digest(sb, 'x') });
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(plain(sb, acct)).toBe(40);
    sb.ok('bureau', 'decideDispute', {
      program: P,
      dispute: 1,
      outcome: 'rejected',
      report: digest(sb, 'r'),
    });
    expect(sb.chain.state.has(pointsKeys.payableHolds(P))).toBe(false);
    expect(plain(sb, acct)).toBe(40);
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(plain(sb, acct)).toBe(0);
    expect(plain(sb, `paid:${s1}:${sb.addr('shop')}`)).toBe(80);
    sound(sb);
  });

  it('upheld in part claws back only what is owed and releases the rest; a resident’s report holds nothing', () => {
    const { sb, s1, acct } = spent();
    // a resident's report: no hold of points or payables
    const [r] = sb.ok('bob', 'openDispute', {
      program: P,
      claim: firstClaim(sb, 'alice'),
      reason: digest(sb, 'r'),
    });
    expect(r?.data.heldMoney).toBeUndefined();
    sb.ok('bureau', 'decideDispute', {
      program: P,
      dispute: 1,
      outcome: 'rejected',
      report: digest(sb, 'r'),
    });
    sb.ok('vvb', 'openDispute', { program: P, claim: firstClaim(sb, 'alice'), reason: digest(sb, 'x') });
    const [d] = sb.ok('bureau', 'decideDispute', {
      program: P,
      dispute: 2,
      outcome: 'upheld',
      report: digest(sb, 'r'),
      points: 30,
    });
    // 20 from her balance, 10 owed: 10 fen of the held 40 go back to s1, 30 are released
    expect(d?.data).toMatchObject({ fromBalance: 20, owed: 10, payableMoney: 10 });
    expect(plain(sb, acct)).toBe(70);
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(plain(sb, `paid:${s1}:${sb.addr('shop')}`)).toBe(70);
    sound(sb);
  });

  it('two disputes never hold the same money, and last period’s (settled) spending is not held', () => {
    const sb = scene();
    parkedDay(sb, 'alice');
    parkedDay(sb, 'alice', 1);
    for (let i = 0; i < 3; i++) sb.ok('alice', 'redeem', redeem(sb));
    const acct = `payable:${sb.addr('s1')}:${sb.addr('shop')}`;
    const [c1, c2] = claimsOf(sb, 'alice');
    if (!c1 || !c2) throw new Error('two claims expected');
    const [a] = sb.ok('vvb', 'openDispute', { program: P, claim: c1, reason: digest(sb, 'a') });
    const [b] = sb.ok('vvb', 'openDispute', { program: P, claim: c2, reason: digest(sb, 'b') });
    // 120 spent of 120: each award's 60 fen, 120 held in all, none twice
    expect([a?.data.heldMoney, b?.data.heldMoney]).toEqual([60, 60]);
    expect(decodeCanonical(sb.chain.state.get(pointsKeys.payableHolds(P)) as Uint8Array)).toEqual({
      [acct]: 120,
    });
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(plain(sb, acct)).toBe(120);
    sound(sb);
    // bob spent in the period just closed: it was paid, there is nothing to hold
    const sb2 = scene();
    parkedDay(sb2, 'bob');
    sb2.ok('bob', 'redeem', redeem(sb2));
    sb2.ok('bank', 'closePeriod', { currency: 'CNY' });
    const [o] = sb2.ok('vvb', 'openDispute', {
      program: P,
      claim: firstClaim(sb2, 'bob'),
      reason: digest(sb2, 'c'),
    });
    expect(o?.data.heldMoney).toBeUndefined();
    sound(sb2);
  });

  it('a damaged hold record refuses the close and changes nothing', () => {
    const { sb } = spent();
    sb.ok('vvb', 'openDispute', { program: P, claim: firstClaim(sb, 'alice'), reason: digest(sb, 'x') });
    sb.chain.state.set(pointsKeys.payableHolds(P), encodeCanonical({ x: 'forty' }));
    const before = sb.snapshot();
    const r = sb.call('bank', 'closePeriod', { currency: 'CNY' });
    expect(r.status).toBe('CHAIN_INVALID');
    expect(r.writes).toEqual([]);
    expect(sb.snapshot()).toEqual(before);
    parkedDay(sb, 'bob', 1);
    sb.chain.state.set(pointsKeys.spendTrail(P, sb.addr('bob')), encodeCanonical({ period: 1, entries: 3 }));
    const before2 = sb.snapshot();
    const r2 = sb.call('bob', 'redeem', redeem(sb));
    expect(r2.status).toBe('CHAIN_INVALID');
    expect(r2.writes).toEqual([]);
    expect(sb.snapshot()).toEqual(before2);
  });
});

/** The claim ids of `who`'s awards, in award order (from the journal-free claim records). */
function claimsOf(sb: PointsSandbox, who: string): Uint8Array[] {
  const user = sb.addr(who);
  const out: [number, Uint8Array][] = [];
  for (const [k, v] of sb.chain.state) {
    if (!k.startsWith(`points/claim/${P}/`)) continue;
    const c = decodeCanonical(v) as { user: string; id: Uint8Array; height: number };
    if (c.user === user) out.push([c.height, c.id]);
  }
  return out.sort((x, y) => x[0] - y[0]).map(([, id]) => id);
}

function firstClaim(sb: PointsSandbox, who: string): Uint8Array {
  const [c] = claimsOf(sb, who);
  if (!c) throw new Error(`no claim of ${who}`);
  return c;
}
