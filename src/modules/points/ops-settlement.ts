import { type CborValue, encodeCanonical, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import { bookValue, type Env } from './env.js';
import { Args, op } from './op.js';
import { keys, numMapValue, Rec, readNumMap } from './state.js';
import { CURRENCY_RE } from './types.js';

/** A settlement statement: what one party owes another for a period, or a distributor's activity. */
export interface Statement {
  readonly digest: Uint8Array;
  readonly kind: 'pair' | 'activity';
  readonly book: string;
  readonly period: number;
  readonly parties: readonly string[];
  readonly body: CborMap;
  readonly sigs: Readonly<Record<string, { readonly height: number; readonly tx: Uint8Array }>>;
  readonly disputes: readonly { by: string; reason: string; height: number; tx: Uint8Array }[];
  readonly status: 'open' | 'agreed' | 'disputed';
}

export function statementValue(s: Statement): CborMap {
  const sigs: Record<string, CborValue> = {};
  for (const [k, v] of Object.entries(s.sigs)) sigs[k] = { height: v.height, tx: v.tx };
  return {
    digest: s.digest,
    kind: s.kind,
    book: s.book,
    period: s.period,
    parties: [...s.parties],
    body: s.body,
    sigs,
    disputes: s.disputes.map((d) => ({ ...d })),
    status: s.status,
  };
}

export function parseStatement(v: CborValue | undefined): Statement {
  const r = Rec.of(v, 'statement');
  const kind = r.str('kind');
  const status = r.str('status');
  if ((kind !== 'pair' && kind !== 'activity') || !['open', 'agreed', 'disputed'].includes(status)) {
    throw new GongzhiError('EXEC_INTERNAL', 'stored statement kind/status is unknown');
  }
  const sigs: Record<string, { height: number; tx: Uint8Array }> = {};
  for (const [k, x] of Object.entries(r.map('sigs'))) {
    const sr = Rec.of(x, 'signature');
    sigs[k] = { height: sr.int('height'), tx: sr.bytes('tx') };
  }
  return {
    digest: r.bytes('digest'),
    kind,
    book: r.str('book'),
    period: r.int('period'),
    parties: r.strs('parties'),
    body: r.map('body'),
    sigs,
    disputes: r.arr('disputes').map((d) => {
      const dr = Rec.of(d, 'dispute');
      return { by: dr.str('by'), reason: dr.str('reason'), height: dr.int('height'), tx: dr.bytes('tx') };
    }),
    status: status as Statement['status'],
  };
}

function digestOf(env: Env, body: CborMap): Uint8Array {
  return env.ctx.suite.hash(encodeCanonical(body));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The clearing provider closes the open period of its book (one currency): for each program in the
 * book, every `payable:<payer>:<payee>` balance accrued this period moves to `paid:…`; amounts are
 * netted per unordered pair of parties into pair statements, each distributor's activity goes into
 * an activity statement (a record a bank can lend against), and per-program summaries record
 * liability and breakage. Cost is proportional to the number of pairs, distributors and programs —
 * the running aggregates were maintained as postings happened.
 */
const closePeriod = op(
  (v) => {
    const a = Args.of(v, ['currency']);
    const currency = a.str('currency', 8);
    if (!CURRENCY_RE.test(currency)) {
      throw new GongzhiError('EXEC_BAD_ARGS', 'args.currency must be a currency code', { field: 'currency' });
    }
    return { currency };
  },
  (env, a) => {
    const bookId = `${a.currency}@${env.sender}`;
    const book = env.book(bookId);
    if (!book) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'sender is not the clearing provider of any program here', {
        currency: a.currency,
      });
    }
    const n = book.period;
    const window = {
      fromHeight: book.openedHeight,
      fromTs: book.openedTs,
      toHeight: env.height,
      toTs: env.ts,
    };
    const owed = new Map<string, number>();
    const programs: CborValue[] = [];
    const statements: Statement[] = [];
    for (const id of book.programs) {
      const p = env.program(id);
      const books = env.booksOf(p);
      const pairs = [...books.pairList()].sort(cmp);
      let settled = 0;
      if (pairs.length > 0) {
        books.begin('settle', `${bookId}/${n}`);
        for (const acct of pairs) {
          const amount = books.balance(acct);
          if (amount === 0) continue;
          const [, payer, payee] = acct.split(':') as [string, string, string];
          books.postPlain(acct, -amount);
          books.postPlain(`paid:${payer}:${payee}`, amount);
          owed.set(`${payer}:${payee}`, (owed.get(`${payer}:${payee}`) ?? 0) + amount);
          settled += amount;
        }
        books.end();
        books.clearPairs();
      }
      const agg = books.rollPeriod();
      programs.push({
        program: id,
        activity: numMapValue(agg),
        settledMoney: settled,
        liabilityPoints: books.total('user') + books.total('debt') + books.total('quota'),
        userPoints: books.total('user') + books.total('debt'),
        quotaPoints: books.total('quota'),
        reserveMoney: books.total('reserve'),
        poolMoney: books.total('pool'),
        breakagePoints: agg.expired ?? 0,
        breakageMoney: agg.breakageMoney ?? 0,
      });
      for (const d of [...books.distList()].sort(cmp)) {
        const counters = numMapValue(readNumMap(env.get(keys.distAgg(id, n, d))));
        const body: CborMap = {
          kind: 'activity',
          book: bookId,
          period: n,
          ...window,
          program: id,
          distributor: d,
          clearing: env.sender,
          counters,
        };
        statements.push({
          digest: digestOf(env, body),
          kind: 'activity',
          book: bookId,
          period: n,
          parties: [d, env.sender].filter((x, i, xs) => xs.indexOf(x) === i),
          body,
          sigs: {},
          disputes: [],
          status: 'open',
        });
      }
    }
    const pairKeys = new Set<string>();
    for (const k of owed.keys()) {
      const [x, y] = k.split(':') as [string, string];
      pairKeys.add(x < y ? `${x}:${y}` : `${y}:${x}`);
    }
    for (const k of [...pairKeys].sort(cmp)) {
      const [x, y] = k.split(':') as [string, string];
      const xToY = owed.get(`${x}:${y}`) ?? 0;
      const yToX = owed.get(`${y}:${x}`) ?? 0;
      const net = xToY - yToX;
      const body: CborMap = {
        kind: 'pair',
        book: bookId,
        currency: a.currency,
        period: n,
        ...window,
        a: x,
        b: y,
        aToB: xToY,
        bToA: yToX,
        netPayer: net >= 0 ? x : y,
        netPayee: net >= 0 ? y : x,
        net: Math.abs(net),
      };
      statements.push({
        digest: digestOf(env, body),
        kind: 'pair',
        book: bookId,
        period: n,
        parties: x === y ? [x] : [x, y],
        body,
        sigs: {},
        disputes: [],
        status: 'open',
      });
    }
    for (const s of statements) env.set(keys.statement(toHex(s.digest)), statementValue(s));
    const record: CborMap = {
      book: bookId,
      clearing: env.sender,
      currency: a.currency,
      period: n,
      ...window,
      closedTx: env.ctx.txHash,
      statements: statements.map((s) => s.digest),
      programs,
    };
    const digest = digestOf(env, record);
    env.set(keys.period(bookId, n), { ...record, digest });
    env.set(
      keys.book(bookId),
      bookValue({ ...book, period: n + 1, openedHeight: env.height, openedTs: env.ts }),
    );
    env.emit('periodClosed', {
      book: bookId,
      period: n,
      digest,
      statements: statements.length,
      pairs: pairKeys.size,
    });
  },
);

