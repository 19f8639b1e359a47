import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type Codec, defineCodec, readStored, writeStored } from '../../execution/index.js';
import type { CborMap, ShapeReader } from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import { type At, atValue, keys, LIMITS, readAt } from './record.js';

export const EXPENSE_STATUSES = [
  'draft',
  'submitted',
  'approved',
  'rejected',
  'paid',
  'receipted',
  'cancelled',
] as const;
export type ExpenseStatus = (typeof EXPENSE_STATUSES)[number];

/**
 * How an expense is approved, fixed when it is submitted from the fund's tiers: committee weight,
 * an owners' resolution of the voting module (the seam: `resolution` names it), or the
 * supervisor's emergency fast track (flagged, with its reason, in the fund's public log).
 */
export type ApprovalRule =
  | { readonly kind: 'committee'; readonly weight: number }
  | { readonly kind: 'resolution'; readonly resolution: string }
  | { readonly kind: 'emergency'; readonly reason: string; readonly by: string };

export interface Vote {
  readonly account: string;
  readonly weight: number;
  readonly at: At;
  readonly reason?: string;
}

export interface Payee {
  readonly kind: 'account' | 'org';
  readonly id: string;
}

export interface Expense {
  readonly id: number;
  readonly fund: string;
  readonly submitter: string;
  readonly payee: Payee;
  readonly amount: number;
  readonly purpose: string;
  readonly category: string;
  readonly quotation: Uint8Array;
  readonly works: boolean;
  readonly status: ExpenseStatus;
  readonly rule?: ApprovalRule;
  readonly approvals: readonly Vote[];
  readonly rejections: readonly Vote[];
  readonly payment?: {
    readonly reference: string;
    readonly entry: number;
    readonly by: string;
    readonly at: At;
  };
  readonly receipts: readonly Uint8Array[];
  readonly completions: readonly Vote[];
  /** Every transition: the status entered, who signed, where. */
  readonly history: readonly { readonly status: ExpenseStatus; readonly by: string; readonly at: At }[];
}

function voteValue(v: Vote): CborMap {
  return {
    account: v.account,
    weight: v.weight,
    at: atValue(v.at),
    ...(v.reason === undefined ? {} : { reason: v.reason }),
  };
}

function readVotes(r: ShapeReader, field: string): Vote[] {
  return r.list(field, LIMITS.members, (v: CborValue, path) => {
    const x = r.sub(v, path, ['account', 'weight', 'at', 'reason']);
    const vote = { account: x.str('account', LIMITS.account), weight: x.uint('weight'), at: readAt(x, 'at') };
    return x.has('reason') ? { ...vote, reason: x.str('reason', LIMITS.reason) } : vote;
  });
}

function ruleValue(rule: ApprovalRule): CborMap {
  switch (rule.kind) {
    case 'committee':
      return { kind: rule.kind, weight: rule.weight };
    case 'resolution':
      return { kind: rule.kind, resolution: rule.resolution };
    case 'emergency':
      return { kind: rule.kind, reason: rule.reason, by: rule.by };
  }
}

function readRule(r: ShapeReader): ApprovalRule {
  const x = r.nested('rule', ['kind', 'weight', 'resolution', 'reason', 'by']);
  const kind = x.oneOf('kind', ['committee', 'resolution', 'emergency'] as const);
  if (kind === 'committee') return { kind, weight: x.uint('weight') };
  if (kind === 'resolution') return { kind, resolution: x.id('resolution') };
  return { kind, reason: x.str('reason', LIMITS.reason), by: x.str('by', LIMITS.account) };
}

export const expenseCodec: Codec<Expense> = defineCodec<Expense>(
  'expense',
  [
    'id',
    'fund',
    'submitter',
    'payee',
    'amount',
    'purpose',
    'category',
    'quotation',
    'works',
    'status',
    'rule',
    'approvals',
    'rejections',
    'payment',
    'receipts',
    'completions',
    'history',
  ],
  (e) => ({
    id: e.id,
    fund: e.fund,
    submitter: e.submitter,
    payee: { kind: e.payee.kind, id: e.payee.id },
    amount: e.amount,
    purpose: e.purpose,
    category: e.category,
    quotation: e.quotation,
    works: e.works,
    status: e.status,
    ...(e.rule === undefined ? {} : { rule: ruleValue(e.rule) }),
    approvals: e.approvals.map(voteValue),
    rejections: e.rejections.map(voteValue),
    ...(e.payment === undefined
      ? {}
      : {
          payment: {
            reference: e.payment.reference,
            entry: e.payment.entry,
            by: e.payment.by,
            at: atValue(e.payment.at),
          },
        }),
    receipts: [...e.receipts],
    completions: e.completions.map(voteValue),
    history: e.history.map((h) => ({ status: h.status, by: h.by, at: atValue(h.at) })),
  }),
  (r) => {
    const p = r.nested('payee', ['kind', 'id']);
    const e: Expense = {
      id: r.uint('id'),
      fund: r.id('fund'),
      submitter: r.str('submitter', LIMITS.account),
      payee: { kind: p.oneOf('kind', ['account', 'org'] as const), id: p.str('id', LIMITS.account) },
      amount: r.uint('amount'),
      purpose: r.str('purpose', LIMITS.purpose),
      category: r.id('category'),
      quotation: r.digest('quotation'),
      works: r.bool('works'),
      status: r.oneOf('status', EXPENSE_STATUSES),
      ...(r.has('rule') ? { rule: readRule(r) } : {}),
      approvals: readVotes(r, 'approvals'),
      rejections: readVotes(r, 'rejections'),
      receipts: r.list('receipts', LIMITS.receipts, (v, path) =>
        v instanceof Uint8Array && v.length === 32 ? v : r.fail(path, '32-byte digests'),
      ),
      completions: readVotes(r, 'completions'),
      history: r.list('history', LIMITS.history, (v: CborValue, path) => {
        const h = r.sub(v, path, ['status', 'by', 'at']);
        return {
          status: h.oneOf('status', EXPENSE_STATUSES),
          by: h.str('by', LIMITS.account),
          at: readAt(h, 'at'),
        };
      }),
    };
    if (!r.has('payment')) return e;
    const y = r.nested('payment', ['reference', 'entry', 'by', 'at']);
    return {
      ...e,
      payment: {
        reference: y.str('reference', LIMITS.reference),
        entry: y.uint('entry'),
        by: y.str('by', LIMITS.account),
        at: readAt(y, 'at'),
      },
    };
  },
);

export function readExpense(state: StateReader, id: number): Expense | undefined {
  return readStored(state, keys.expense(id), expenseCodec);
}

export function foundExpense(state: StateReader, id: number): Expense {
  const e = readExpense(state, id);
  if (e === undefined) throw new GongzhiError('FUNDS_NOT_FOUND', `no expense ${id}`, { expense: id });
  return e;
}

/** FUNDS_BAD_STATE unless the expense is in one of `allowed`. */
export function inStatus(e: Expense, allowed: readonly ExpenseStatus[]): void {
  if (!allowed.includes(e.status)) {
    throw new GongzhiError('FUNDS_BAD_STATE', `expense ${e.id} is ${e.status}, not ${allowed.join(' or ')}`, {
      expense: e.id,
      status: e.status,
    });
  }
}

export function writeExpense(state: StateOverlay, e: Expense): void {
  writeStored(state, keys.expense(e.id), expenseCodec, e);
}

/** The expense moved to `status` by `by` in this transaction. */
export function transition(e: Expense, status: ExpenseStatus, by: string, where: At): Expense {
  return { ...e, status, history: [...e.history, { status, by, at: where }] };
}
