import { type CborValue, fromHex, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { LegacyQueryDef } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { lotExpired, parseJournal, periodFields } from './books.js';
import { parseBook } from './env.js';
import { methodologyJson, parseMethodology } from './methodology.js';
import { parseService } from './ops-earn.js';
import { parseAgreement } from './ops-exchange.js';
import { parseStatement } from './ops-settlement.js';
import { parseItem } from './ops-spend.js';
import { bookIdOf, holderBalance, keys, parseHolder, parseProgram, readList, readNumMap } from './state.js';
import {
  ADDR_RE,
  CURRENCY_RE,
  ID_RE,
  MONEY_CLASSES,
  POINT_CLASSES,
  type Program,
  ROLE_NAMES,
} from './types.js';

type Q = Readonly<Record<string, unknown>>;

function bad(name: string, expected: string): never {
  throw new GongzhiError('API_BAD_REQUEST', `query parameter ${name} must be ${expected}`, { name });
}

function str(args: Q, name: string, re: RegExp, what: string): string {
  const v = args[name];
  if (typeof v !== 'string' || !re.test(v)) bad(name, what);
  return v;
}

function int(args: Q, name: string, dflt: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = args[name];
  if (v === undefined) return dflt;
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]{1,15}$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > max) bad(name, `an integer 0..${max}`);
  return n;
}

function digestArg(args: Q, name: string): Uint8Array {
  const v = args[name];
  const hex = typeof v === 'string' ? v.toLowerCase() : '';
  if (!/^(?:0x)?[0-9a-f]{64}$/.test(hex)) bad(name, '32 bytes of hex');
  return fromHex(hex);
}

/** A stored value as JSON (bytes as hex). */
export function jsonOf(v: CborValue): unknown {
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) return v.map((x) => jsonOf(x as CborValue));
  if (typeof v === 'bigint') return v.toString();
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = jsonOf(x as CborValue);
    return out;
  }
  return v;
}

function program(state: StateReader, args: Q, name = 'program'): Program {
  const id = str(args, name, ID_RE, 'a program id');
  const v = state.get(keys.program(id));
  if (v === undefined) throw new GongzhiError('POINTS_NOT_FOUND', `no program ${id}`, { program: id });
  return parseProgram(v);
}

function found(v: CborValue | undefined, what: string): CborValue {
  if (v === undefined) throw new GongzhiError('POINTS_NOT_FOUND', `no such ${what}`);
  return v;
}

