import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { readAmount, readReference, readSerial, schemas } from './args.js';
import {
  type ApprovalRule,
  type Expense,
  foundExpense,
  inStatus,
  transition,
  writeExpense,
} from './expense.js';
import { accountBalance, BANK, post, readAccounts } from './journal.js';
import { appendLog } from './log.js';
import {
  at,
  type Fund,
  foundFund,
  freshReference,
  keys,
  LIMITS,
  notFrozen,
  readCount,
  type Tier,
  useReference,
  writeCount,
} from './record.js';
import { expenseMotion, requirePassedResolution } from './resolution.js';
import { memberOf, requireMember, requireProposer, requireRole, totalWeight } from './roles.js';

/** Money not restricted to a charity project: bank minus every project's balance. */
export function availableBalance(state: StateReader, fund: string): number {
  let restricted = 0;
  for (const a of readAccounts(state, fund))
    if (a.startsWith('project:')) restricted += accountBalance(state, fund, a);
  return accountBalance(state, fund, BANK) - restricted;
}

export interface DraftArgs {
  readonly fund: string;
  readonly payee: { readonly kind: 'account' | 'org'; readonly id: string };
  readonly amount: number;
  readonly purpose: string;
  readonly category: string;
  readonly quotation: Uint8Array;
  readonly works: boolean;
}

/** `draftExpense`: the manager's admin or a committee member drafts an expense (not yet submitted). */
export const draftExpense = defineMethod<DraftArgs, { fund: Fund; id: number }>({
  summary: 'Draft an expense: payee, amount, purpose, category, quotation digest, whether it is works',
  args: S.Object(
    {
      fund: schemas.fund,
      payee: S.Object({
        kind: S.Union([S.Literal('account'), S.Literal('org')]),
        id: S.String({ maxLength: 128 }),
      }),
      amount: schemas.amount,
      purpose: S.String({ minLength: 1, maxLength: LIMITS.purpose }),
      category: S.Id('spending category, e.g. elevator'),
      quotation: S.Hex(32, 'digest of the quotation'),
      works: S.Optional(S.Boolean({ description: 'works need the committee to confirm completion' })),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['fund', 'payee', 'amount', 'purpose', 'category', 'quotation', 'works']);
    const p = r.nested('payee', ['kind', 'id']);
    return {
      fund: r.id('fund'),
      payee: { kind: p.oneOf('kind', ['account', 'org'] as const), id: p.str('id', LIMITS.account) },
      amount: readAmount(r),
      purpose: r.str('purpose', LIMITS.purpose),
      category: r.id('category'),
      quotation: r.digest('quotation'),
      works: r.optBool('works', false),
    };
  },
  check: ({ state, sender }, a) => {
    const fund = foundFund(state, a.fund);
    notFrozen(fund);
    requireProposer(state, fund, sender);
    return { fund, id: readCount(state, keys.expenseCount()) + 1 };
  },
  apply: (ctx, a, p) => {
    const e: Expense = {
      id: p.id,
      ...a,
      submitter: ctx.sender,
      status: 'draft',
      approvals: [],
      rejections: [],
      receipts: [],
      completions: [],
      history: [{ status: 'draft', by: ctx.sender, at: at(ctx) }],
    };
    writeExpense(ctx.state, e);
    writeCount(ctx.state, keys.expenseCount(), p.id);
    const n = readCount(ctx.state, keys.fundExpenseCount(a.fund)) + 1;
    writeCount(ctx.state, keys.fundExpenseAt(a.fund, n), p.id);
    writeCount(ctx.state, keys.fundExpenseCount(a.fund), n);
    ctx.emit('expenseDrafted', { id: p.id, fund: a.fund, amount: a.amount, category: a.category });
  },
});

interface IdArgs {
  readonly id: number;
}

const idSchema = S.Object({ id: schemas.serial }, { additionalProperties: false });
const parseId = (v: Parameters<typeof readArgs>[0]): IdArgs => ({
  id: readSerial(readArgs(v, ['id']), 'id'),
});

/** The tier rule for `amount`: the last tier whose `from` ≤ amount (tiers start at 0 and rise). */
export function tierFor(f: Fund, amount: number): Tier {
  let t: Tier = f.tiers[0] ?? { from: 0, rule: 'committee', weight: totalWeight(f) };
  for (const x of f.tiers) if (x.from <= amount) t = x;
  return t;
}

interface SubmitArgs {
  readonly id: number;
  readonly resolution?: string;
}

/**
 * `submitExpense`: the submitter submits her draft; the rule is fixed from the fund's tiers by the
 * amount. A `resolution` tier must cite a passed owners' resolution of the voting module whose
 * title carries this expense's motion tag (resolution.ts); it approves the expense at once.
 */
