import { toHex } from '../../encoding/index.js';
import { defineQuery, type QueryArgs, S } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { agreementCodec } from './agreement.js';
import { bookCodec } from './book.js';
import { claimCodec } from './claim.js';
import { journalCodec } from './journal.js';
import { bookIdOf, keys } from './keys.js';
import { numMapCodec } from './num-map.js';
import { periodCodec } from './period.js';
import {
  addrParam,
  found,
  foundJson,
  idParam,
  jsonOf,
  MAX_PAGE,
  programParam,
  qs,
  totalsRecord,
} from './queries.js';
import { serviceCodec } from './service.js';
import { statementCodec } from './statement.js';
import { readRecord } from './stored.js';
import { periodFields } from './totals.js';
import { CURRENCY_RE, MONEY_CLASSES, POINT_CLASSES, type Program } from './types.js';

/** Totals of a program with the conservation identities checked. */
export function totalsOf(state: StateReader, p: Program): Record<string, unknown> {
  const t = totalsRecord(state, p);
  const get = (k: string) => t[k] ?? 0;
  const pointSum = POINT_CLASSES.reduce((s, c) => s + get(c), 0);
  const moneySum = MONEY_CLASSES.reduce((s, c) => s + get(c), 0);
  return {
    program: p.id,
    unit: p.unit,
    currency: p.currency,
    points: Object.fromEntries(POINT_CLASSES.map((c) => [c, get(c)])),
    money: Object.fromEntries(MONEY_CLASSES.map((c) => [c, get(c)])),
    issued: -get('issuance'),
    outstanding: get('user') + get('debt') + get('owed'),
    debt: get('debt'),
    owed: get('owed'),
    members: get('members'),
    postingSets: get('journal'),
    /** issued = quota + held + redeemed + expired + donated + exchanged + cashed out; money likewise. */
    balanced: pointSum === 0 && moneySum === 0,
    pointSum,
    moneySum,
    lastHeight: get('lastHeight'),
    lastTs: get('lastTs'),
  };
}

const totalsSchema = S.Object({
  program: S.String(),
  unit: S.String(),
  currency: S.String(),
  points: qs.numMap,
  money: qs.numMap,
  issued: S.Integer(),
  outstanding: S.Integer({ description: 'points held by members (lots)' }),
  owed: S.Integer({ description: 'clawed back after being spent, not yet repaid' }),
  debt: S.Integer(),
  members: S.Integer(),
  postingSets: S.Integer(),
  balanced: S.Boolean({ description: 'points and money each sum to zero over the account classes' }),
  pointSum: S.Integer(),
  moneySum: S.Integer(),
  lastHeight: S.Integer(),
  lastTs: S.Integer(),
});

/** The book named by the `currency` and `clearing` parameters. */
function bookKey(q: QueryArgs): string {
  const currency = q.str('currency', 8, CURRENCY_RE, 'a currency code');
  const clearing = addrParam(q, 'clearing');
  return `${currency}@${clearing}`;
}

const bookArgs = {
  currency: S.String({ pattern: '^(?:[A-Z]{3}|none)$', description: 'the book’s currency' }),
  clearing: qs.account('the clearing provider'),
};

/** Posting sets in order (supervisors read every posting). */
const journal = defineQuery({
  summary: 'A program’s posting sets in order (paged)',
  args: S.Object({
    program: qs.program(),
    from: qs.uintParam('first posting set (default 0)'),
    limit: qs.uintParam(`page size, ≤ ${MAX_PAGE} (default 100)`),
  }),
  result: S.Object({
    program: S.String(),
    total: S.Integer(),
    from: S.Integer(),
    entries: S.Array(
      S.Object({
        n: S.Integer(),
        op: S.String(),
        ref: S.String(),
        period: S.Integer(),
        height: S.Integer(),
        ts: S.Integer(),
        tx: S.Hex(32),
        entries: S.Array(S.Object({ account: S.String(), amount: S.Integer() })),
      }),
    ),
  }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const total = totalsRecord(state, p).journal ?? 0;
    const from = q.uint('from', 0);
    const limit = q.uint('limit', 100, MAX_PAGE);
    const out: unknown[] = [];
    for (let n = from; n < total && out.length < limit; n++) {
      const j = found(state, keys.journal(p.id, n), journalCodec, 'journal entry');
      out.push({ ...j, tx: toHex(j.tx), entries: j.entries.map(([a, d]) => ({ account: a, amount: d })) });
    }
    return { program: p.id, total, from, entries: out };
  },
});

const totals = defineQuery({
  summary: 'A program’s running totals per account class, with the conservation check',
  args: S.Object({ program: qs.program() }),
  result: totalsSchema,
  run: ({ state }, q) => totalsOf(state, programParam(state, q)),
});

