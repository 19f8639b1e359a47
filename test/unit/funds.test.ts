import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/index.js';
import { errorTable, isGongzhiError } from '../../src/errors/index.js';
import type { CborMap, Receipt } from '../../src/ledger/index.js';
import {
  assertBalanced,
  type DonationTraceJson,
  type ExpenseJson,
  FUNDS_ERRORS,
  type FundJson,
  feeOf,
  fundsModule,
} from '../../src/modules/funds/index.js';
import { FundsSandbox } from '../../src/testing/index.js';

/**
 * The funds module through the real executor and governance's Authorizer, on a genesis built by
 * the node's genesis builder: community fund expenses, books, statements, supervision, charity.
 */

const seen = new Set<string>();

/** The `id` in the first event of a receipt (the record a call created). */
function idOf(r: Receipt): number {
  const id = r.events[0]?.data.id;
  if (typeof id !== 'number') throw new Error('no id in the first event');
  return id;
}

/** A refused call: the code, no events, no writes, and committed state unchanged. */
function refused(
  sb: FundsSandbox,
  who: string,
  method: string,
  args: CborMap,
  code: string,
  module = 'funds',
): Receipt {
  const before = sb.snapshot();
  const r = sb.block([[who, module, method, args]])[0] as Receipt;
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

/** Members: alice 2, bob 1, carol 1 (total 4). Tiers: < 100 000 fen → weight 2; < 5 000 000 → 3; above → resolution. */
function community(sb: FundsSandbox, extra: Partial<Record<string, unknown>> = {}): void {
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
      { from: 100_000, rule: 'committee', weight: 3 },
      { from: 5_000_000, rule: 'resolution', weight: 0 },
    ],
    emergencyLimit: 2_000_000,
    completionWeight: 2,
    ...extra,
  } as CborMap);
}

const fundOf = (sb: FundsSandbox, id = 'maint') => sb.query('fund', { fund: id }) as FundJson;
const expenseOf = (sb: FundsSandbox, id: number) => sb.query('expense', { id: String(id) }) as ExpenseJson;

function draft(sb: FundsSandbox, who: string, amount: number, works = false, category = 'elevator'): number {
  const r = ok(sb, who, 'draftExpense', {
    fund: 'maint',
    payee: { kind: 'org', id: 'lift-co' },
    amount,
    purpose: 'repair',
    category,
    quotation: sb.digest(`quote ${amount}`),
    works,
  });
  return idOf(r);
}

function approvedExpense(sb: FundsSandbox, amount = 50_000, works = false): number {
  const id = draft(sb, 'property', amount, works);
  ok(sb, 'property', 'submitExpense', { id });
  ok(sb, 'alice', 'approveExpense', { id });
  return id;
}

