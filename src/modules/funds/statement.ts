import { GongzhiError } from '../../errors/index.js';
import {
  type Codec,
  defineCodec,
  defineMethod,
  readArgs,
  readStored,
  S,
  stateKey,
  writeStored,
} from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { schemas } from './args.js';
import { bankTotalsAfter, lastEntryBefore, readEntry } from './journal.js';
import { type At, at, atValue, foundFund, LIMITS, MODULE, readAt, readCount, writeCount } from './record.js';
import { requireRole } from './roles.js';

/** The four figures of a bank statement over [from, to) (block timestamps, ms). */
export interface Figures {
  readonly opening: number;
  readonly income: number;
  readonly payments: number;
  readonly closing: number;
}

export interface Statement extends Figures {
  readonly seq: number;
  readonly period: string;
  readonly from: number;
  readonly to: number;
  readonly by: string;
  readonly at: At;
}

export const statementKeys = {
  statement: (fund: string, seq: number): string => stateKey(MODULE, 'stmt', fund, String(seq)),
  count: (fund: string): string => stateKey(MODULE, 'stmts', fund),
};

export const statementCodec: Codec<Statement> = defineCodec<Statement>(
  'custodian statement',
  ['seq', 'period', 'from', 'to', 'opening', 'income', 'payments', 'closing', 'by', 'at'],
  (s) => ({
    seq: s.seq,
    period: s.period,
    from: s.from,
    to: s.to,
    opening: s.opening,
    income: s.income,
    payments: s.payments,
    closing: s.closing,
    by: s.by,
    at: atValue(s.at),
  }),
  (r) => ({
    seq: r.uint('seq'),
    period: r.id('period'),
    from: r.uint('from'),
    to: r.uint('to'),
    opening: r.uint('opening'),
    income: r.uint('income'),
    payments: r.uint('payments'),
    closing: r.uint('closing'),
    by: r.str('by', LIMITS.account),
    at: readAt(r, 'at'),
  }),
);

/**
 * The books' figures for [from, to): entries are in block-timestamp order and carry the running
 * bank totals, so this is two binary searches, whatever the size of the journal.
 */
export function bookFigures(state: StateReader, fund: string, from: number, to: number): Figures {
  const a = bankTotalsAfter(state, fund, lastEntryBefore(state, fund, from));
  const b = bankTotalsAfter(state, fund, lastEntryBefore(state, fund, to));
  return { opening: a.dr - a.cr, income: b.dr - a.dr, payments: b.cr - a.cr, closing: b.dr - b.cr };
}

export function readStatements(state: StateReader, fund: string): Statement[] {
  const n = readCount(state, statementKeys.count(fund));
  const out: Statement[] = [];
  for (let i = 1; i <= n; i++) {
    const s = readStored(state, statementKeys.statement(fund, i), statementCodec);
    if (s !== undefined) out.push(s);
  }
  return out;
}

type StatementArgs = Omit<Statement, 'seq' | 'by' | 'at'> & { readonly fund: string };

/**
 * `postStatement`: the custodian posts its signed periodic statement. It is accepted only when it
 * equals the ledger's books figure by figure; otherwise FUNDS_STATEMENT_MISMATCH names each
 * difference — the refused transaction stays in its block with that code, which is the public flag.
 * Statements are contiguous (each starts where the previous ended) and end no later than now, so
 * no later entry can fall inside a reconciled period.
 */