function readStatement(env: Env, digest: Uint8Array): Statement {
  const v = env.get(keys.statement(toHex(digest)));
  if (v === undefined) throw new GongzhiError('POINTS_NOT_FOUND', 'no statement with this digest');
  return parseStatement(v);
}

function requireParty(env: Env, s: Statement): void {
  if (!s.parties.includes(env.sender)) {
    throw new GongzhiError('POINTS_WRONG_ROLE', 'only a party of the statement may sign or dispute it', {
      account: env.sender,
    });
  }
  if (Object.hasOwn(s.sigs, env.sender)) {
    throw new GongzhiError('POINTS_ALREADY_SIGNED', 'already signed this statement', { account: env.sender });
  }
}

/** A party signs the statement whose digest it recomputed from its own records. */
const signStatement = op(
  (v) => ({ digest: Args.of(v, ['digest']).digest('digest') }),
  (env, a) => {
    const s = readStatement(env, a.digest);
    requireParty(env, s);
    const sigs = { ...s.sigs, [env.sender]: { height: env.height, tx: env.ctx.txHash } };
    const all = s.parties.every((p) => Object.hasOwn(sigs, p));
    // Signing after disputing withdraws the dispute: once every party signed, the statement is agreed.
    const status = all ? 'agreed' : s.status;
    env.set(keys.statement(toHex(a.digest)), statementValue({ ...s, sigs, status }));
    env.emit('statementSigned', { digest: a.digest, by: env.sender, status });
  },
);

/** A party that has not signed records a dispute; resolution happens off chain or by a later adjustment. */
const disputeStatement = op(
  (v) => {
    const a = Args.of(v, ['digest', 'reason']);
    return { digest: a.digest('digest'), reason: a.str('reason', 512) };
  },
  (env, a) => {
    const s = readStatement(env, a.digest);
    requireParty(env, s);
    const disputes = [
      ...s.disputes,
      { by: env.sender, reason: a.reason, height: env.height, tx: env.ctx.txHash },
    ];
    if (disputes.length > 64) throw new GongzhiError('POINTS_LIMIT', 'too many disputes');
    env.set(keys.statement(toHex(a.digest)), statementValue({ ...s, disputes, status: 'disputed' }));
    env.emit('statementDisputed', { digest: a.digest, by: env.sender, reason: a.reason });
  },
);

export const settlementMethods = { closePeriod, signStatement, disputeStatement };