describe('funds: the community fund expense life', () => {
  it('income, draft, submit, weighted approval, custodian payment, receipts, completion: every step signed and balanced', () => {
    const sb = new FundsSandbox();
    community(sb);
    ok(sb, 'bank', 'postIncome', { fund: 'maint', amount: 1_000_000, category: 'fees', reference: 'BK-1' });
    expect(fundOf(sb).balance).toBe(1_000_000);
    const id = draft(sb, 'bob', 300_000, true);
    ok(sb, 'bob', 'submitExpense', { id });
    expect(expenseOf(sb, id).rule).toEqual({ kind: 'committee', weight: 3 });
    const a1 = ok(sb, 'alice', 'approveExpense', { id });
    expect(a1.events[0]?.data).toMatchObject({ weight: 2, need: 3, approved: false });
    expect(expenseOf(sb, id).status).toBe('submitted');
    ok(sb, 'carol', 'approveExpense', { id });
    expect(expenseOf(sb, id).status).toBe('approved');
    const pay = ok(sb, 'bank', 'payExpense', { id, reference: 'PAY-1' });
    expect(pay.events[0]?.data).toMatchObject({ amount: 300_000, reference: 'PAY-1' });
    expect(fundOf(sb)).toMatchObject({ balance: 700_000, available: 700_000 });
    const invoice = sb.anchor('invoice 1');
    const photo = sb.anchor('photo of the new lift');
    ok(sb, 'bob', 'addReceipts', { id, digests: [invoice, photo] });
    expect(expenseOf(sb, id).status).toBe('paid'); // works: the committee must confirm
    ok(sb, 'alice', 'confirmCompletion', { id });
    const e = expenseOf(sb, id);
    expect(e.status).toBe('receipted');
    expect(e.receipts).toEqual([toHex(invoice), toHex(photo)]);
    expect(e.history.map((h) => h.status)).toEqual(['draft', 'submitted', 'approved', 'paid', 'receipted']);
    expect(new Set(e.history.map((h) => h.at.tx)).size).toBe(5);
    const books = sb.query('books', { fund: 'maint' }) as {
      accounts: { account: string; balance: number }[];
      debits: number;
      credits: number;
      entries: number;
    };
    expect(books.debits).toBe(books.credits);
    expect(books.entries).toBe(2);
    expect(books.accounts).toEqual([
      { account: 'bank', dr: 1_000_000, cr: 300_000, balance: 700_000 },
      { account: 'expense:elevator', dr: 300_000, cr: 0, balance: 300_000 },
      { account: 'income:fees', dr: 0, cr: 1_000_000, balance: 1_000_000 },
    ]);
  });

  it('a non-works expense is receipted by its anchored receipts alone; rejection once approval is out of reach; cancel', () => {
    const sb = new FundsSandbox();
    community(sb);
    ok(sb, 'bank', 'postIncome', { fund: 'maint', amount: 100_000, category: 'fees', reference: 'BK-1' });
    const id = approvedExpense(sb, 20_000);
    ok(sb, 'bank', 'payExpense', { id, reference: 'PAY-1' });
    ok(sb, 'property', 'addReceipts', { id, digests: [sb.anchor('invoice')] });
    expect(expenseOf(sb, id).status).toBe('receipted');

    const big = draft(sb, 'property', 200_000); // weight 3 of 4: two no-votes of weight 1 + 1 leave 2 < 3
    ok(sb, 'property', 'submitExpense', { id: big });
    ok(sb, 'bob', 'rejectExpense', { id: big, reason: 'too expensive' });
    expect(expenseOf(sb, big).status).toBe('submitted');
    ok(sb, 'carol', 'rejectExpense', { id: big, reason: 'get another quote' });
    expect(expenseOf(sb, big)).toMatchObject({ status: 'rejected' });

    // alice (weight 2) submits 200 000 (needs 3 of the 2 others can give): one no-vote ends it.
    const own = draft(sb, 'alice', 200_000);
    ok(sb, 'alice', 'submitExpense', { id: own });
    ok(sb, 'bob', 'rejectExpense', { id: own, reason: 'needs the owners' });
    expect(expenseOf(sb, own).status).toBe('rejected');

    const c = draft(sb, 'property', 1000);
    ok(sb, 'property', 'cancelExpense', { id: c });
    expect(expenseOf(sb, c).status).toBe('cancelled');
    refused(sb, 'property', 'submitExpense', { id: c }, 'FUNDS_BAD_STATE');
  });

  it('the supervisor fast-tracks an emergency, flagged and in the public log; freeze and unfreeze are public with reasons', () => {
    const sb = new FundsSandbox();
    community(sb);
    ok(sb, 'bank', 'postIncome', { fund: 'maint', amount: 3_000_000, category: 'fees', reference: 'BK-1' });
    const id = draft(sb, 'property', 1_500_000);
    ok(sb, 'property', 'submitExpense', { id });
    refused(sb, 'property', 'emergencyApprove', { id, reason: 'burst pipe' }, 'FUNDS_NOT_ROLE');
    ok(sb, 'bureau', 'emergencyApprove', { id, reason: 'burst pipe flooding the garage' });
    expect(expenseOf(sb, id)).toMatchObject({
      status: 'approved',
      emergency: true,
      rule: { kind: 'emergency' },
    });
    const over = draft(sb, 'property', 2_500_000);
    ok(sb, 'property', 'submitExpense', { id: over });
    refused(sb, 'bureau', 'emergencyApprove', { id: over, reason: 'roof' }, 'FUNDS_EMERGENCY_LIMIT');
    ok(sb, 'bureau', 'freezeFund', { fund: 'maint', reason: 'audit of 2026 works' });
    refused(sb, 'bureau', 'freezeFund', { fund: 'maint', reason: 'again' }, 'FUNDS_FROZEN');
    expect(fundOf(sb).frozen?.reason).toBe('audit of 2026 works');
    ok(sb, 'bank', 'postIncome', { fund: 'maint', amount: 10, category: 'interest', reference: 'BK-2' });
    ok(sb, 'bureau', 'unfreezeFund', { fund: 'maint', reason: 'audit closed' });
    refused(sb, 'bureau', 'unfreezeFund', { fund: 'maint', reason: 'again' }, 'FUNDS_NOT_FROZEN');
    const log = sb.query('log', { fund: 'maint' }) as { kind: string; reason: string; expense?: number }[];
    expect(log.map((l) => [l.kind, l.reason])).toEqual([
      ['emergency', 'burst pipe flooding the garage'],
      ['freeze', 'audit of 2026 works'],
      ['unfreeze', 'audit closed'],
    ]);
    expect(log[0]?.expense).toBe(id);
  });
});