export const submitExpense = defineMethod<SubmitArgs, { e: Expense; rule: ApprovalRule }>({
  summary: 'Submit a drafted expense; its approval rule is fixed by amount from the fund’s tiers',
  args: S.Object(
    { id: schemas.serial, resolution: S.Optional(S.Id('owners’ resolution id (resolution tiers)')) },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['id', 'resolution']);
    const id = readSerial(r, 'id');
    return r.has('resolution') ? { id, resolution: r.id('resolution') } : { id };
  },
  check: ({ state, sender }, a) => {
    const e = foundExpense(state, a.id);
    const f = foundFund(state, e.fund);
    notFrozen(f);
    if (e.submitter !== sender) {
      throw new GongzhiError('FUNDS_NOT_ROLE', 'only the submitter submits her draft', {
        expense: e.id,
        role: 'submitter',
      });
    }
    inStatus(e, ['draft']);
    const t = tierFor(f, e.amount);
    if (t.rule === 'committee') return { e, rule: { kind: 'committee', weight: t.weight } };
    const { resolution } = requirePassedResolution(state, f, a.resolution, {
      motion: expenseMotion(f.id, e.id, e.amount),
      matter: t.matter ?? 'ordinary',
      since: e.history[0]?.at.height ?? 0,
    });
    return { e, rule: { kind: 'resolution', resolution } };
  },
  apply: (ctx, _a, { e, rule }) => {
    // A passed resolution approves at once; committee expenses wait for weight.
    const submitted = { ...transition(e, 'submitted', ctx.sender, at(ctx)), rule };
    writeExpense(
      ctx.state,
      rule.kind === 'resolution' ? transition(submitted, 'approved', ctx.sender, at(ctx)) : submitted,
    );
    ctx.emit('expenseSubmitted', { id: e.id, fund: e.fund, rule: rule.kind });
  },
});

/** Checks shared by approve and reject: a submitted committee expense, a member who has not voted. */
function voteCheck(
  state: StateReader,
  sender: string,
  id: number,
): { e: Expense; f: Fund; weight: number; need: number } {
  const e = foundExpense(state, id);
  const f = foundFund(state, e.fund);
  const m = requireMember(f, sender);
  if (e.submitter === sender) {
    throw new GongzhiError('FUNDS_SELF_APPROVAL', 'the submitter cannot vote on her own expense', {
      expense: e.id,
    });
  }
  if ([...e.approvals, ...e.rejections].some((v) => v.account === sender)) {
    throw new GongzhiError('FUNDS_ALREADY_APPROVED', 'this member voted on this expense already', {
      expense: e.id,
    });
  }
  inStatus(e, ['submitted']);
  notFrozen(f);
  if (e.rule?.kind !== 'committee') {
    // Unreachable while resolution and emergency rules approve at once; kept as a guard.
    throw new GongzhiError('FUNDS_BAD_STATE', 'this expense is not decided by committee weight', {
      expense: e.id,
      status: e.status,
    });
  }
  return { e, f, weight: m.weight, need: e.rule.weight };
}

const sumWeight = (vs: readonly { weight: number }[]): number => vs.reduce((s, v) => s + v.weight, 0);

/** `approveExpense`: a committee member (not the submitter) approves; the weight reached approves it. */
export const approveExpense = defineMethod<IdArgs, ReturnType<typeof voteCheck>>({
  summary:
    'Committee member: approve a submitted expense (never one’s own); approved once the tier weight is reached',
  args: idSchema,
  parse: parseId,
  check: ({ state, sender }, a) => voteCheck(state, sender, a.id),
  apply: (ctx, _a, { e, weight, need }) => {
    const approvals = [...e.approvals, { account: ctx.sender, weight, at: at(ctx) }];
    const reached = sumWeight(approvals) >= need;
    const next = { ...e, approvals };
    writeExpense(ctx.state, reached ? transition(next, 'approved', ctx.sender, at(ctx)) : next);
    ctx.emit('expenseApproval', {
      id: e.id,
      by: ctx.sender,
      weight: sumWeight(approvals),
      need,
      approved: reached,
    });
  },
});

interface RejectArgs {
  readonly id: number;
  readonly reason: string;
}

/**
 * `rejectExpense`: a committee member votes no with a reason; once the remaining weight can no
 * longer reach the tier, the expense is rejected.
 */
export const rejectExpense = defineMethod<RejectArgs, ReturnType<typeof voteCheck>>({
  summary:
    'Committee member: vote against a submitted expense with a reason; rejected once approval is out of reach',
  args: S.Object({ id: schemas.serial, reason: schemas.reason }, { additionalProperties: false }),
  parse: (v) => {
    const r = readArgs(v, ['id', 'reason']);
    return { id: readSerial(r, 'id'), reason: r.str('reason', LIMITS.reason) };
  },
  check: ({ state, sender }, a) => voteCheck(state, sender, a.id),
  apply: (ctx, a, { e, f, weight, need }) => {
    const rejections = [...e.rejections, { account: ctx.sender, weight, at: at(ctx), reason: a.reason }];
    // The submitter cannot vote, so her weight never counts towards approval.
    const reachable = totalWeight(f) - (memberOf(f, e.submitter)?.weight ?? 0) - sumWeight(rejections);
    const out = reachable < need;
    const next = { ...e, rejections };
    writeExpense(ctx.state, out ? transition(next, 'rejected', ctx.sender, at(ctx)) : next);
    ctx.emit('expenseRejection', { id: e.id, by: ctx.sender, rejected: out });
  },
});