/** Totals of a program with the conservation identities checked. */
export function totalsOf(state: StateReader, p: Program): Record<string, unknown> {
  const t = readNumMap(state.get(keys.totals(p.id)));
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
    outstanding: get('user') + get('debt'),
    debt: get('debt'),
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

function bookOf(state: StateReader, p: Program) {
  const v = state.get(keys.book(bookIdOf(p)));
  return v === undefined ? undefined : parseBook(v);
}

const queries: Record<string, LegacyQueryDef> = {
  programs: ({ state }) =>
    readList(state.get(keys.programs())).map((id) => {
      const p = parseProgram(state.get(keys.program(id)));
      return { id, name: p.name, issuer: p.issuer, status: p.status, frozen: p.frozen };
    }),

  program: ({ state }, args) => {
    const p = program(state, args, 'id');
    return { ...p, book: bookIdOf(p), causes: p.causes.map((c) => ({ ...c })) };
  },

  methodology: ({ state }, args) => {
    const p = program(state, args);
    const version = int(args, 'version', p.methodology || 1, 1e9);
    return methodologyJson(
      parseMethodology(found(state.get(keys.methodology(p.id, version)), 'version')),
      toHex,
    );
  },

  roles: ({ state }, args) => {
    const p = program(state, args);
    const account = str(args, 'account', ADDR_RE, 'an address');
    const roles: string[] = [];
    if (p.issuer === account) roles.push('issuer');
    if (p.clearing === account) roles.push('clearing');
    for (const r of ROLE_NAMES) if (state.getRaw(keys.role(p.id, r, account)) !== undefined) roles.push(r);
    const h = state.get(keys.holder(p.id, account));
    if (h !== undefined && parseHolder(h).member) roles.push('member');
    return { program: p.id, account, roles, frozen: state.getRaw(keys.frozen(p.id, account)) !== undefined };
  },

  /** A member's holdings; lots are judged expired at the latest block (or `at` ms for duration expiry). */
  account: ({ state, height }, args) => {
    const p = program(state, args);
    const account = str(args, 'account', ADDR_RE, 'an address');
    const v = state.get(keys.holder(p.id, account));
    if (v === undefined) throw new GongzhiError('POINTS_NOT_FOUND', 'not a member', { account });
    const h = parseHolder(v);
    const ts = int(args, 'at', readNumMap(state.get(keys.totals(p.id))).lastTs ?? 0);
    let available = 0;
    let expired = 0;
    const lots = h.lots.map((l) => {
      const gone = lotExpired(p, l, height, ts);
      if (gone) expired += l.amount;
      else available += l.amount;
      return { ...l, expired: gone };
    });
    return {
      program: p.id,
      account,
      member: h.member,
      joined: h.joined,
      consent: toHex(h.consent),
      balance: holderBalance(h),
      available,
      expired,
      debt: h.debt,
      awarded: h.awarded,
      lots,
      frozen: state.getRaw(keys.frozen(p.id, account)) !== undefined,
    };
  },

  /** A plain account's balance, e.g. `pool:<sponsor>`, `redeemed:<platform>`, `payable:<a>:<b>`. */
  balance: ({ state }, args) => {
    const p = program(state, args);
    const account = str(args, 'account', /^[a-z]+(?::[A-Za-z0-9_-]{1,128}){0,2}$/, 'an account name');
    const v = state.get(keys.balance(p.id, account));
    return { program: p.id, account, balance: typeof v === 'number' ? v : 0 };
  },

  quota: ({ state }, args) => {
    const p = program(state, args);
    const d = str(args, 'distributor', ADDR_RE, 'an address');
    const q = readNumMap(state.get(keys.quota(p.id, d)));
    return {
      program: p.id,
      distributor: d,
      total: Object.values(q).reduce((s, x) => s + x, 0),
      bySponsor: q,
    };
  },

  items: ({ state }, args) => {
    const p = program(state, args);
    return readList(state.get(keys.itemList(p.id))).map((k) => {
      const [platform, item] = k.split('/') as [string, string];
      return parseItem(state.get(keys.item(p.id, platform, item)));
    });
  },

  /** Posting sets in order (supervisors read every posting). */
  journal: ({ state }, args) => {
    const p = program(state, args);
    const total = readNumMap(state.get(keys.totals(p.id))).journal ?? 0;
    const from = int(args, 'from', 0);
    const limit = int(args, 'limit', 100, 1000);
    const out: unknown[] = [];
    for (let n = from; n < total && out.length < limit; n++) {
      const j = parseJournal(state.get(keys.journal(p.id, n)));
      out.push({ ...j, tx: toHex(j.tx), entries: j.entries.map(([a, d]) => ({ account: a, amount: d })) });
    }
    return { program: p.id, total, from, entries: out };
  },

  totals: ({ state }, args) => totalsOf(state, program(state, args)),

  /** Supervisor report for a period (default: the open one): reductions, awarded, redeemed, expired, liability. */
  report: ({ state }, args) => {
    const p = program(state, args);
    const book = bookOf(state, p);
    const period = int(args, 'period', book?.period ?? 1);
    const closed = book !== undefined && period < book.period;
    const agg = closed
      ? readNumMap(state.get(keys.periodAgg(p.id, period)))
      : periodFields(readNumMap(state.get(keys.totals(p.id))), period);
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
      periodRecord: closed ? jsonOf(found(state.get(keys.period(bookIdOf(p), period)), 'period')) : null,
    };
  },

  book: ({ state }, args) => {
    const currency = str(args, 'currency', CURRENCY_RE, 'a currency code');
    const clearing = str(args, 'clearing', ADDR_RE, 'an address');
    return parseBook(found(state.get(keys.book(`${currency}@${clearing}`)), 'book'));
  },

  period: ({ state }, args) => {
    const currency = str(args, 'currency', CURRENCY_RE, 'a currency code');
    const clearing = str(args, 'clearing', ADDR_RE, 'an address');
    const n = int(args, 'period', 1);
    return jsonOf(found(state.get(keys.period(`${currency}@${clearing}`, n)), 'period'));
  },

  statement: ({ state }, args) => {
    const d = digestArg(args, 'digest');
    const s = parseStatement(found(state.get(keys.statement(toHex(d))), 'statement'));
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

  claim: ({ state }, args) => {
    const p = program(state, args);
    const id = digestArg(args, 'id');
    return jsonOf(found(state.get(keys.claim(p.id, toHex(id))), 'claim'));
  },

  service: ({ state }, args) => {
    const p = program(state, args);
    const id = digestArg(args, 'id');
    const s = parseService(found(state.get(keys.service(p.id, toHex(id))), 'service'));
    return jsonOf({ ...s });
  },

  agreement: ({ state }, args) => {
    const id = str(args, 'id', ID_RE, 'an agreement id');
    return parseAgreement(found(state.get(keys.agreement(id)), 'agreement'));
  },

  members: ({ state }, args) => {
    const p = program(state, args);
    const total = readNumMap(state.get(keys.totals(p.id))).members ?? 0;
    const offset = int(args, 'offset', 0);
    const limit = int(args, 'limit', 100, 1000);
    const accounts: string[] = [];
    for (let i = offset; i < total && accounts.length < limit; i++) {
      const v = state.get(keys.member(p.id, i));
      if (typeof v === 'string') accounts.push(v);
    }
    return { program: p.id, total, offset, accounts };
  },
};

export const pointsQueries: Readonly<Record<string, LegacyQueryDef>> = queries;