describe('funds: every bad input is refused with its code and changes nothing', () => {
  it('self-approval, double approval, non-members, paying unapproved / already paid / by someone else, overspending', () => {
    const sb = new FundsSandbox();
    community(sb);
    ok(sb, 'bank', 'postIncome', { fund: 'maint', amount: 100_000, category: 'fees', reference: 'BK-1' });
    const id = draft(sb, 'alice', 60_000);
    refused(sb, 'bob', 'submitExpense', { id }, 'FUNDS_NOT_ROLE');
    ok(sb, 'alice', 'submitExpense', { id });
    refused(sb, 'alice', 'approveExpense', { id }, 'FUNDS_SELF_APPROVAL');
    refused(sb, 'bank', 'payExpense', { id, reference: 'P-0' }, 'FUNDS_BAD_STATE'); // unapproved
    refused(sb, 'mallory', 'approveExpense', { id }, 'FUNDS_NOT_ROLE');
    ok(sb, 'bob', 'approveExpense', { id });
    refused(sb, 'bob', 'approveExpense', { id }, 'FUNDS_ALREADY_APPROVED');
    refused(sb, 'bob', 'rejectExpense', { id, reason: 'changed my mind' }, 'FUNDS_ALREADY_APPROVED');
    ok(sb, 'carol', 'approveExpense', { id });
    refused(sb, 'property', 'payExpense', { id, reference: 'P-1' }, 'FUNDS_NOT_ROLE'); // an org, not the custodian
    refused(sb, 'mallory', 'payExpense', { id, reference: 'P-1' }, 'EXEC_PERMISSION_DENIED');
    refused(sb, 'bank', 'payExpense', { id, reference: 'BK-1' }, 'FUNDS_DUPLICATE_REFERENCE');
    ok(sb, 'bank', 'payExpense', { id, reference: 'P-1' });
    refused(sb, 'bank', 'payExpense', { id, reference: 'P-2' }, 'FUNDS_BAD_STATE'); // already paid
    const second = approvedExpense(sb, 50_000);
    const r = refused(
      sb,
      'bank',
      'payExpense',
      { id: second, reference: 'P-3' },
      'FUNDS_INSUFFICIENT_BALANCE',
    );
    expect(r.message).toContain('40000');
    expect(fundOf(sb).balance).toBe(40_000);
    refused(
      sb,
      'mallory',
      'postIncome',
      { fund: 'maint', amount: 5, category: 'fees', reference: 'X' },
      'EXEC_PERMISSION_DENIED',
    );
    refused(
      sb,
      'property',
      'postIncome',
      { fund: 'maint', amount: 5, category: 'fees', reference: 'X' },
      'FUNDS_NOT_ROLE',
    );
    refused(
      sb,
      'bank',
      'postIncome',
      { fund: 'maint', amount: 0, category: 'fees', reference: 'X' },
      'EXEC_BAD_ARGS',
    );
    refused(
      sb,
      'bank',
      'postIncome',
      { fund: 'maint', amount: '5', category: 'fees', reference: 'X' },
      'EXEC_BAD_ARGS',
    );
    refused(
      sb,
      'bank',
      'postIncome',
      { fund: 'nope', amount: 5, category: 'fees', reference: 'X' },
      'FUNDS_NOT_FOUND',
    );
    refused(sb, 'alice', 'approveExpense', { id: 999 }, 'FUNDS_NOT_FOUND');
    refused(
      sb,
      'mallory',
      'draftExpense',
      {
        fund: 'maint',
        payee: { kind: 'org', id: 'x' },
        amount: 1,
        purpose: 'p',
        category: 'c',
        quotation: sb.digest('q'),
      },
      'FUNDS_NOT_ROLE',
    );
  });

  it('an expense on a frozen fund: no drafts, submissions, approvals or payments', () => {
    const sb = new FundsSandbox();
    community(sb);
    ok(sb, 'bank', 'postIncome', { fund: 'maint', amount: 100_000, category: 'fees', reference: 'BK-1' });
    const approved = approvedExpense(sb, 10_000);
    const submitted = draft(sb, 'property', 10_000);
    ok(sb, 'property', 'submitExpense', { id: submitted });
    const drafted = draft(sb, 'property', 10_000);
    ok(sb, 'bureau', 'freezeFund', { fund: 'maint', reason: 'suspected double billing' });
    refused(
      sb,
      'property',
      'draftExpense',
      {
        fund: 'maint',
        payee: { kind: 'org', id: 'x' },
        amount: 1,
        purpose: 'p',
        category: 'c',
        quotation: sb.digest('q'),
      },
      'FUNDS_FROZEN',
    );
    refused(sb, 'property', 'submitExpense', { id: drafted }, 'FUNDS_FROZEN');
    refused(sb, 'alice', 'approveExpense', { id: submitted }, 'FUNDS_FROZEN');
    refused(sb, 'bureau', 'emergencyApprove', { id: submitted, reason: 'x' }, 'FUNDS_FROZEN');
    refused(sb, 'bank', 'payExpense', { id: approved, reference: 'P-1' }, 'FUNDS_FROZEN');
    refused(sb, 'property', 'freezeFund', { fund: 'maint', reason: 'x' }, 'FUNDS_NOT_ROLE');
  });

  it('fund rules that cannot work are refused when the fund is opened', () => {
    const sb = new FundsSandbox();
    const base = {
      id: 'f',
      name: 'F',
      kind: 'community',
      currency: 'CNY',
      custodian: 'bank',
      manager: 'property',
      supervisor: 'bureau',
      members: [{ account: sb.addr('alice'), weight: 1 }],
      tiers: [{ from: 0, rule: 'committee', weight: 1 }],
      completionWeight: 1,
    };
    const bad: [Record<string, unknown>, string][] = [
      [{ custodian: 'property' }, 'custodian bank cannot be the manager'],
      [{ supervisor: 'nowhere' }, 'not an organisation'],
      [{ tiers: [{ from: 10, rule: 'committee', weight: 1 }] }, 'first tier'],
      [{ tiers: [{ from: 0, rule: 'committee', weight: 2 }] }, 'weight'],
      [
        {
          tiers: [
            { from: 0, rule: 'committee', weight: 1 },
            { from: 0, rule: 'resolution', weight: 0 },
          ],
        },
        'rise',
      ],
      [{ completionWeight: 5 }, 'completionWeight'],
      [{ feeBps: 100 }, 'only charity'],
      [
        {
          members: [
            { account: sb.addr('alice'), weight: 1 },
            { account: sb.addr('alice'), weight: 1 },
          ],
        },
        'twice',
      ],
    ];
    for (const [change, text] of bad) {
      const r = refused(sb, 'property', 'createFund', { ...base, ...change } as CborMap, 'FUNDS_BAD_RULES');
      expect(r.message).toContain(text);
    }
    refused(sb, 'bank', 'createFund', base as CborMap, 'FUNDS_NOT_ROLE'); // the bank cannot open the property company's fund
    refused(sb, 'property', 'createFund', { ...base, currency: 'cny' } as CborMap, 'EXEC_BAD_ARGS');
    ok(sb, 'property', 'createFund', base as CborMap);
    refused(sb, 'property', 'createFund', base as CborMap, 'FUNDS_EXISTS');
  });

  it('receipts must be anchored evidence; completion only by other members, once', () => {
    const sb = new FundsSandbox();
    community(sb);
    ok(sb, 'bank', 'postIncome', { fund: 'maint', amount: 100_000, category: 'fees', reference: 'BK-1' });
    const id = draft(sb, 'bob', 50_000, true);
    ok(sb, 'bob', 'submitExpense', { id });
    ok(sb, 'alice', 'approveExpense', { id });
    refused(sb, 'bob', 'addReceipts', { id, digests: [sb.anchor('early')] }, 'FUNDS_BAD_STATE');
    ok(sb, 'bank', 'payExpense', { id, reference: 'P-1' });
    refused(sb, 'alice', 'confirmCompletion', { id }, 'FUNDS_BAD_STATE'); // no receipts yet
    refused(
      sb,
      'bob',
      'addReceipts',
      { id, digests: [sb.digest('never anchored')] },
      'FUNDS_RECEIPT_NOT_ANCHORED',
    );
    refused(sb, 'carol', 'addReceipts', { id, digests: [sb.anchor('by carol')] }, 'FUNDS_NOT_ROLE');
    // A record whose only signature was revoked no longer vouches for the receipt.
    const revoked = sb.anchor('revoked invoice');
    expect(
      sb.block([['notary', 'evidence', 'revoke', { digest: revoked, reason: 'wrong file' }]])[0]?.status,
    ).toBe('ok');
    refused(sb, 'bob', 'addReceipts', { id, digests: [revoked] }, 'FUNDS_RECEIPT_NOT_ANCHORED');
    ok(sb, 'bob', 'addReceipts', { id, digests: [sb.anchor('invoice')] });
    refused(sb, 'bob', 'confirmCompletion', { id }, 'FUNDS_SELF_APPROVAL');
    ok(sb, 'carol', 'confirmCompletion', { id });
    expect(expenseOf(sb, id).status).toBe('paid'); // weight 1 of the 2 needed
    refused(sb, 'carol', 'confirmCompletion', { id }, 'FUNDS_ALREADY_APPROVED');
    ok(sb, 'alice', 'confirmCompletion', { id });
    expect(expenseOf(sb, id).status).toBe('receipted');
    refused(sb, 'bob', 'cancelExpense', { id }, 'FUNDS_BAD_STATE');
  });

  it('a damaged stored record is CHAIN_INVALID, in methods and queries', () => {
    const sb = new FundsSandbox();
    community(sb);
    sb.chain.state.set('funds/fund/maint', new Uint8Array([0xa1, 0x61, 0x78, 0x01]));
    refused(
      sb,
      'bank',
      'postIncome',
      { fund: 'maint', amount: 5, category: 'fees', reference: 'X' },
      'CHAIN_INVALID',
    );
    expect(() => sb.query('fund', { fund: 'maint' })).toThrow(/fund/);
  });
});

