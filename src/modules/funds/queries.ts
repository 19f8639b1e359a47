import { toHex } from '../../encoding/index.js';
import { defineQuery, type QueryArgs, readStored, S } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import {
  charityKeys,
  distributionCodec,
  foundDisbursement,
  foundDonation,
  foundGoods,
  foundProject,
  readQueue,
} from './charity-record.js';
import { foundExpense, readExpense } from './expense.js';
import { accountBalance, balanceOf, entryCount, readAccounts, readEntry, readTotals } from './journal.js';
import { atJson, entryJson, expenseJson, fundJson } from './json.js';
import { readLog } from './log.js';
import { foundFund, idCodec, keys, readCount, readFund } from './record.js';
import { periodStatement, readStatements } from './statement.js';
import { traceDonation } from './trace.js';

/** Largest page a listing query returns. */
export const MAX_PAGE = 1000;

const page = (q: QueryArgs) => ({ offset: q.uint('offset', 0), limit: q.uint('limit', 100, MAX_PAGE) });
const pageArgs = {
  offset: S.Optional(S.UintParam('first item, 0-based (default 0)')),
  limit: S.Optional(S.UintParam(`page size ≤ ${MAX_PAGE} (default 100)`)),
};
const fundArg = { fund: S.String({ description: 'fund id' }) };
const idArg = (what: string) => ({ id: S.UintParam(`${what} id`) });
const serial = (q: QueryArgs, name = 'id') => q.uint(name, undefined, Number.MAX_SAFE_INTEGER, 1);
const anyJson = S.Record(S.String(), S.Unknown());
const atSchema = S.Object({ height: S.Integer(), timestamp: S.Integer(), tx: S.Hex(32) });
const voteSchema = S.Object({
  account: S.String(),
  weight: S.Integer(),
  at: atSchema,
  reason: S.Optional(S.String()),
});

/** The JSON of a fund (FundJson). */
export const fundSchema = S.Object(
  {
    id: S.String(),
    name: S.String(),
    kind: S.Union([S.Literal('community'), S.Literal('charity')]),
    currency: S.String({ pattern: '^[A-Z]{3}$' }),
    custodian: S.String(),
    manager: S.String(),
    supervisor: S.String(),
    members: S.Array(S.Object({ account: S.String(), weight: S.Integer({ minimum: 1 }) })),
    tiers: S.Array(
      S.Object({
        from: S.Integer(),
        rule: S.Union([S.Literal('committee'), S.Literal('resolution')]),
        weight: S.Integer(),
        matter: S.Optional(S.Union([S.Literal('ordinary'), S.Literal('major')])),
      }),
    ),
    emergencyLimit: S.Integer(),
    completionWeight: S.Integer(),
    feeBps: S.Integer({ minimum: 0, maximum: 10_000 }),
    createdAt: atSchema,
    frozen: S.Union([S.Null(), S.Object({ reason: S.String(), by: S.String(), at: atSchema })]),
    balance: S.Integer({ minimum: 0, description: 'cash at the custodian per the books (minor units)' }),
    available: S.Integer({ description: 'what expenses may spend: balance minus project money' }),
  },
  { additionalProperties: false, description: 'a fund; amounts in minor units' },
);

/** The JSON of an expense (ExpenseJson). */
export const expenseSchema = S.Object(
  {
    id: S.Integer(),
    fund: S.String(),
    submitter: S.String(),
    payee: S.Object({ kind: S.Union([S.Literal('account'), S.Literal('org')]), id: S.String() }),
    amount: S.Integer({ minimum: 1 }),
    purpose: S.String(),
    category: S.String(),
    quotation: S.Hex(32),
    works: S.Boolean(),
    status: S.Union(
      ['draft', 'submitted', 'approved', 'rejected', 'paid', 'receipted', 'cancelled'].map((x) =>
        S.Literal(x),
      ),
    ),
    rule: S.Union([S.Null(), S.Record(S.String(), S.Union([S.String(), S.Integer()]))]),
    emergency: S.Boolean(),
    approvals: S.Array(voteSchema),
    rejections: S.Array(voteSchema),
    payment: S.Union([
      S.Null(),
      S.Object({ reference: S.String(), entry: S.Integer(), by: S.String(), at: atSchema }),
    ]),
    receipts: S.Array(S.Hex(32)),
    completions: S.Array(voteSchema),
    history: S.Array(S.Object({ status: S.String(), by: S.String(), at: atSchema })),
  },
  { additionalProperties: false, description: 'an expense with every transition' },
);

