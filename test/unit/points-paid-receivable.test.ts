import { describe, expect, it } from 'vitest';
import type { CborMap } from '../../src/ledger/index.js';
import { DAY_MS } from '../../src/modules/points/index.js';
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
 * Issue 17: a dispute raised after the period holding the spending was closed and paid cannot hold
 * money that left. It names that spending (`paid`, from the member's closed trail); upheld, the
 * part the member owes is booked as a receivable against the party that was paid
 * (`paid −m, receivable +m`), and the next close keeps it from what that pair is paid then
 * (`receivable −o, pool +o`), shown in that period's pair statement. Every posting set balances.
 */

const P = 'green';
const D = BJ_MIDNIGHT - 40 * DAY_MS;

function scene(): PointsSandbox {
  const sb = new PointsSandbox({ timestamp: T0, sign: false });
  addProgram(sb, P);
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
const plain = (sb: PointsSandbox, account: string): number =>
  (sb.query('balance', { program: P, account }) as { balance: number }).balance;
const sound = (sb: PointsSandbox) => {
  expect(sb.audit(P).violations).toEqual([]);
  const t = sb.query('totals', { program: P }) as { balanced: boolean; money: Record<string, number> };
  expect(t.balanced).toBe(true);
  return t;
};
const close = (sb: PointsSandbox) => sb.ok('bank', 'closePeriod', { currency: 'CNY' });
const pairStatement = (sb: PointsSandbox, period: number) => {
  const rec = sb.query('period', { currency: 'CNY', clearing: sb.addr('bank'), period }) as {
    statements: string[];
  };
  return rec.statements
    .map((d) => sb.query('statement', { digest: d }) as { kind: string; body: Record<string, unknown> })
    .find((s) => s.kind === 'pair')?.body;
};

describe('an upheld dispute over money already paid books a receivable, offset at the next close', () => {
  it('close and pay, then dispute, uphold: the next close keeps it from the payee’s payment', () => {
    const sb = scene();
    const a = parkedDay(sb, 'alice');
    sb.ok('alice', 'redeem', gum(sb, 40));
    const s1 = sb.addr('s1');
    const shop = sb.addr('shop');
    close(sb);
    expect(plain(sb, `paid:${s1}:${shop}`)).toBe(40);
    expect(plain(sb, `payable:${s1}:${shop}`)).toBe(0);
    // the money left: nothing to hold, but the dispute names the paid spending
    const [opened] = sb.ok('vvb', 'openDispute', { program: P, claim: a, reason: digest(sb, 'fraud') });
    expect(opened?.data).toMatchObject({ hold: 60, paidMoney: 40 });
    expect(opened?.data.heldMoney).toBeUndefined();
    const q = sb.query('dispute', { program: P, n: '1' }) as Record<string, unknown>;
    expect(q.paid).toEqual({ [`payable:${s1}:${shop}`]: 40 });
    expect(q.spends).toEqual([expect.objectContaining({ period: 1, op: 'redeem', points: 40 })]);
    const pool = plain(sb, `pool:${s1}`);
    const [decided] = sb.ok('bureau', 'decideDispute', {
      program: P,
      dispute: 1,
      outcome: 'upheld',
      report: digest(sb, 'r'),
    });
    expect(decided?.data).toMatchObject({ fromBalance: 20, owed: 40, receivableMoney: 40 });
    expect(plain(sb, `receivable:${s1}:${shop}`)).toBe(40);
    expect(plain(sb, `paid:${s1}:${shop}`)).toBe(0);
    expect(balanceOf(sb, 'alice')).toBe(-40);
    // the 20 she still held came back to the pool; the 40 wait for the shop's next payment
    expect(plain(sb, `pool:${s1}`)).toBe(pool + 20);
    expect(sound(sb).money.receivable).toBe(40);
    // deciding it again is refused: its code, no change
    refused(
      sb,
      'bureau',
      'decideDispute',
      { program: P, dispute: 1, outcome: 'upheld', report: digest(sb, 'r') },
      'POINTS_INVALID_STATE',
      () => [plain(sb, `receivable:${s1}:${shop}`), plain(sb, `pool:${s1}`)],
    );
    // next period: bob's real redemption of 50 accrues to the shop; the close keeps 40 of it
    parkedDay(sb, 'bob', 1);
    sb.ok('bob', 'redeem', gum(sb, 50));
    const [closed] = close(sb);
    expect(closed?.data).toMatchObject({ period: 2 });
    expect(plain(sb, `receivable:${s1}:${shop}`)).toBe(0);
    expect(plain(sb, `pool:${s1}`)).toBe(pool + 60);
    // paid is the money that left, net: 40 at the first close, 10 at this one
    expect(plain(sb, `paid:${s1}:${shop}`)).toBe(50);
    const body = pairStatement(sb, 2);
    const sponsorFirst = s1 < shop;
    expect(body).toMatchObject({ net: 10, netPayer: s1, netPayee: shop });
    expect(body?.[sponsorFirst ? 'offsetAToB' : 'offsetBToA']).toBe(40);
    expect(body?.[sponsorFirst ? 'aToB' : 'bToA']).toBe(10);
    const report = sb.query('report', { program: P, period: 2 }) as { activity: Record<string, number> };
    expect(report.activity.receivableOffset).toBe(40);
    expect(sound(sb).money.receivable).toBe(0);
  });

  it('a receivable larger than the next payment is carried to later closes', () => {
    const sb = scene();
    const a = parkedDay(sb, 'alice');
    sb.ok('alice', 'redeem', gum(sb, 60));
    close(sb);
    sb.ok('vvb', 'openDispute', { program: P, claim: a, reason: digest(sb, 'fraud') });
    sb.ok('bureau', 'decideDispute', { program: P, dispute: 1, outcome: 'upheld', report: digest(sb, 'r') });
    const recv = `receivable:${sb.addr('s1')}:${sb.addr('shop')}`;
    expect(plain(sb, recv)).toBe(60);
    parkedDay(sb, 'bob', 1);
    sb.ok('bob', 'redeem', gum(sb, 25));
    close(sb);
    expect(plain(sb, recv)).toBe(35);
    expect(pairStatement(sb, 2)).toMatchObject({ net: 0 });
    sb.ok('bob', 'redeem', gum(sb, 35));
    close(sb);
    expect(plain(sb, recv)).toBe(0);
    sound(sb);
  });

  it('rejected: nothing is booked, and the paid spending is free for a later dispute', () => {
    const sb = scene();
    const a = parkedDay(sb, 'alice');
    sb.ok('alice', 'redeem', gum(sb, 30));
    close(sb);
    sb.ok('vvb', 'openDispute', { program: P, claim: a, reason: digest(sb, 'x') });
    sb.ok('bureau', 'decideDispute', {
      program: P,
      dispute: 1,
      outcome: 'rejected',
      report: digest(sb, 'r'),
    });
    expect(plain(sb, `receivable:${sb.addr('s1')}:${sb.addr('shop')}`)).toBe(0);
    // she spends again in the new period: the closed trail is kept, so a later dispute still finds it
    sb.ok('alice', 'redeem', gum(sb, 5));
    const [again] = sb.ok('vvb', 'openDispute', { program: P, claim: a, reason: digest(sb, 'y') });
    expect(again?.data).toMatchObject({ paidMoney: 30, heldMoney: 5 });
    sound(sb);
  });
});