describe('funds: reconciliation and the public statement', () => {
  it('accepts a custodian statement equal to the books, refuses one that differs (naming the difference), gaps and repeats', () => {
    const sb = new FundsSandbox();
    community(sb);
    const t0 = sb.now;
    ok(sb, 'bank', 'postIncome', { fund: 'maint', amount: 800_000, category: 'fees', reference: 'BK-1' });
    ok(sb, 'bank', 'postIncome', { fund: 'maint', amount: 50_000, category: 'parking', reference: 'BK-2' });
    const id = approvedExpense(sb, 90_000);
    ok(sb, 'bank', 'payExpense', { id, reference: 'P-1' });
    const q3 = sb.now + 1;
    ok(sb, 'bank', 'postIncome', { fund: 'maint', amount: 7, category: 'interest', reference: 'BK-3' }); // next period
    const good = {
      fund: 'maint',
      period: '2026-q3',
      from: t0,
      to: q3,
      opening: 0,
      income: 850_000,
      payments: 90_000,
      closing: 760_000,
    };
    const r = refused(
      sb,
      'bank',
      'postStatement',
      { ...good, payments: 80_000, closing: 770_000 },
      'FUNDS_STATEMENT_MISMATCH',
    );
    expect(r.message).toContain('payments -10000, closing +10000');
    refused(sb, 'bank', 'postStatement', { ...good, closing: 760_001 }, 'FUNDS_STATEMENT_MISMATCH');
    refused(sb, 'property', 'postStatement', good, 'FUNDS_NOT_ROLE');
    refused(sb, 'bank', 'postStatement', { ...good, to: sb.now + 10_000 }, 'FUNDS_STATEMENT_GAP'); // the future
    ok(sb, 'bank', 'postStatement', good);
    refused(
      sb,
      'bank',
      'postStatement',
      {
        ...good,
        period: '2026-q3b',
        from: q3 + 1,
        to: sb.now,
        opening: 760_000,
        income: 7,
        payments: 0,
        closing: 760_007,
      },
      'FUNDS_STATEMENT_GAP',
    );
    refused(
      sb,
      'bank',
      'postStatement',
      { ...good, from: q3, to: sb.now, opening: 760_000, income: 7, payments: 0, closing: 760_007 },
      'FUNDS_EXISTS',
    );
    ok(sb, 'bank', 'postStatement', {
      ...good,
      period: '2026-q4',
      from: q3,
      to: sb.now,
      opening: 760_000,
      income: 7,
      payments: 0,
      closing: 760_007,
    });
    expect((sb.query('statements', { fund: 'maint' }) as unknown[]).length).toBe(2);
    const pub = sb.query('statement', { fund: 'maint', from: String(t0), to: String(q3) }) as Record<
      string,
      unknown
    >;
    expect(() => sb.query('statement', { fund: 'maint', from: String(q3), to: String(t0) })).toThrow(
      /to must be/,
    );
    expect(pub).toMatchObject({
      opening: 0,
      income: 850_000,
      payments: 90_000,
      closing: 760_000,
      incomeByCategory: { fees: 800_000, parking: 50_000 },
      spendingByCategory: { elevator: 90_000 },
    });
  });
});