/** `cancelExpense`: the submitter withdraws an expense that has not been paid. */
export const cancelExpense = defineMethod<IdArgs, Expense>({
  summary: 'Submitter: cancel an expense that is not paid yet',
  args: idSchema,
  parse: parseId,
  check: ({ state, sender }, a) => {
    const e = foundExpense(state, a.id);
    if (e.submitter !== sender) {
      throw new GongzhiError('FUNDS_NOT_ROLE', 'only the submitter cancels an expense', {
        expense: e.id,
        role: 'submitter',
      });
    }
    inStatus(e, ['draft', 'submitted', 'approved']);
    return e;
  },
  apply: (ctx, _a, e) => {
    writeExpense(ctx.state, transition(e, 'cancelled', ctx.sender, at(ctx)));
    ctx.emit('expenseCancelled', { id: e.id, fund: e.fund });
  },
});

/**
 * `emergencyApprove`: the supervisor fast-tracks an emergency repair (up to the fund's emergency
 * limit). The expense is flagged with the reason and logged in the fund's public supervision log.
 */
export const emergencyApprove = defineMethod<RejectArgs, { e: Expense; f: Fund }>({
  summary: 'Supervisor: fast-track an emergency expense (≤ the emergency limit), flagged and publicly logged',
  args: S.Object({ id: schemas.serial, reason: schemas.reason }, { additionalProperties: false }),
  parse: (v) => {
    const r = readArgs(v, ['id', 'reason']);
    return { id: readSerial(r, 'id'), reason: r.str('reason', LIMITS.reason) };
  },
  check: ({ state, sender }, a) => {
    const e = foundExpense(state, a.id);
    const f = foundFund(state, e.fund);
    requireRole(state, f, 'supervisor', sender);
    inStatus(e, ['submitted']);
    notFrozen(f);
    if (e.amount > f.emergencyLimit) {
      throw new GongzhiError('FUNDS_EMERGENCY_LIMIT', `emergency limit of ${f.id} is ${f.emergencyLimit}`, {
        amount: e.amount,
        limit: f.emergencyLimit,
      });
    }
    return { e, f };
  },
  apply: (ctx, a, { e, f }) => {
    const flagged = { ...e, rule: { kind: 'emergency' as const, reason: a.reason, by: ctx.sender } };
    writeExpense(ctx.state, transition(flagged, 'approved', ctx.sender, at(ctx)));
    appendLog(ctx.state, f.id, {
      kind: 'emergency',
      reason: a.reason,
      by: ctx.sender,
      at: at(ctx),
      expense: e.id,
      amount: e.amount,
    });
    ctx.emit('emergencyApproval', {
      id: e.id,
      fund: f.id,
      amount: e.amount,
      reason: a.reason,
      by: ctx.sender,
    });
  },
});

interface PayArgs {
  readonly id: number;
  readonly reference: string;
}

/**
 * `payExpense`: only the custodian confirms a payment, with its reference: debit
 * expense:<category>, credit bank. Refused unless approved, on a frozen fund, for a reused
 * reference, or when the available balance is below the amount.
 */
export const payExpense = defineMethod<PayArgs, Expense>({
  summary: 'Custodian: confirm payment of an approved expense with the bank’s payment reference',
  args: S.Object({ id: schemas.serial, reference: schemas.reference }, { additionalProperties: false }),
  parse: (v) => {
    const r = readArgs(v, ['id', 'reference']);
    return { id: readSerial(r, 'id'), reference: readReference(r) };
  },
  check: ({ state, sender }, a) => {
    const e = foundExpense(state, a.id);
    const f = foundFund(state, e.fund);
    requireRole(state, f, 'custodian', sender);
    inStatus(e, ['approved']);
    notFrozen(f);
    freshReference(state, f.id, a.reference);
    const available = availableBalance(state, f.id);
    if (available < e.amount) {
      throw new GongzhiError(
        'FUNDS_INSUFFICIENT_BALANCE',
        `fund ${f.id} has ${available}, expense needs ${e.amount}`,
        {
          fund: f.id,
          available,
          amount: e.amount,
        },
      );
    }
    return e;
  },
  apply: (ctx, a, e) => {
    const entry = post(ctx.state, e.fund, {
      kind: 'payment',
      ref: `expense:${e.id}`,
      reference: a.reference,
      postings: [
        { account: `expense:${e.category}`, side: 'dr', amount: e.amount },
        { account: BANK, side: 'cr', amount: e.amount },
      ],
      at: at(ctx),
    });
    useReference(ctx.state, e.fund, a.reference, `expense:${e.id}`);
    const paid = transition(e, 'paid', ctx.sender, at(ctx));
    writeExpense(ctx.state, {
      ...paid,
      payment: { reference: a.reference, entry: entry.seq, by: ctx.sender, at: at(ctx) },
    });
    ctx.emit('expensePaid', {
      id: e.id,
      fund: e.fund,
      amount: e.amount,
      reference: a.reference,
      entry: entry.seq,
    });
  },
});
