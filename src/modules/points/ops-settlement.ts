import { encodeCanonical, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import { schemas } from './args.js';
import type { Env } from './env.js';
import { keys } from './keys.js';
import { pointsMethod } from './method.js';
import { numMapCodec } from './num-map.js';
import { payableHolds } from './payable-holds.js';
import { type PeriodBody, type PeriodProgram, periodBodyValue, periodCodec } from './period.js';
import { MAX_DISPUTES, type Statement, statementCodec } from './statement.js';
import { CURRENCY_RE } from './types.js';

function digestOf(env: Env, body: CborMap): Uint8Array {
  return env.ctx.suite.hash(encodeCanonical(body));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A new statement of period `period` of `book`, identified by the digest of its body. */
function openStatement(
  env: Env,
  kind: Statement['kind'],
  book: string,
  period: number,
  parties: string[],
  body: CborMap,
): Statement {
  return {
    digest: digestOf(env, body),
    kind,
    book,
    period,
    parties,
    body,
    sigs: {},
    disputes: [],
    status: 'open',
  };
}

/**
 * The clearing provider closes the open period of its book (one currency): for each program in the
 * book, every `payable:<payer>:<payee>` balance accrued this period moves to `paid:…`; amounts are
 * netted per unordered pair of parties into pair statements, each distributor's activity goes into
 * an activity statement (a record a bank can lend against), and per-program summaries record
 * liability and breakage. Cost is proportional to the number of pairs, distributors and programs —
 * the running aggregates were maintained as postings happened.
 */
const closePeriod = pointsMethod<{ currency: string }>({
  summary: 'Close the open period of the caller’s book: settle payables into signed statements (clearing)',
  args: S.Object(
    { currency: S.String({ pattern: '^(?:[A-Z]{3}|none)$', description: 'the book’s currency' }) },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['currency']);
    const currency = a.str('currency', 8);
    if (!CURRENCY_RE.test(currency)) {
      throw new GongzhiError('EXEC_BAD_ARGS', 'args.currency must be a currency code', { field: 'currency' });
    }
    return { currency };
  },
  run: (env, a) => {
    const bookId = `${a.currency}@${env.sender}`;
    const book = env.book(bookId);
    if (!book) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'sender is not the clearing provider of any program here', {
        currency: a.currency,
      });
    }
    // a clearing provider frozen in any program of its book closes nothing until unfrozen
    for (const id of book.programs) env.requireNotFrozen(env.program(id), env.sender);
    const n = book.period;
    const window = {
      fromHeight: book.openedHeight,
      fromTs: book.openedTs,
      toHeight: env.height,
      toTs: env.ts,
    };
    const owed = new Map<string, number>();
    // what a payee owed back (receivable, an upheld dispute over money already paid) and was kept
    // from its payment at this close, per `payer:payee`
    const offsets = new Map<string, number>();
    const programs: PeriodProgram[] = [];
    const statements: Statement[] = [];
    for (const id of book.programs) {
      const p = env.program(id);
      const books = env.booksOf(p);
      const pairs = [...books.accounts.pairList()].sort(cmp);
      let settled = 0;
      // payables of a frozen program, or owed by or to a frozen party, stay open (held) until unfrozen
      const held = pairs.filter((acct) => {
        const [, payer, payee] = acct.split(':') as [string, string, string];
        return p.frozen || env.isFrozen(p, payer) || env.isFrozen(p, payee);
      });
      // an open auditor's dispute holds part of a payable (payable-holds.ts): the rest is settled,
      // the held money stays open on the account until the dispute is decided
      const disputed = payableHolds(env, p);
      const frozen = [...held];
      for (const acct of Object.keys(disputed)) if (!held.includes(acct)) held.push(acct);
      if (pairs.length > 0) {
        books.journal.begin('settle', `${bookId}/${n}`);
        for (const acct of pairs) {
          const open = books.accounts.balance(acct);
          const amount = open - Math.min(open, disputed[acct] ?? 0);
          if (amount === 0 || frozen.includes(acct)) continue;
          const [, payer, payee] = acct.split(':') as [string, string, string];
          books.accounts.post(acct, -amount);
          books.accounts.post(`paid:${payer}:${payee}`, amount);
          const o = Math.min(amount, books.accounts.balance(`receivable:${payer}:${payee}`));
          if (o > 0) {
            books.accounts.post(`receivable:${payer}:${payee}`, -o);
            books.accounts.post(`pool:${payer}`, o);
            books.aggregates.add('receivableOffset', o);
            offsets.set(`${payer}:${payee}`, (offsets.get(`${payer}:${payee}`) ?? 0) + o);
          }
          owed.set(`${payer}:${payee}`, (owed.get(`${payer}:${payee}`) ?? 0) + amount - o);
          settled += amount;
        }
        books.journal.end();
        books.accounts.clearPairs(held);
      }
      const agg = books.aggregates.roll();
      const t = books.totals;
      programs.push({
        program: id,
        activity: agg,
        settledMoney: settled,
        liabilityPoints: t.get('user') + t.get('debt') + t.get('quota'),
        userPoints: t.get('user') + t.get('debt'),
        quotaPoints: t.get('quota'),
        reserveMoney: t.get('reserve'),
        poolMoney: t.get('pool'),
        breakagePoints: agg.expired ?? 0,
        breakageMoney: agg.breakageMoney ?? 0,
      });
      for (const d of [...books.aggregates.distributors()].sort(cmp)) {
        const counters = numMapCodec.encode(env.read(keys.distAgg(id, n, d), numMapCodec) ?? {});
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
        const parties = [d, env.sender].filter((x, i, xs) => xs.indexOf(x) === i);
        statements.push(openStatement(env, 'activity', bookId, n, parties, body));
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
      const offXY = offsets.get(`${x}:${y}`) ?? 0;
      const offYX = offsets.get(`${y}:${x}`) ?? 0;
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
        // kept from the payment against a receivable (stored only when some was: same bytes otherwise)
        ...(offXY === 0 ? {} : { offsetAToB: offXY }),
        ...(offYX === 0 ? {} : { offsetBToA: offYX }),
      };
      statements.push(openStatement(env, 'pair', bookId, n, x === y ? [x] : [x, y], body));
    }
    for (const s of statements) env.write(keys.statement(toHex(s.digest)), statementCodec, s);
    const record: PeriodBody = {
      book: bookId,
      clearing: env.sender,
      currency: a.currency,
      period: n,
      ...window,
      closedTx: env.ctx.txHash,
      statements: statements.map((s) => s.digest),
      programs,
    };
    const digest = digestOf(env, periodBodyValue(record));
    env.write(keys.period(bookId, n), periodCodec, { ...record, digest });
    env.putBook({ ...book, period: n + 1, openedHeight: env.height, openedTs: env.ts });
    env.emit('periodClosed', {
      book: bookId,
      period: n,
      digest,
      statements: statements.length,
      pairs: pairKeys.size,
    });
  },
});