/** The JSON of a donation trace (DonationTraceJson). */
export const traceSchema = S.Object(
  {
    donation: S.Integer(),
    fund: S.String(),
    currency: S.String(),
    project: S.String(),
    earmark: S.Optional(S.String()),
    donor: S.Union([S.String(), S.Null()], { description: 'pseudonymous donor id, null when anonymous' }),
    amount: S.Integer(),
    fee: S.Integer(),
    feeBps: S.Integer(),
    net: S.Integer(),
    queueStart: S.Integer(),
    allocations: S.Array(
      S.Object(
        {
          disbursement: S.Integer(),
          amount: S.Integer({ minimum: 1 }),
          purpose: S.String(),
          beneficiary: S.Hex(32),
          status: S.Union([S.Literal('instructed'), S.Literal('paid'), S.Literal('confirmed')]),
          height: S.Integer(),
          paymentReference: S.Optional(S.String()),
          confirmation: S.Optional(S.Hex(32)),
        },
        { additionalProperties: false },
      ),
    ),
    allocated: S.Integer(),
    unallocated: S.Integer(),
    height: S.Integer(),
    reference: S.String(),
  },
  {
    additionalProperties: false,
    description: 'where a donation went: fee + allocated + unallocated = amount',
  },
);

/** Counted list `key(1..n)` of uint values, paged. */
function pagedIds(
  state: StateReader,
  count: number,
  key: (i: number) => string,
  offset: number,
  limit: number,
): number[] {
  const out: number[] = [];
  for (let i = offset + 1; i <= count && out.length < limit; i++) {
    const v = readCount(state, key(i));
    if (v > 0) out.push(v);
  }
  return out;
}

export const fund = defineQuery({
  summary: 'A fund: roles, committee, tiers, freeze, balance and available balance',
  args: S.Object(fundArg),
  result: fundSchema,
  run: ({ state }, q) => fundJson(state, foundFund(state, q.id('fund'))),
});

export const funds = defineQuery({
  summary: 'Every fund, in creation order, with its balance',
  args: S.Object({}),
  result: S.Array(fundSchema),
  run: ({ state }) => {
    const n = readCount(state, keys.fundCount());
    const out = [];
    for (let i = 1; i <= n; i++) {
      const id = readStored(state, keys.fundAt(i), idCodec);
      const f = id === undefined ? undefined : readFund(state, id);
      if (f !== undefined) out.push(fundJson(state, f));
    }
    return out;
  },
});

export const expense = defineQuery({
  summary: 'An expense: payee, amount, purpose, rule, votes, payment, receipts, every transition',
  args: S.Object(idArg('expense')),
  result: expenseSchema,
  run: ({ state }, q) => expenseJson(foundExpense(state, serial(q))),
});

export const expenses = defineQuery({
  summary: 'The expenses of a fund, oldest first (paged)',
  args: S.Object({ ...fundArg, ...pageArgs }),
  result: S.Object({ fund: S.String(), total: S.Integer(), expenses: S.Array(expenseSchema) }),
  run: ({ state }, q) => {
    const f = foundFund(state, q.id('fund'));
    const { offset, limit } = page(q);
    const total = readCount(state, keys.fundExpenseCount(f.id));
    const ids = pagedIds(state, total, (i) => keys.fundExpenseAt(f.id, i), offset, limit);
    return {
      fund: f.id,
      total,
      expenses: ids.flatMap((id) => {
        const e = readExpense(state, id);
        return e === undefined ? [] : [expenseJson(e)];
      }),
    };
  },
});

export const books = defineQuery({
  summary: 'The fund’s accounts: debit and credit totals and balance per account (double entry)',
  args: S.Object(fundArg),
  result: S.Object({
    fund: S.String(),
    entries: S.Integer(),
    accounts: S.Array(
      S.Object({ account: S.String(), dr: S.Integer(), cr: S.Integer(), balance: S.Integer() }),
    ),
    debits: S.Integer(),
    credits: S.Integer(),
  }),
  run: ({ state }, q) => {
    const f = foundFund(state, q.id('fund'));
    const accounts = readAccounts(state, f.id).map((account) => {
      const t = readTotals(state, f.id, account);
      return { account, dr: t.dr, cr: t.cr, balance: balanceOf(account, t) };
    });
    return {
      fund: f.id,
      entries: entryCount(state, f.id),
      accounts,
      debits: accounts.reduce((s, a) => s + a.dr, 0),
      credits: accounts.reduce((s, a) => s + a.cr, 0),
    };
  },
});

export const entries = defineQuery({
  summary: 'The fund’s journal entries, oldest first (paged), each balanced',
  args: S.Object({ ...fundArg, ...pageArgs }),
  result: S.Object({ fund: S.String(), total: S.Integer(), entries: S.Array(anyJson) }),
  run: ({ state }, q) => {
    const f = foundFund(state, q.id('fund'));
    const { offset, limit } = page(q);
    const total = entryCount(state, f.id);
    const out = [];
    for (let i = offset + 1; i <= total && out.length < limit; i++)
      out.push(entryJson(readEntry(state, f.id, i)));
    return { fund: f.id, total, entries: out };
  },
});

