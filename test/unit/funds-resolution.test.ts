import { describe, expect, it } from 'vitest';
import type { CborMap, Receipt } from '../../src/ledger/index.js';
import { type ExpenseJson, expenseMotion, type FundJson } from '../../src/modules/funds/index.js';
import { FundsSandbox } from '../../src/testing/index.js';

/**
 * The owners'-resolution tier: an expense above the fund's resolution threshold is approved only
 * by a passed owners' resolution held in the voting module (art. 278), through the real executor
 * with both modules on one chain. Every refusal: its code, no events, no writes, state unchanged.
 */

const RESOLUTION_CODES = [
  'FUNDS_RESOLUTION_REQUIRED',
  'FUNDS_RESOLUTION_NOT_FOUND',
  'FUNDS_RESOLUTION_MISMATCH',
  'FUNDS_RESOLUTION_NOT_PASSED',
] as const;
const seen = new Set<string>();

function refused(sb: FundsSandbox, who: string, method: string, args: CborMap, code: string): Receipt {
  const before = sb.snapshot();
  const r = sb.block([[who, 'funds', method, args]])[0] as Receipt;
  expect(r.status, r.message).toBe(code);
  expect(r.events).toEqual([]);
  expect(r.writes).toEqual([]);
  expect(sb.snapshot()).toEqual(before);
  seen.add(code);
  return r;
}

function ok(sb: FundsSandbox, who: string, method: string, args: CborMap): Receipt {
  const r = sb.call(who, method, args);
  expect(r.status, r.message).toBe('ok');
  return r;
}

/** Committee alice 2, bob 1, carol 1; the resolution tier from 5 000 000 fen (its matter given). */
function community(sb: FundsSandbox, matter?: 'major'): void {
  ok(sb, 'property', 'createFund', {
    id: 'maint',
    name: 'Maintenance fund',
    kind: 'community',
    currency: 'CNY',
    custodian: 'bank',
    manager: 'property',
    supervisor: 'bureau',
    members: [
      { account: sb.addr('alice'), weight: 2 },
      { account: sb.addr('bob'), weight: 1 },
      { account: sb.addr('carol'), weight: 1 },
    ],
    tiers: [
      { from: 0, rule: 'committee', weight: 2 },
      { from: 5_000_000, rule: 'resolution', weight: 0, ...(matter === undefined ? {} : { matter }) },
    ],
    completionWeight: 2,
  });
  ok(sb, 'bank', 'postIncome', { fund: 'maint', amount: 20_000_000, category: 'fees', reference: 'BK-1' });
}

function draft(sb: FundsSandbox, amount: number): number {
  const r = ok(sb, 'property', 'draftExpense', {
    fund: 'maint',
    payee: { kind: 'org', id: 'lift-co' },
    amount,
    purpose: 'replace elevator 2',
    category: 'elevator',
    quotation: sb.digest(`quote ${amount}`),
  });
  return r.events[0]?.data.id as number;
}

const expenseOf = (sb: FundsSandbox, id: number) => sb.query('expense', { id: String(id) }) as ExpenseJson;
/** Six owners of 100 each: four yes and one no pass an ordinary matter (5/6 took part, 4/5 yes). */
const SIX = [100, 100, 100, 100, 100, 100];

