import { toHex } from '../../encoding/index.js';
import type { StateReader } from '../../state/index.js';
import type { Expense, Vote } from './expense.js';
import { availableBalance } from './expense-ops.js';
import { accountBalance, BANK, type Entry } from './journal.js';
import type { At, Fund } from './record.js';
import type { AtJson, EntryJson, ExpenseJson, FundJson, VoteJson } from './types.js';

export const atJson = (a: At): AtJson => ({ height: a.height, timestamp: a.timestamp, tx: toHex(a.tx) });

export function fundJson(state: StateReader, f: Fund): FundJson {
  return {
    id: f.id,
    name: f.name,
    kind: f.kind,
    currency: f.currency,
    custodian: f.custodian,
    manager: f.manager,
    supervisor: f.supervisor,
    members: f.members.map((m) => ({ account: m.account, weight: m.weight })),
    tiers: f.tiers.map((t) => ({
      from: t.from,
      rule: t.rule,
      weight: t.weight,
      ...(t.matter === undefined ? {} : { matter: t.matter }),
    })),
    emergencyLimit: f.emergencyLimit,
    completionWeight: f.completionWeight,
    feeBps: f.feeBps,
    createdAt: atJson(f.createdAt),
    frozen:
      f.frozen === undefined ? null : { reason: f.frozen.reason, by: f.frozen.by, at: atJson(f.frozen.at) },
    balance: accountBalance(state, f.id, BANK),
    available: availableBalance(state, f.id),
  };
}

const voteJson = (v: Vote): VoteJson => ({
  account: v.account,
  weight: v.weight,
  at: atJson(v.at),
  ...(v.reason === undefined ? {} : { reason: v.reason }),
});

export function expenseJson(e: Expense): ExpenseJson {
  return {
    id: e.id,
    fund: e.fund,
    submitter: e.submitter,
    payee: { kind: e.payee.kind, id: e.payee.id },
    amount: e.amount,
    purpose: e.purpose,
    category: e.category,
    quotation: toHex(e.quotation),
    works: e.works,
    status: e.status,
    rule: e.rule === undefined ? null : { ...e.rule },
    emergency: e.rule?.kind === 'emergency',
    approvals: e.approvals.map(voteJson),
    rejections: e.rejections.map(voteJson),
    payment:
      e.payment === undefined
        ? null
        : {
            reference: e.payment.reference,
            entry: e.payment.entry,
            by: e.payment.by,
            at: atJson(e.payment.at),
          },
    receipts: e.receipts.map(toHex),
    completions: e.completions.map(voteJson),
    history: e.history.map((h) => ({ status: h.status, by: h.by, at: atJson(h.at) })),
  };
}

export function entryJson(e: Entry): EntryJson {
  return {
    seq: e.seq,
    kind: e.kind,
    ref: e.ref,
    reference: e.reference,
    postings: e.postings.map((p) => ({ account: p.account, side: p.side, amount: p.amount })),
    at: atJson(e.at),
    bankBalance: e.bankDr - e.bankCr,
  };
}