export const statement = defineQuery({
  summary: 'Public statement of a period [from, to) (ms): opening, income and spending by category, closing',
  args: S.Object({
    ...fundArg,
    from: S.Optional(S.UintParam('start, ms (default 0)')),
    to: S.Optional(S.UintParam('end, ms (default: now)')),
  }),
  result: anyJson,
  run: ({ state }, q) => {
    // A period ends at or after its start (EXEC_BAD_ARGS naming `to` otherwise).
    const from = q.uint('from', 0);
    const to = q.uint('to', Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, from);
    return periodStatement(state, q.id('fund'), from, to);
  },
});

export const statements = defineQuery({
  summary: 'The custodian statements reconciled with the books, in order',
  args: S.Object(fundArg),
  result: S.Array(anyJson),
  run: ({ state }, q) => {
    const f = foundFund(state, q.id('fund'));
    return readStatements(state, f.id).map((s) => ({ ...s, at: atJson(s.at) }));
  },
});

export const log = defineQuery({
  summary: 'The fund’s public supervision log: freezes, unfreezes (with reasons) and emergency fast-tracks',
  args: S.Object(fundArg),
  result: S.Array(anyJson),
  run: ({ state }, q) => {
    const f = foundFund(state, q.id('fund'));
    return readLog(state, f.id).map((l) => ({ ...l, at: atJson(l.at) }));
  },
});

export const trace = defineQuery({
  summary:
    'Where a donation went: its fee share and its allocation to disbursements (earmark, then FIFO), to the fen',
  args: S.Object(idArg('donation')),
  result: traceSchema,
  run: ({ state }, q) => traceDonation(state, serial(q)),
});

export const donation = defineQuery({
  summary: 'A donation as posted by the custodian',
  args: S.Object(idArg('donation')),
  result: anyJson,
  run: ({ state }, q) => {
    const d = foundDonation(state, serial(q));
    return { ...d, at: atJson(d.at), donor: d.donor ?? null };
  },
});

export const donorDonations = defineQuery({
  summary: 'The donation ids of a pseudonymous donor, oldest first (paged)',
  args: S.Object({ donor: S.String({ maxLength: 128 }), ...pageArgs }),
  result: S.Object({ donor: S.String(), total: S.Integer(), donations: S.Array(S.Integer()) }),
  run: ({ state }, q) => {
    const donor = q.str('donor', 128, /^[^/]+$/, 'a donor id');
    const { offset, limit } = page(q);
    const total = readCount(state, charityKeys.donorCount(donor));
    return {
      donor,
      total,
      donations: pagedIds(state, total, (i) => charityKeys.donorAt(donor, i), offset, limit),
    };
  },
});

export const project = defineQuery({
  summary: 'A charity project: restricted balance, donated, allocated and unallocated money per queue',
  args: S.Object({
    ...fundArg,
    project: S.String({ description: 'project id' }),
    earmarks: S.Optional(S.String({ description: 'comma-separated earmarks to show' })),
  }),
  result: anyJson,
  run: ({ state }, q) => {
    const f = foundFund(state, q.id('fund'));
    const p = foundProject(state, f.id, q.id('project'));
    const marks = (q.optStr('earmarks', 1024, /^[a-z0-9-]+(,[a-z0-9-]+)*$/, 'comma-separated ids') ?? '')
      .split(',')
      .filter((x) => x !== '');
    const queue = (e?: string) => {
      const x = readQueue(state, f.id, p.id, e);
      return { earmark: e ?? null, donated: x.donated, allocated: x.taken, unallocated: x.donated - x.taken };
    };
    return {
      fund: f.id,
      project: p.id,
      name: p.name,
      balance: accountBalance(state, f.id, `project:${p.id}`),
      queues: [queue(), ...marks.map(queue)],
    };
  },
});

export const disbursement = defineQuery({
  summary: 'A disbursement: project, amount, beneficiary digest, payment, confirmation',
  args: S.Object(idArg('disbursement')),
  result: anyJson,
  run: ({ state }, q) => {
    const d = foundDisbursement(state, serial(q));
    return {
      ...d,
      beneficiary: toHex(d.beneficiary),
      at: atJson(d.at),
      payment: d.payment === undefined ? null : { ...d.payment, at: atJson(d.payment.at) },
      confirmation:
        d.confirmation === undefined
          ? null
          : { digest: toHex(d.confirmation.digest), by: d.confirmation.by, at: atJson(d.confirmation.at) },
    };
  },
});

export const goods = defineQuery({
  summary: 'A goods donation with its remaining quantity and every distribution',
  args: S.Object(idArg('goods')),
  result: anyJson,
  run: ({ state }, q) => {
    const g = foundGoods(state, serial(q));
    const distributions = [];
    for (let i = 1; i <= g.distributions; i++) {
      const x = readStored(state, charityKeys.distribution(g.id, i), distributionCodec);
      if (x !== undefined)
        distributions.push({ quantity: x.quantity, beneficiary: toHex(x.beneficiary), at: atJson(x.at) });
    }
    return { ...g, donor: g.donor ?? null, at: atJson(g.at), distributions };
  },
});