/** A charity fund with a 5% management fee and projects `school` and `water`. */
function charity(sb: FundsSandbox): void {
  ok(sb, 'charity', 'createFund', {
    id: 'relief',
    name: 'Relief fund',
    kind: 'charity',
    currency: 'CNY',
    custodian: 'bank',
    manager: 'charity',
    supervisor: 'civil',
    members: [
      { account: sb.addr('board1'), weight: 1 },
      { account: sb.addr('board2'), weight: 1 },
    ],
    tiers: [{ from: 0, rule: 'committee', weight: 2 }],
    completionWeight: 1,
    feeBps: 500,
  });
  ok(sb, 'charity', 'addProject', { fund: 'relief', id: 'school', name: 'Rural school books' });
  ok(sb, 'charity', 'addProject', { fund: 'relief', id: 'water', name: 'Village water' });
}

let ref = 0;
function donate(
  sb: FundsSandbox,
  project: string,
  amount: number,
  extra: Record<string, string> = {},
): number {
  const r = ok(sb, 'bank', 'recordDonation', {
    fund: 'relief',
    project,
    amount,
    reference: `D-${++ref}`,
    ...extra,
  });
  return idOf(r);
}

function disburse(sb: FundsSandbox, project: string, amount: number, earmark?: string): number {
  const r = ok(sb, 'charity', 'disburse', {
    fund: 'relief',
    project,
    amount,
    purpose: `${project} ${amount}`,
    beneficiary: sb.digest(`beneficiary ${amount}`),
    ...(earmark === undefined ? {} : { earmark }),
  });
  return idOf(r);
}

const traceOf = (sb: FundsSandbox, id: number) => sb.query('trace', { id: String(id) }) as DonationTraceJson;