function readStatement(env: Env, digest: Uint8Array): Statement {
  const s = env.read(keys.statement(toHex(digest)), statementCodec);
  if (s === undefined) throw new GongzhiError('POINTS_NOT_FOUND', 'no statement with this digest');
  return s;
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
const signStatement = pointsMethod<{ digest: Uint8Array }>({
  summary: 'Sign a settlement statement whose digest the party recomputed from its own records',
  args: S.Object({ digest: schemas.digest('the statement’s digest') }, { additionalProperties: false }),
  parse: (v) => ({ digest: readArgs(v, ['digest']).digest('digest') }),
  run: (env, a) => {
    const s = readStatement(env, a.digest);
    requireParty(env, s);
    const sigs = { ...s.sigs, [env.sender]: { height: env.height, tx: env.ctx.txHash } };
    const all = s.parties.every((p) => Object.hasOwn(sigs, p));
    // Signing after disputing withdraws the dispute: once every party signed, the statement is agreed.
    const status = all ? 'agreed' : s.status;
    env.write(keys.statement(toHex(a.digest)), statementCodec, { ...s, sigs, status });
    env.emit('statementSigned', { digest: a.digest, by: env.sender, status });
  },
});

/** A party that has not signed records a dispute; resolution happens off chain or by a later adjustment. */
const disputeStatement = pointsMethod<{ digest: Uint8Array; reason: string }>({
  summary: 'Dispute a settlement statement (a party that has not signed it)',
  args: S.Object(
    { digest: schemas.digest('the statement’s digest'), reason: S.String({ minLength: 1, maxLength: 512 }) },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['digest', 'reason']);
    return { digest: a.digest('digest'), reason: a.str('reason', 512) };
  },
  run: (env, a) => {
    const s = readStatement(env, a.digest);
    requireParty(env, s);
    const disputes = [
      ...s.disputes,
      { by: env.sender, reason: a.reason, height: env.height, tx: env.ctx.txHash },
    ];
    if (disputes.length > MAX_DISPUTES) throw new GongzhiError('POINTS_LIMIT', 'too many disputes');
    env.write(keys.statement(toHex(a.digest)), statementCodec, { ...s, disputes, status: 'disputed' });
    env.emit('statementDisputed', { digest: a.digest, by: env.sender, reason: a.reason });
  },
});

export const settlementMethods = { closePeriod, signStatement, disputeStatement };