/** Supervisor report for a period (default: the open one): reductions, awarded, redeemed, expired, liability. */
const report = defineQuery({
  summary: 'Supervisor report of a period (default: the open one): activity, liability, closing record',
  args: S.Object({ program: qs.program(), period: qs.uintParam('period number (default: the open one)') }),
  result: S.Object({
    program: S.String(),
    book: S.String(),
    period: S.Integer(),
    closed: S.Boolean(),
    activity: qs.numMap,
    liability: S.Record(S.String(), S.Unknown(), { description: 'points owed, with the totals' }),
    periodRecord: S.Union([S.Record(S.String(), S.Unknown()), S.Null()]),
  }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const book = readRecord(state, keys.book(bookIdOf(p)), bookCodec);
    const period = q.uint('period', book?.period ?? 1);
    const closed = book !== undefined && period < book.period;
    const agg = closed
      ? (readRecord(state, keys.periodAgg(p.id, period), numMapCodec) ?? {})
      : periodFields(totalsRecord(state, p), period);
    const t = totalsOf(state, p);
    return {
      program: p.id,
      book: bookIdOf(p),
      period,
      closed,
      activity: agg,
      liability: {
        points: (t.outstanding as number) + ((t.points as Record<string, number>).quota ?? 0),
        ...t,
      },
      periodRecord: closed ? foundJson(state, keys.period(bookIdOf(p), period), periodCodec, 'period') : null,
    };
  },
});

const book = defineQuery({
  summary: 'A clearing book: its programs and open period',
  args: S.Object(bookArgs),
  result: S.Object({
    id: S.String(),
    clearing: S.String(),
    currency: S.String(),
    period: S.Integer({ description: 'the open period' }),
    openedHeight: S.Integer(),
    openedTs: S.Integer(),
    programs: S.Array(S.String()),
  }),
  run: ({ state }, q) => found(state, keys.book(bookKey(q)), bookCodec, 'book'),
});

const period = defineQuery({
  summary: 'The record of a closed period of a book (statements, per-program summaries, digest)',
  args: S.Object({ ...bookArgs, period: qs.uintParam('period number (default 1)') }),
  result: S.Record(S.String(), S.Unknown(), { description: 'the period record as stored; bytes as hex' }),
  run: ({ state }, q) => {
    const bookId = bookKey(q);
    return foundJson(state, keys.period(bookId, q.uint('period', 1)), periodCodec, 'period');
  },
});

const statement = defineQuery({
  summary: 'A settlement statement: parties, body, signatures, disputes, status',
  args: S.Object({ digest: S.Hex(32, 'the statement’s digest') }),
  result: S.Object({
    digest: S.Hex(32),
    kind: S.String(),
    book: S.String(),
    period: S.Integer(),
    parties: S.Array(S.String()),
    body: S.Record(S.String(), S.Unknown()),
    sigs: S.Record(S.String(), S.Object({ height: S.Integer(), tx: S.Hex(32) })),
    disputes: S.Array(S.Object({ by: S.String(), reason: S.String(), height: S.Integer(), tx: S.Hex(32) })),
    status: S.String(),
  }),
  run: ({ state }, q) => {
    const s = found(state, keys.statement(toHex(q.hex('digest', 32))), statementCodec, 'statement');
    return jsonOf({
      digest: s.digest,
      kind: s.kind,
      book: s.book,
      period: s.period,
      parties: [...s.parties],
      body: s.body,
      sigs: Object.fromEntries(Object.entries(s.sigs).map(([k, x]) => [k, { height: x.height, tx: x.tx }])),
      disputes: s.disputes.map((x) => ({ ...x })),
      status: s.status,
    });
  },
});

const claim = defineQuery({
  summary: 'An award claim as recorded: measurement, points, methodology hash, evidence digest',
  args: S.Object({ program: qs.program(), id: S.Hex(32, 'the claim id (from the awarded event)') }),
  result: S.Record(S.String(), S.Unknown(), { description: 'the claim record as stored; bytes as hex' }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    return foundJson(state, keys.claim(p.id, toHex(q.hex('id', 32))), claimCodec, 'claim');
  },
});

const service = defineQuery({
  summary: 'A time-bank service: parties, minutes, status, credits',
  args: S.Object({ program: qs.program(), id: S.Hex(32, 'the service id') }),
  result: S.Object({
    id: S.Hex(32),
    provider: S.String(),
    recipient: S.String(),
    kind: S.String(),
    minutes: S.Integer(),
    status: S.String(),
    loggedAt: S.Integer(),
    closedAt: S.Integer(),
    credits: S.Integer(),
    methodology: S.Integer(),
    methodologyHash: S.Hex(),
  }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const s = found(state, keys.service(p.id, toHex(q.hex('id', 32))), serviceCodec, 'service');
    return jsonOf({ ...s });
  },
});

const agreement = defineQuery({
  summary: 'An exchange agreement between two programs',
  args: S.Object({ id: qs.program('agreement id') }),
  result: S.Object({
    id: S.String(),
    a: S.String(),
    b: S.String(),
    rateA: S.Integer(),
    rateB: S.Integer(),
    backerA: S.String(),
    backerB: S.String(),
    status: S.String(),
    proposedAt: S.Integer(),
    acceptedAt: S.Integer(),
    positionLimit: S.Integer({ description: 'most points of a out on net either way (0: none)' }),
  }),
  run: ({ state }, q) =>
    found(state, keys.agreement(idParam(q, 'id', 'an agreement id')), agreementCodec, 'agreement'),
});

export const bookQueries = { journal, totals, report, book, period, statement, claim, service, agreement };