describe('funds: charity donations, disbursements and the public trace', () => {
  it('fee share, earmark first then FIFO, exact to the fen; payment by the custodian; beneficiary confirmation', () => {
    const sb = new FundsSandbox();
    charity(sb);
    const d1 = donate(sb, 'school', 10_000, { donor: 'donor-7f3a' }); // fee 500, net 9 500
    const d2 = donate(sb, 'school', 333); // anonymous: fee 16 (floor 16.65), net 317
    const d3 = donate(sb, 'school', 20_000, { donor: 'donor-7f3a', earmark: 'books' }); // fee 1 000, net 19 000
    const d4 = donate(sb, 'water', 50_000);
    expect(traceOf(sb, d2)).toMatchObject({
      amount: 333,
      fee: 16,
      net: 317,
      donor: null,
      allocations: [],
      unallocated: 317,
    });
    const b1 = disburse(sb, 'school', 25_000, 'books'); // 19 000 from d3, then 6 000 from d1
    const b2 = disburse(sb, 'school', 3_600); // 3 500 from d1, 100 from d2
    const t1 = traceOf(sb, d1);
    expect(t1.allocations.map((a) => [a.disbursement, a.amount])).toEqual([
      [b1, 6_000],
      [b2, 3_500],
    ]);
    expect(t1).toMatchObject({ amount: 10_000, fee: 500, feeBps: 500, allocated: 9_500, unallocated: 0 });
    expect(traceOf(sb, d2).allocations.map((a) => [a.disbursement, a.amount])).toEqual([[b2, 100]]);
    expect(traceOf(sb, d3).allocations.map((a) => [a.disbursement, a.amount])).toEqual([[b1, 19_000]]);
    expect(traceOf(sb, d4).unallocated).toBe(47_500);
    // The earmarked queue is exhausted; general money left for school: 317 - 100 = 217.
    const r = refused(
      sb,
      'charity',
      'disburse',
      { fund: 'relief', project: 'school', amount: 218, purpose: 'x', beneficiary: sb.digest('b') },
      'FUNDS_PROJECT_INSUFFICIENT',
    );
    expect(r.message).toContain('lacks 1');
    refused(
      sb,
      'charity',
      'disburse',
      { fund: 'relief', project: 'water', amount: 47_501, purpose: 'x', beneficiary: sb.digest('b') },
      'FUNDS_PROJECT_INSUFFICIENT',
    );
    refused(
      sb,
      'bank',
      'disburse',
      { fund: 'relief', project: 'water', amount: 1, purpose: 'x', beneficiary: sb.digest('b') },
      'FUNDS_NOT_ROLE',
    );
    refused(
      sb,
      'charity',
      'disburse',
      { fund: 'relief', project: 'nope', amount: 1, purpose: 'x', beneficiary: sb.digest('b') },
      'FUNDS_NOT_FOUND',
    );

    refused(sb, 'charity', 'payDisbursement', { id: b1, reference: 'T-1' }, 'FUNDS_NOT_ROLE');
    ok(sb, 'bank', 'payDisbursement', { id: b1, reference: 'T-1' });
    refused(sb, 'bank', 'payDisbursement', { id: b1, reference: 'T-2' }, 'FUNDS_BAD_STATE');
    const ack = sb.anchor('beneficiary acknowledgement 1');
    refused(sb, 'bank', 'confirmDisbursement', { id: b1, digest: ack }, 'FUNDS_NOT_ROLE');
    refused(sb, 'civil', 'confirmDisbursement', { id: b2, digest: ack }, 'FUNDS_BAD_STATE'); // not paid yet
    refused(
      sb,
      'civil',
      'confirmDisbursement',
      { id: b1, digest: sb.digest('not anchored') },
      'FUNDS_RECEIPT_NOT_ANCHORED',
    );
    ok(sb, 'civil', 'confirmDisbursement', { id: b1, digest: ack });
    const a = traceOf(sb, d3).allocations[0];
    expect(a).toMatchObject({ status: 'confirmed', paymentReference: 'T-1', confirmation: toHex(ack) });

    const books = sb.query('books', { fund: 'relief' }) as {
      accounts: { account: string; balance: number }[];
      debits: number;
      credits: number;
    };
    expect(books.debits).toBe(books.credits);
    expect(Object.fromEntries(books.accounts.map((x) => [x.account, x.balance]))).toEqual({
      bank: 80_333 - 25_000,
      'income:management-fee': 500 + 16 + 1_000 + 2_500,
      'project:school': 9_500 + 317 + 19_000 - 25_000,
      'project:water': 47_500,
    });
    // Only the fee share is unrestricted: an expense may spend no more than it.
    expect(fundOf(sb, 'relief').available).toBe(4_016);
    expect(sb.query('donorDonations', { donor: 'donor-7f3a' })).toEqual({
      donor: 'donor-7f3a',
      total: 2,
      donations: [d1, d3],
    });
    const pub = sb.query('statement', { fund: 'relief' }) as Record<string, unknown>;
    expect(pub).toMatchObject({
      donationsByProject: { school: 28_817, water: 47_500 },
      disbursedByProject: { school: 25_000 },
    });
  });

  it('goods donations with quantities; charity-only operations refused on a community fund; frozen charity', () => {
    const sb = new FundsSandbox();
    charity(sb);
    community(sb);
    const g = ok(sb, 'charity', 'recordGoods', {
      fund: 'relief',
      project: 'school',
      item: 'winter coat',
      unit: 'piece',
      quantity: 40,
      donor: 'donor-x',
    });
    const id = idOf(g);
    ok(sb, 'charity', 'distributeGoods', { goods: id, quantity: 25, beneficiary: sb.digest('class 3') });
    refused(
      sb,
      'charity',
      'distributeGoods',
      { goods: id, quantity: 16, beneficiary: sb.digest('class 4') },
      'FUNDS_GOODS_INSUFFICIENT',
    );
    ok(sb, 'charity', 'distributeGoods', { goods: id, quantity: 15, beneficiary: sb.digest('class 4') });
    expect(sb.query('goods', { id: String(id) })).toMatchObject({
      quantity: 40,
      remaining: 0,
      distributions: [{ quantity: 25 }, { quantity: 15 }],
    });
    refused(sb, 'property', 'addProject', { fund: 'maint', id: 'p', name: 'P' }, 'FUNDS_NOT_CHARITY');
    refused(
      sb,
      'bank',
      'recordDonation',
      { fund: 'maint', project: 'p', amount: 5, reference: 'Z' },
      'FUNDS_NOT_CHARITY',
    );
    refused(sb, 'charity', 'addProject', { fund: 'relief', id: 'school', name: 'again' }, 'FUNDS_EXISTS');
    donate(sb, 'water', 1_000);
    ok(sb, 'civil', 'freezeFund', { fund: 'relief', reason: 'complaint under review' });
    refused(
      sb,
      'charity',
      'disburse',
      { fund: 'relief', project: 'water', amount: 10, purpose: 'x', beneficiary: sb.digest('b') },
      'FUNDS_FROZEN',
    );
    donate(sb, 'water', 1_000); // money arriving is still recorded
  });

  it('property: any donations and disbursements — traces equal an independent FIFO replay of the ledger, to the fen', () => {
    const op = fc.oneof(
      fc.record({
        k: fc.constant('d' as const),
        p: fc.constantFrom('school', 'water'),
        amount: fc.integer({ min: 1, max: 5_000 }),
        mark: fc.constantFrom(undefined, 'books'),
      }),
      fc.record({
        k: fc.constant('b' as const),
        p: fc.constantFrom('school', 'water'),
        amount: fc.integer({ min: 1, max: 8_000 }),
        mark: fc.constantFrom(undefined, 'books'),
      }),
    );
    let disbursed = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
        const sb = new FundsSandbox({ sign: false });
        charity(sb);
        // The replay: one list of {id, left} per (project, earmark), consumed in order.
        const queues = new Map<string, { id: number; left: number }[]>();
        const expected = new Map<number, [number, number][]>();
        const nets = new Map<number, number>();
        let dis = 0;
        for (const o of ops) {
          if (o.k === 'd') {
            const id = donate(sb, o.p, o.amount, o.mark === undefined ? {} : { earmark: o.mark });
            const net = o.amount - Math.floor((o.amount * 500) / 10_000);
            nets.set(id, net);
            expected.set(id, []);
            const key = `${o.p}/${o.mark ?? ''}`;
            queues.set(key, [...(queues.get(key) ?? []), { id, left: net }]);
            continue;
          }
          const order = o.mark === undefined ? [`${o.p}/`] : [`${o.p}/${o.mark}`, `${o.p}/`];
          const avail = order.reduce((s, k) => s + (queues.get(k) ?? []).reduce((t, x) => t + x.left, 0), 0);
          const args = {
            fund: 'relief',
            project: o.p,
            amount: o.amount,
            purpose: 'p',
            beneficiary: sb.digest('b'),
            ...(o.mark === undefined ? {} : { earmark: o.mark }),
          };
          const r = sb.call('charity', 'disburse', args);
          if (avail < o.amount) {
            expect(r.status).toBe('FUNDS_PROJECT_INSUFFICIENT');
            continue;
          }
          expect(r.status).toBe('ok');
          dis++;
          disbursed++;
          let need = o.amount;
          for (const k of order) {
            for (const x of queues.get(k) ?? []) {
              const take = Math.min(need, x.left);
              if (take === 0) continue;
              x.left -= take;
              need -= take;
              expected.get(x.id)?.push([dis, take]);
            }
          }
        }
        for (const [id, allocs] of expected) {
          const t = traceOf(sb, id);
          expect(t.allocations.map((a) => [a.disbursement, a.amount])).toEqual(allocs);
          expect(t.allocated + t.unallocated).toBe(nets.get(id));
          expect(t.net + t.fee).toBe(t.amount);
        }
      }),
      { numRuns: 25 },
    );
    expect(disbursed).toBeGreaterThan(0);
  });
});