describe('funds × voting: an expense above the threshold needs a passed owners’ resolution', () => {
  it('a passed resolution carrying the expense’s motion approves it; the bank pays it', () => {
    const sb = new FundsSandbox();
    community(sb);
    const id = draft(sb, 6_000_000);
    const motion = expenseMotion('maint', id, 6_000_000);
    expect(motion).toBe(`[fund:maint expense:${id} amount:6000000]`);
    sb.ownersVote({
      id: 'agm-1',
      title: `Replace elevator 2 ${motion}`,
      weights: SIX,
      yes: [0, 1, 2, 3],
      no: [4],
    });
    const r = ok(sb, 'property', 'submitExpense', { id, resolution: 'agm-1' });
    expect(r.events[0]?.data).toMatchObject({ id, rule: 'resolution' });
    const e = expenseOf(sb, id);
    expect(e.status).toBe('approved');
    expect(e.rule).toEqual({ kind: 'resolution', resolution: 'agm-1' });
    expect(e.history.map((h) => h.status)).toEqual(['draft', 'submitted', 'approved']);
    // Not a committee expense: no member vote can be added.
    refused(sb, 'alice', 'approveExpense', { id }, 'FUNDS_BAD_STATE');
    ok(sb, 'bank', 'payExpense', { id, reference: 'PAY-1' });
    expect((sb.query('fund', { fund: 'maint' }) as FundJson).balance).toBe(14_000_000);
  });

  it('a committee member may organise the resolution; a major tier accepts a major resolution only', () => {
    const sb = new FundsSandbox();
    community(sb, 'major');
    const id = draft(sb, 8_000_000);
    const motion = expenseMotion('maint', id, 8_000_000);
    sb.ownersVote({ id: 'ord', title: motion, weights: SIX, yes: [0, 1, 2, 3, 4] });
    const r = refused(
      sb,
      'property',
      'submitExpense',
      { id, resolution: 'ord' },
      'FUNDS_RESOLUTION_MISMATCH',
    );
    expect(r.message).toContain('major');
    // 3 of 4 participating owners and area: exactly three quarters passes a major matter.
    sb.ownersVote({
      id: 'maj',
      title: motion,
      weights: SIX,
      yes: [0, 1, 2],
      no: [3],
      matter: 'major',
      registrar: 'alice',
    });
    ok(sb, 'property', 'submitExpense', { id, resolution: 'maj' });
    expect(expenseOf(sb, id).status).toBe('approved');
  });

  it('refuses: none cited, unknown, another motion, open, failed, wrong organiser, held too early, a weaker rule', () => {
    const sb = new FundsSandbox();
    community(sb);
    // Held before the expense existed, for the id it was going to get.
    sb.ownersVote({
      id: 'early',
      title: expenseMotion('maint', 1, 6_000_000),
      weights: SIX,
      yes: [0, 1, 2, 3, 4],
    });
    const id = draft(sb, 6_000_000);
    expect(id).toBe(1);
    const motion = expenseMotion('maint', id, 6_000_000);
    const r0 = refused(sb, 'property', 'submitExpense', { id }, 'FUNDS_RESOLUTION_REQUIRED');
    expect(r0.message).toContain(motion);
    refused(sb, 'property', 'submitExpense', { id, resolution: 'nope' }, 'FUNDS_RESOLUTION_NOT_FOUND');
    refused(sb, 'property', 'submitExpense', { id, resolution: 'early' }, 'FUNDS_RESOLUTION_MISMATCH');
    // Passed, but for a smaller amount (another motion) and for another expense.
    sb.ownersVote({
      id: 'small',
      title: expenseMotion('maint', id, 5_000_000),
      weights: SIX,
      yes: [0, 1, 2, 3],
    });
    refused(sb, 'property', 'submitExpense', { id, resolution: 'small' }, 'FUNDS_RESOLUTION_MISMATCH');
    sb.ownersVote({
      id: 'other',
      title: expenseMotion('maint', 2, 6_000_000),
      weights: SIX,
      yes: [0, 1, 2, 3],
    });
    refused(sb, 'property', 'submitExpense', { id, resolution: 'other' }, 'FUNDS_RESOLUTION_MISMATCH');
    // Still open; then failed (half the participating area is not more than half).
    sb.ownersVote({ id: 'open', title: motion, weights: SIX, yes: [0, 1, 2, 3], leaveOpen: true });
    const r1 = refused(
      sb,
      'property',
      'submitExpense',
      { id, resolution: 'open' },
      'FUNDS_RESOLUTION_NOT_PASSED',
    );
    expect(r1.message).toContain('open');
    sb.ownersVote({ id: 'failed', title: motion, weights: SIX, yes: [0, 1], no: [2, 3] });
    refused(sb, 'property', 'submitExpense', { id, resolution: 'failed' }, 'FUNDS_RESOLUTION_NOT_PASSED');
    // Too few owners took part (3 of 6 < 2/3): not passed either.
    sb.ownersVote({ id: 'quorum', title: motion, weights: SIX, yes: [0, 1, 2] });
    refused(sb, 'property', 'submitExpense', { id, resolution: 'quorum' }, 'FUNDS_RESOLUTION_NOT_PASSED');
    // Organised by the custodian bank: neither a committee member nor the supervisor.
    sb.ownersVote({ id: 'bank', title: motion, weights: SIX, yes: [0, 1, 2, 3, 4], registrar: 'bank' });
    refused(sb, 'property', 'submitExpense', { id, resolution: 'bank' }, 'FUNDS_RESOLUTION_MISMATCH');
    // A resolution with its own, weaker rule instead of art. 278's.
    const weak = sb.block([
      [
        'bureau',
        'voting',
        'create',
        {
          id: 'weak',
          kind: 'resolution',
          title: motion,
          rule: { quorum: { num: 1, den: 10 }, pass: { num: 1, den: 10 }, strict: false },
        },
      ],
    ])[0];
    expect(weak?.status).toBe('ok');
    refused(sb, 'property', 'submitExpense', { id, resolution: 'weak' }, 'FUNDS_RESOLUTION_MISMATCH');
    expect(expenseOf(sb, id).status).toBe('draft');
    // The right one at last.
    sb.ownersVote({ id: 'agm', title: motion, weights: SIX, yes: [0, 1, 2, 3, 4] });
    ok(sb, 'property', 'submitExpense', { id, resolution: 'agm' });
    expect(expenseOf(sb, id).status).toBe('approved');
  });

  it('exercises every resolution code', () => {
    expect(RESOLUTION_CODES.filter((c) => !seen.has(c))).toEqual([]);
  });
});
