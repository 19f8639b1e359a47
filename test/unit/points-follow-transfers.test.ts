import { describe, expect, it } from 'vitest';
import { decodeCanonical, encodeCanonical } from '../../src/encoding/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import { DAY_MS, pointsKeys } from '../../src/modules/points/index.js';
import { PointsSandbox } from '../../src/testing/index.js';
import {
  addProgram,
  BJ_MIDNIGHT,
  balanceOf,
  claimArgs,
  digest,
  refused,
  T0,
} from '../helpers/points-world.js';

/**
 * Issue 17: a dispute's hold follows the award's units across transfers. The lots keep their issue
 * stamp when they move (take → give), a transfer is a spend-trail entry naming the recipient, so an
 * auditor's dispute walks on into the recipient's trail (her redemption's payable is held) and
 * holds the rest on her holdings; rejected frees it all, upheld claws the recipient's held units
 * back first. Every refusal: its code and no state change.
 */

const P = 'green';
const D = BJ_MIDNIGHT - 40 * DAY_MS;

function scene(): PointsSandbox {
  const sb = new PointsSandbox({ timestamp: T0, sign: false });
  addProgram(sb, P, { transfer: 'program' });
  sb.ok('carol', 'join', { program: P, consent: digest(sb, 'carol') });
  sb.ok('issuer', 'grantRole', { program: P, role: 'platform', account: sb.addr('shop') });
  sb.ok('shop', 'listItem', { program: P, item: 'gum', name: 'gum', price: 1 });
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

const gum = (sb: PointsSandbox, quantity: number): CborMap => ({
  program: P,
  platform: sb.addr('shop'),
  item: 'gum',
  quantity,
  price: 1,
});
const give = (sb: PointsSandbox, from: string, to: string, amount: number) =>
  sb.ok(from, 'transfer', { program: P, to: sb.addr(to), amount });
const stored = (sb: PointsSandbox, key: string): Record<string, unknown> | undefined => {
  const v = sb.chain.state.get(key);
  return v === undefined ? undefined : (decodeCanonical(v) as Record<string, unknown>);
};
const holder = (sb: PointsSandbox, who: string) =>
  stored(sb, pointsKeys.holder(P, sb.addr(who))) as { held?: number; lots: number[][] };
const trail = (sb: PointsSandbox, who: string) =>
  stored(sb, pointsKeys.spendTrail(P, sb.addr(who))) as
    | { entries: { op: string; account: string; points: number; held: number }[] }
    | undefined;
const holds = (sb: PointsSandbox) => stored(sb, pointsKeys.payableHolds(P));
const plain = (sb: PointsSandbox, account: string): number =>
  (sb.query('balance', { program: P, account }) as { balance: number }).balance;
const sound = (sb: PointsSandbox) => expect(sb.audit(P).violations).toEqual([]);
const open = (sb: PointsSandbox, claim: Uint8Array, why = 'x') =>
  sb.ok('vvb', 'openDispute', { program: P, claim, reason: digest(sb, why) })[0]?.data;
const decide = (sb: PointsSandbox, outcome: 'upheld' | 'rejected', n = 1) =>
  sb.ok('bureau', 'decideDispute', { program: P, dispute: n, outcome, report: digest(sb, 'r') })[0]?.data;

describe('a dispute follows the award’s points across transfers', () => {
  it('holds the recipient’s redemption of the transferred points; rejection frees it', () => {
    const sb = scene();
    const a = parkedDay(sb, 'alice');
    give(sb, 'alice', 'bob', 60);
    // the lot keeps its stamp in bob's holdings; alice's trail names the recipient
    const [stamp] = holder(sb, 'bob').lots;
    expect(stamp?.[0]).toBe(60);
    expect(trail(sb, 'alice')?.entries).toEqual([
      expect.objectContaining({ op: 'transfer', account: `user:${sb.addr('bob')}`, points: 60, held: 0 }),
    ]);
    sb.ok('bob', 'redeem', gum(sb, 45));
    const shop = `payable:${sb.addr('s1')}:${sb.addr('shop')}`;
    expect(plain(sb, shop)).toBe(45);
    // bob's 45 spent are held on the shop's payable, his 15 left on his holdings; alice holds none
    expect(open(sb, a)).toMatchObject({ hold: 45, heldMoney: 45, heldFollowed: 15 });
    const q = sb.query('dispute', { program: P, n: '1' }) as Record<string, unknown>;
    expect(q.hold).toBe(45);
    expect(q.follow).toEqual({ [sb.addr('bob')]: 15 });
    expect(q.payables).toEqual({ [shop]: 45 });
    expect(q.spends).toEqual([
      expect.objectContaining({ op: 'transfer', account: `user:${sb.addr('bob')}`, points: 60 }),
      expect.objectContaining({ user: sb.addr('bob'), op: 'redeem', account: shop, points: 45 }),
    ]);
    expect(holder(sb, 'bob').held).toBe(15);
    expect(trail(sb, 'bob')?.entries[0]?.held).toBe(45);
    // bob cannot spend the held 15
    refused(sb, 'bob', 'redeem', gum(sb, 1), 'POINTS_HELD', () => [holder(sb, 'bob'), holds(sb)]);
    // the close does not pay the held redemption
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(plain(sb, shop)).toBe(45);
    expect(decide(sb, 'rejected')).toMatchObject({ outcome: 'rejected', clawedBack: 0 });
    expect(holds(sb)).toBeUndefined();
    expect(holder(sb, 'bob').held).toBeUndefined();
    expect(holder(sb, 'alice').held).toBeUndefined();
    sb.ok('bob', 'redeem', gum(sb, 15));
    sb.ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(plain(sb, shop)).toBe(0);
    sound(sb);
  });

  it('upheld: the recipient’s held points come back first, the spent rest is owed and its payable clawed', () => {
    const sb = scene();
    const a = parkedDay(sb, 'alice');
    give(sb, 'alice', 'bob', 60);
    sb.ok('bob', 'redeem', gum(sb, 45));
    open(sb, a);
    const pool = plain(sb, `pool:${sb.addr('s1')}`);
    const shop = `payable:${sb.addr('s1')}:${sb.addr('shop')}`;
    expect(decide(sb, 'upheld')).toMatchObject({
      clawedBack: 60,
      fromFollowed: 15,
      fromBalance: 0,
      owed: 45,
      payableMoney: 45,
    });
    expect(balanceOf(sb, 'bob')).toBe(0);
    expect(balanceOf(sb, 'alice')).toBe(-45);
    expect(plain(sb, shop)).toBe(0);
    expect(plain(sb, `pool:${sb.addr('s1')}`)).toBe(pool + 60);
    expect(holder(sb, 'bob').held).toBeUndefined();
    const q = sb.query('dispute', { program: P, n: '1' }) as { decision: Record<string, unknown> };
    expect(q.decision.fromFollowed).toBe(15);
    sound(sb);
  });

  it('follows two hops, never a unit twice, and not the recipient’s own award', () => {
    const sb = scene();
    const a = parkedDay(sb, 'alice');
    parkedDay(sb, 'bob', 1);
    give(sb, 'alice', 'bob', 50);
    give(sb, 'bob', 'carol', 30);
    sb.ok('carol', 'redeem', gum(sb, 20));
    // bob's oldest lot is alice's award (day 0): his transfer passed 30 of it on
    expect(open(sb, a)).toMatchObject({ hold: 30, heldMoney: 20, heldFollowed: 30 });
    const q = sb.query('dispute', { program: P, n: '1' }) as Record<string, unknown>;
    // carol's 10 left and bob's 20 left of the 50; bob's own award is not touched
    expect(q.follow).toEqual({ [sb.addr('bob')]: 20, [sb.addr('carol')]: 10 });
    expect(holder(sb, 'bob').held).toBe(20);
    expect(holder(sb, 'carol').held).toBe(10);
    // a second dispute of the claim is refused while this one is open: its code, no change
    refused(
      sb,
      'vvb',
      'openDispute',
      { program: P, claim: a, reason: digest(sb, 'again') },
      'POINTS_EXISTS',
      () => [holder(sb, 'bob'), holder(sb, 'carol'), trail(sb, 'bob'), holds(sb)],
    );
    decide(sb, 'rejected');
    expect(trail(sb, 'alice')?.entries.every((e) => e.held === 0)).toBe(true);
    expect(trail(sb, 'bob')?.entries.every((e) => e.held === 0)).toBe(true);
    expect(trail(sb, 'carol')?.entries.every((e) => e.held === 0)).toBe(true);
    // held again by a fresh dispute: the same units, once
    expect(open(sb, a, 'again')).toMatchObject({ hold: 30, heldMoney: 20, heldFollowed: 30 });
    sound(sb);
  });

  it('points that come back to the disputed member stay under her own hold, not a second one', () => {
    const sb = scene();
    const a = parkedDay(sb, 'alice');
    give(sb, 'alice', 'bob', 50);
    give(sb, 'bob', 'alice', 20);
    expect(open(sb, a)).toMatchObject({ hold: 30, heldFollowed: 30 });
    const q = sb.query('dispute', { program: P, n: '1' }) as Record<string, unknown>;
    expect(q.follow).toEqual({ [sb.addr('bob')]: 30 });
    expect(decide(sb, 'upheld')).toMatchObject({
      clawedBack: 60,
      fromFollowed: 30,
      fromBalance: 30,
      owed: 0,
    });
    expect(balanceOf(sb, 'alice')).toBe(0);
    expect(balanceOf(sb, 'bob')).toBe(0);
    sound(sb);
  });

  it('a recipient’s holdings that no longer match the dispute are CHAIN_INVALID, changing nothing', () => {
    const sb = scene();
    const a = parkedDay(sb, 'alice');
    give(sb, 'alice', 'bob', 60);
    open(sb, a);
    expect(holder(sb, 'bob').held).toBe(60);
    // tamper: bob's hold is gone (as if the record were damaged)
    const key = pointsKeys.holder(P, sb.addr('bob'));
    const h = holder(sb, 'bob');
    const { held: _held, ...rest } = h;
    sb.chain.state.set(key, encodeCanonical(rest));
    const args = { program: P, dispute: 1, outcome: 'rejected', report: digest(sb, 'r') };
    refused(sb, 'bureau', 'decideDispute', args, 'CHAIN_INVALID');
    refused(sb, 'bureau', 'decideDispute', { ...args, outcome: 'upheld' }, 'CHAIN_INVALID');
  });

  it('a transfer that would overflow the sender’s trail is refused with POINTS_LIMIT, changing nothing', () => {
    const sb = scene();
    parkedDay(sb, 'alice');
    const key = pointsKeys.spendTrail(P, sb.addr('alice'));
    const entries = Array.from({ length: 4096 }, (_, i) => ({
      ts: i,
      height: 0,
      op: 'redeem',
      account: `payable:${sb.addr('s1')}:${sb.addr('shop')}`,
      points: 1,
      held: 0,
      tx: new Uint8Array(32),
      n: 1,
    }));
    sb.chain.state.set(key, encodeCanonical({ period: 1, entries }));
    refused(sb, 'alice', 'transfer', { program: P, to: sb.addr('bob'), amount: 10 }, 'POINTS_LIMIT', () => [
      balanceOf(sb, 'alice'),
      balanceOf(sb, 'bob'),
    ]);
  });
});