describe('funds: property of the expense life', () => {
  it('any sequence of incomes, drafts, votes, fast tracks, payments, cancels and freezes keeps the invariants', () => {
    const actors = ['property', 'alice', 'bob', 'carol', 'bank', 'bureau', 'mallory'] as const;
    const methods = [
      'postIncome',
      'draftExpense',
      'submitExpense',
      'approveExpense',
      'rejectExpense',
      'emergencyApprove',
      'payExpense',
      'cancelExpense',
      'freezeFund',
      'unfreezeFund',
    ] as const;
    // A whole expense life by the right actors (random amount, approvers, payment or cancellation),
    // or one stray call by anyone on any expense.
    const life = fc.record({
      k: fc.constant('life' as const),
      amount: fc.integer({ min: 1, max: 300_000 }),
      drafter: fc.constantFrom('property', 'alice'),
      approvers: fc.subarray(['alice', 'bob', 'carol']),
      emergency: fc.boolean(),
      cancelAt: fc.integer({ min: 0, max: 8 }),
    });
    const stray = fc.record({
      k: fc.constant('stray' as const),
      method: fc.constantFrom(...methods),
      who: fc.constantFrom(...actors),
      target: fc.nat(6),
      amount: fc.integer({ min: 1, max: 300_000 }),
    });
    let paidSeen = 0;
    fc.assert(
      fc.property(fc.array(fc.oneof(life, life, stray), { minLength: 1, maxLength: 12 }), (ops) => {
        const sb = new FundsSandbox({ sign: false });
        community(sb);
        let n = 0;
        let income = 0;
        let ref = 0;
        const step = (who: string, method: string, args: CborMap): boolean => {
          const before = sb.snapshot();
          const r = sb.call(who, method, args);
          if (r.status !== 'ok') {
            expect(r.writes).toEqual([]);
            expect(sb.snapshot()).toEqual(before);
            return false;
          }
          if (method === 'draftExpense') n++;
          if (method === 'postIncome') income += Number(args.amount);
          return true;
        };
        const draftArgs = (amount: number): CborMap => ({
          fund: 'maint',
          payee: { kind: 'org', id: 'x' },
          amount,
          purpose: 'p',
          category: 'works',
          quotation: sb.digest('q'),
        });
        for (const o of ops) {
          if (o.k === 'stray') {
            const id = 1 + (o.target % Math.max(1, n));
            const args: Record<(typeof methods)[number], CborMap> = {
              postIncome: { fund: 'maint', amount: o.amount, category: 'fees', reference: `R-${ref++}` },
              draftExpense: draftArgs(o.amount),
              submitExpense: { id },
              approveExpense: { id },
              rejectExpense: { id, reason: 'no' },
              emergencyApprove: { id, reason: 'leak' },
              payExpense: { id, reference: `P-${ref++}` },
              cancelExpense: { id },
              freezeFund: { fund: 'maint', reason: 'check' },
              unfreezeFund: { fund: 'maint', reason: 'done' },
            };
            step(o.who, o.method, args[o.method]);
            continue;
          }
          if (o.amount % 2 === 0)
            step('bank', 'postIncome', {
              fund: 'maint',
              amount: o.amount,
              category: 'fees',
              reference: `R-${ref++}`,
            });
          if (!step(o.drafter, 'draftExpense', draftArgs(o.amount))) continue;
          const id = n;
          const calls: [string, string, CborMap][] = [
            [o.drafter, 'submitExpense', { id }],
            ...(o.emergency
              ? [['bureau', 'emergencyApprove', { id, reason: 'leak' }] as [string, string, CborMap]]
              : o.approvers.map((a): [string, string, CborMap] => [a, 'approveExpense', { id }])),
            ['bank', 'payExpense', { id, reference: `P-${ref++}` }],
          ];
          for (const [i, [who, method, args]] of calls.entries()) {
            if (i === o.cancelAt) step(o.drafter, 'cancelExpense', { id });
            step(who, method, args);
          }
        }
        const all = (sb.query('expenses', { fund: 'maint' }) as { expenses: ExpenseJson[] }).expenses;
        const paid = all.filter((e) => e.payment !== null);
        paidSeen += paid.length;
        const f = fundOf(sb);
        expect(f.balance).toBe(income - paid.reduce((s, e) => s + e.amount, 0));
        expect(f.balance).toBeGreaterThanOrEqual(0);
        const books = sb.query('books', { fund: 'maint' }) as { debits: number; credits: number };
        expect(books.debits).toBe(books.credits);
        for (const e of paid) {
          // Approved by the fast track, or by committee weight from members other than the submitter.
          expect(e.approvals.every((a) => a.account !== e.submitter)).toBe(true);
          if (!e.emergency) {
            expect(e.approvals.reduce((s, a) => s + a.weight, 0)).toBeGreaterThanOrEqual(
              Number(e.rule?.weight),
            );
          }
          expect(e.history.map((h) => h.status).slice(-1)).toEqual(['paid']);
        }
        for (const e of all) {
          if (e.status === 'cancelled') expect(e.payment).toBeNull();
        }
      }),
      { numRuns: 30 },
    );
    // Not vacuous: the generated sequences reach payments.
    expect(paidSeen).toBeGreaterThan(0);
  });
});