export const postStatement = defineMethod<StatementArgs, { seq: number }>({
  summary:
    'Custodian: post a periodic statement (opening, income, payments, closing); accepted only if it equals the books',
  args: S.Object(
    {
      fund: schemas.fund,
      period: S.Id('period name, e.g. 2026-q3'),
      from: S.Uint('period start, ms (block timestamps ≥ from)'),
      to: S.Uint('period end, ms (block timestamps < to)'),
      opening: S.Uint(),
      income: S.Uint(),
      payments: S.Uint(),
      closing: S.Uint(),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['fund', 'period', 'from', 'to', 'opening', 'income', 'payments', 'closing']);
    return {
      fund: r.id('fund'),
      period: r.id('period'),
      from: r.uint('from'),
      to: r.uint('to'),
      opening: r.uint('opening'),
      income: r.uint('income'),
      payments: r.uint('payments'),
      closing: r.uint('closing'),
    };
  },
  check: ({ state, sender, timestamp }, a) => {
    const f = foundFund(state, a.fund);
    requireRole(state, f, 'custodian', sender);
    const all = readStatements(state, f.id);
    const prev = all.at(-1);
    if (a.to <= a.from || a.to > timestamp || (prev !== undefined && a.from !== prev.to)) {
      throw new GongzhiError(
        'FUNDS_STATEMENT_GAP',
        'a statement covers [from, to) after the previous one, ending by now',
        {
          from: a.from,
          to: a.to,
          expectedFrom: prev?.to ?? -1,
          now: timestamp,
        },
      );
    }
    if (all.some((s) => s.period === a.period)) {
      throw new GongzhiError('FUNDS_EXISTS', `period ${a.period} was reconciled already`, {
        period: a.period,
      });
    }
    const books = bookFigures(state, f.id, a.from, a.to);
    const diff: Record<string, number> = {};
    for (const k of ['opening', 'income', 'payments', 'closing'] as const) {
      if (a[k] !== books[k]) diff[k] = a[k] - books[k];
    }
    if (a.opening + a.income - a.payments !== a.closing)
      diff.arithmetic = a.opening + a.income - a.payments - a.closing;
    if (Object.keys(diff).length > 0) {
      throw new GongzhiError(
        'FUNDS_STATEMENT_MISMATCH',
        `statement ${a.period} differs from the books: ${Object.entries(diff)
          .map(([k, d]) => `${k} ${d > 0 ? '+' : ''}${d}`)
          .join(', ')}`,
        {
          period: a.period,
          ...diff,
          booksOpening: books.opening,
          booksIncome: books.income,
          booksPayments: books.payments,
          booksClosing: books.closing,
        },
      );
    }
    return { seq: all.length + 1 };
  },
  apply: (ctx, a, { seq }) => {
    const { fund, ...s } = a;
    writeStored(ctx.state, statementKeys.statement(fund, seq), statementCodec, {
      ...s,
      seq,
      by: ctx.sender,
      at: at(ctx),
    });
    writeCount(ctx.state, statementKeys.count(fund), seq);
    ctx.emit('statementReconciled', { fund, period: a.period, closing: a.closing });
  },
});

/** Income and spending by category over [from, to): the residents' public statement. */
export interface PeriodStatement extends Figures {
  readonly fund: string;
  readonly currency: string;
  readonly from: number;
  readonly to: number;
  readonly entries: number;
  readonly incomeByCategory: Record<string, number>;
  readonly spendingByCategory: Record<string, number>;
  readonly donationsByProject: Record<string, number>;
  readonly disbursedByProject: Record<string, number>;
}

/** Longest period the public statement scans (entries), so a query stays bounded. */
export const MAX_STATEMENT_ENTRIES = 100_000;

export function periodStatement(state: StateReader, fund: string, from: number, to: number): PeriodStatement {
  const f = foundFund(state, fund);
  const a = lastEntryBefore(state, fund, from);
  const b = lastEntryBefore(state, fund, to);
  const sums = {
    income: {} as Record<string, number>,
    expense: {} as Record<string, number>,
    donated: {} as Record<string, number>,
    disbursed: {} as Record<string, number>,
  };
  const add = (m: Record<string, number>, k: string, v: number) => {
    m[k] = (m[k] ?? 0) + v;
  };
  for (let i = a + 1; i <= Math.min(b, a + MAX_STATEMENT_ENTRIES); i++) {
    for (const p of readEntry(state, fund, i).postings) {
      const [kind, name = ''] = p.account.split(':');
      if (kind === 'income' && p.side === 'cr') add(sums.income, name, p.amount);
      else if (kind === 'expense' && p.side === 'dr') add(sums.expense, name, p.amount);
      else if (kind === 'project' && p.side === 'cr') add(sums.donated, name, p.amount);
      else if (kind === 'project' && p.side === 'dr') add(sums.disbursed, name, p.amount);
    }
  }
  const sorted = (m: Record<string, number>) =>
    Object.fromEntries(Object.entries(m).sort(([x], [y]) => (x < y ? -1 : 1)));
  return {
    fund,
    currency: f.currency,
    from,
    to,
    entries: b - a,
    ...bookFigures(state, fund, from, to),
    incomeByCategory: sorted(sums.income),
    spendingByCategory: sorted(sums.expense),
    donationsByProject: sorted(sums.donated),
    disbursedByProject: sorted(sums.disbursed),
  };
}
