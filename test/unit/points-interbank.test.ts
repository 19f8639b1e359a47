import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/encoding/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import { PointsSandbox } from '../../src/testing/index.js';
import { programArgs, refused, T0 } from '../helpers/points-world.js';

/**
 * Issue 17 item 10: periodic settlement statements between two time banks of an exchange
 * agreement — the conversions each way since the last statement and the net position, drawn up by
 * one issuer and signed (or disputed) by the other, by digest.
 */

function banks(): PointsSandbox {
  const tb = new PointsSandbox({ timestamp: T0, sign: false });
  for (const [id, centre] of [
    ['tb1', 'centre1'],
    ['tb2', 'centre2'],
  ] as const) {
    tb.ok(centre, 'createProgram', {
      ...programArgs(tb, id, { currency: 'none', value: 0, debtLimit: 2000, serviceMaxMinutes: 480 }),
      clearing: tb.addr(centre),
      supervisors: [tb.addr('bureau')],
    } as CborMap);
    tb.ok('bureau', 'approveProgram', { program: id });
    tb.ok('c', 'join', { program: id, consent: new Uint8Array(32) });
  }
  tb.ok('p1', 'join', { program: 'tb1', consent: new Uint8Array(32) });
  const id = tb.suite.hash(utf8('svc'));
  tb.ok('c', 'logService', { program: 'tb1', id, recipient: tb.addr('p1'), minutes: 480, kind: 'service' });
  tb.ok('p1', 'confirmService', { program: 'tb1', id });
  tb.ok('centre1', 'proposeExchange', {
    id: 'y',
    from: 'tb1',
    to: 'tb2',
    rateFrom: 1,
    rateTo: 1,
    positionLimit: 600,
  });
  tb.ok('centre2', 'acceptExchange', { id: 'y' });
  return tb;
}

type Stmt = { n: number; aToB: number; bToA: number; opening: number; closing: number; digest: string };
const latest = (tb: PointsSandbox) =>
  tb.query('exchangeStatement', { agreement: 'y' }) as Stmt & Record<string, unknown>;
const answers = (tb: PointsSandbox) => () => {
  try {
    return latest(tb);
  } catch (e) {
    return String(e);
  }
};

describe('inter-bank settlement statements', () => {
  it('states each window’s flows and the net position; the other bank signs or disputes by digest', () => {
    const tb = banks();
    const a = answers(tb);
    tb.ok('c', 'convert', { agreement: 'y', from: 'tb1', amount: 300 });
    tb.ok('c', 'convert', { agreement: 'y', from: 'tb2', amount: 100 });
    refused(tb, 'c', 'settleExchange', { agreement: 'y' }, 'POINTS_WRONG_ROLE', a);
    refused(tb, 'centre1', 'settleExchange', { agreement: 'nope' }, 'POINTS_NOT_FOUND', a);
    tb.ok('centre1', 'settleExchange', { agreement: 'y' });
    const s1 = latest(tb);
    expect([s1.n, s1.aToB, s1.bToA, s1.opening, s1.closing]).toEqual([1, 300, 100, 0, 200]);
    expect([s1.signedA, s1.signedB]).toEqual([true, false]);
    const sign = (n: number, digest: string) => ({ agreement: 'y', n, digest: Buffer.from(digest, 'hex') });
    // a new statement waits for the previous one; the drafter cannot sign twice; a wrong digest is refused
    refused(tb, 'centre2', 'settleExchange', { agreement: 'y' }, 'POINTS_INVALID_STATE', a);
    refused(tb, 'centre1', 'signExchangeStatement', sign(1, s1.digest), 'POINTS_ALREADY_SIGNED', a);
    refused(tb, 'centre2', 'signExchangeStatement', sign(1, '00'.repeat(32)), 'POINTS_INVALID_STATE', a);
    refused(tb, 'centre2', 'signExchangeStatement', sign(2, s1.digest), 'POINTS_NOT_FOUND', a);
    tb.ok('centre2', 'disputeExchangeStatement', { ...sign(1, s1.digest), reason: 'our log shows 250' });
    expect(latest(tb).dispute).toBe('our log shows 250');
    refused(tb, 'centre2', 'settleExchange', { agreement: 'y' }, 'POINTS_INVALID_STATE', a);
    tb.ok('centre2', 'signExchangeStatement', sign(1, s1.digest));
    expect([latest(tb).signedB, latest(tb).dispute]).toEqual([true, '']);
    // nothing moved since: no empty statement
    refused(tb, 'centre2', 'settleExchange', { agreement: 'y' }, 'POINTS_INVALID_STATE', a);
    tb.ok('c', 'convert', { agreement: 'y', from: 'tb2', amount: 150 });
    tb.ok('centre2', 'settleExchange', { agreement: 'y' });
    const s2 = latest(tb);
    expect([s2.n, s2.aToB, s2.bToA, s2.opening, s2.closing]).toEqual([2, 0, 150, 200, 50]);
    expect([s2.signedA, s2.signedB]).toEqual([false, true]);
    tb.ok('centre1', 'signExchangeStatement', sign(2, s2.digest));
    // the statement's closing position is the agreement's position in tb1's books
    const bal = tb.query('balance', { program: 'tb1', account: 'exchange:tb2' }) as { balance: number };
    expect(bal.balance).toBe(s2.closing);
  });
});