describe('funds: query results match their declared schemas (checked with ajv)', () => {
  it('every query of the manifest returns JSON its result schema accepts', () => {
    const sb = new FundsSandbox({ sign: false });
    community(sb);
    charity(sb);
    ok(sb, 'bank', 'postIncome', { fund: 'maint', amount: 100_000, category: 'fees', reference: 'BK-1' });
    const id = approvedExpense(sb, 20_000);
    ok(sb, 'bank', 'payExpense', { id, reference: 'P-1' });
    ok(sb, 'property', 'addReceipts', { id, digests: [sb.anchor('invoice')] });
    ok(sb, 'bureau', 'freezeFund', { fund: 'maint', reason: 'check' });
    const d = donate(sb, 'school', 10_000, { donor: 'donor-1', earmark: 'books' });
    const b = disburse(sb, 'school', 5_000, 'books');
    ok(sb, 'bank', 'payDisbursement', { id: b, reference: 'T-1' });
    ok(sb, 'civil', 'confirmDisbursement', { id: b, digest: sb.anchor('ack') });
    const g = idOf(
      ok(sb, 'charity', 'recordGoods', {
        fund: 'relief',
        project: 'school',
        item: 'coat',
        unit: 'piece',
        quantity: 3,
      }),
    );
    ok(sb, 'charity', 'distributeGoods', { goods: g, quantity: 1, beneficiary: sb.digest('b') });
    const args: Record<string, Record<string, string>> = {
      fund: { fund: 'maint' },
      funds: {},
      expense: { id: String(id) },
      expenses: { fund: 'maint' },
      books: { fund: 'relief' },
      entries: { fund: 'relief' },
      statement: { fund: 'relief' },
      statements: { fund: 'maint' },
      log: { fund: 'maint' },
      amendments: { fund: 'maint' },
      trace: { id: String(d) },
      donation: { id: String(d) },
      donorDonations: { donor: 'donor-1' },
      project: { fund: 'relief', project: 'school', earmarks: 'books' },
      disbursement: { id: String(b) },
      goods: { id: String(g) },
    };
    const ajv = new Ajv({ strict: false });
    const queries = Object.entries(fundsModule.queries);
    expect(queries.map(([n]) => n).sort()).toEqual(Object.keys(args).sort());
    for (const [name, q] of queries) {
      const result = sb.query(name, args[name]);
      const validate = ajv.compile(q.result);
      expect(validate(result), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    // The precise schemas refuse what they should (not just any object).
    const trace = ajv.compile(fundsModule.queries.trace?.result ?? {});
    expect(trace({ ...(sb.query('trace', { id: String(d) }) as object), extra: 1 })).toBe(false);
  });
});

describe('funds: books and registration', () => {
  it('the journal refuses an unbalanced or malformed posting set (FUNDS_UNBALANCED)', () => {
    const code = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return isGongzhiError(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(
      code(() =>
        assertBalanced([
          { account: 'bank', side: 'dr', amount: 5 },
          { account: 'income:fees', side: 'cr', amount: 4 },
        ]),
      ),
    ).toBe('FUNDS_UNBALANCED');
    expect(code(() => assertBalanced([{ account: 'bank', side: 'dr', amount: 5 }]))).toBe('FUNDS_UNBALANCED');
    expect(
      code(() =>
        assertBalanced([
          { account: 'cash', side: 'dr', amount: 5 },
          { account: 'income:fees', side: 'cr', amount: 5 },
        ]),
      ),
    ).toBe('FUNDS_UNBALANCED');
    expect(
      code(() =>
        assertBalanced([
          { account: 'bank', side: 'dr', amount: 0 },
          { account: 'income:fees', side: 'cr', amount: 0 },
        ]),
      ),
    ).toBe('FUNDS_UNBALANCED');
    expect(
      code(() =>
        assertBalanced([
          { account: 'bank', side: 'dr', amount: 5 },
          { account: 'income:fees', side: 'cr', amount: 5 },
        ]),
      ),
    ).toBe('none');
    seen.add('FUNDS_UNBALANCED');
    expect(feeOf(333, 500)).toBe(16);
    expect(feeOf(2 ** 52, 9_999)).toBe(Number((2n ** 52n * 9_999n) / 10_000n));
  });

  it('merges its codes with status and hint; every code is exercised by these tests', () => {
    const rows = errorTable().filter((r) => r.owner === 'funds');
    expect(rows.map((r) => r.code)).toEqual(Object.keys(FUNDS_ERRORS).sort());
    for (const r of rows) expect(r.hint.length).toBeGreaterThan(20);
    // The owners'-resolution codes are exercised in funds-resolution.test.ts (voting flows), the
    // amendment codes in funds-amend.test.ts.
    const elsewhere = new Set(
      Object.keys(FUNDS_ERRORS).filter((c) => /^FUNDS_(RESOLUTION|AMENDMENT)_/.test(c)),
    );
    const missing = Object.keys(FUNDS_ERRORS).filter((c) => !seen.has(c) && !elsewhere.has(c));
    expect(missing).toEqual([]);
  });
});
