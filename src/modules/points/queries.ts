import type { TSchema } from '@sinclair/typebox';
import { type CborValue, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type Codec, defineQuery, type QueryArgs, S, stringListCodec } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { schemas } from './args.js';
import { holderBalance, holderCodec } from './holder.js';
import { itemCodec } from './item.js';
import { bookIdOf, keys } from './keys.js';
import { lotExpired } from './lots.js';
import { memberEntryCodec } from './marks.js';
import { methodologyCodec, methodologyJson } from './methodology.js';
import { balanceCodec, type NumMap, numMapCodec } from './num-map.js';
import { programCodec } from './program.js';
import { readRecord } from './stored.js';
import { ADDR_RE, ID_RE, type Program, ROLE_NAMES } from './types.js';

/** Largest page of the paged queries. */
export const MAX_PAGE = 1000;

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

/** The record under `key`, or POINTS_NOT_FOUND naming `what` (CHAIN_INVALID when it does not decode). */
export function found<T>(state: StateReader, key: string, codec: Codec<T>, what: string): T {
  const v = readRecord(state, key, codec);
  if (v === undefined) throw new GongzhiError('POINTS_NOT_FOUND', `no such ${what}`);
  return v;
}

/** The stored record under `key` as JSON, as stored (checked by its codec first). */
export function foundJson<T>(state: StateReader, key: string, codec: Codec<T>, what: string): unknown {
  found(state, key, codec, what);
  return jsonOf(state.get(key) ?? null);
}

/** A program id parameter. */
export function idParam(q: QueryArgs, name: string, what = 'a program id'): string {
  return q.str(name, 48, ID_RE, what);
}

/** An address parameter. */
export function addrParam(q: QueryArgs, name: string): string {
  return q.str(name, 128, ADDR_RE, 'an address');
}

/** The program named by parameter `name`, or POINTS_NOT_FOUND. */
export function programParam(state: StateReader, q: QueryArgs, name = 'program'): Program {
  const id = idParam(q, name);
  const p = readRecord(state, keys.program(id), programCodec);
  if (p === undefined) throw new GongzhiError('POINTS_NOT_FOUND', `no program ${id}`, { program: id });
  return p;
}

/** The running totals record of a program. */
export function totalsRecord(state: StateReader, p: Program): NumMap {
  return readRecord(state, keys.totals(p.id), numMapCodec) ?? {};
}

/** Schema fragments of query parameters and results. */
export const qs = {
  program: (description = 'program id') => schemas.id(description),
  account: (description = 'account address') => schemas.addr(description),
  uintParam: (description: string) => S.Optional(S.UintParam(description)),
  numMap: S.Record(S.String(), S.Integer()),
  obj: (props: Record<string, TSchema>, description?: string) =>
    S.Object(props, description === undefined ? {} : { description }),
};

const causeSchema = S.Object({ id: S.String(), beneficiary: S.String(), pot: S.Boolean() });

const programSchema = qs.obj(
  {
    id: S.String(),
    name: S.String(),
    issuer: S.String(),
    status: S.Union([S.Literal('pending'), S.Literal('active')]),
    frozen: S.Boolean(),
    createdAt: S.Integer(),
    approvedAt: S.Integer(),
    approvedBy: S.String(),
    unit: S.String(),
    precision: S.Integer(),
    currency: S.String(),
    value: S.Integer(),
    clearing: S.String(),
    expiry: S.Object({ kind: S.String(), n: S.Optional(S.Integer()) }),
    transfer: S.String(),
    closedLoop: S.Boolean(),
    claimWindowMs: S.Integer(),
    activeFrom: S.Integer(),
    activeUntil: S.Integer(),
    capPerWindow: S.Integer(),
    capWindowMs: S.Integer(),
    capTotal: S.Integer(),
    debtLimit: S.Integer(),
    causes: S.Array(causeSchema),
    methodology: S.Integer({ description: 'version in force (0 before approval)' }),
    latestMethodology: S.Integer(),
    registeredDevices: S.Boolean({ description: 'claims must name a registered device' }),
    dataConsent: S.Boolean({ description: 'claims need the member’s consent to the distributor' }),
    privateBalances: S.Boolean({ description: 'members’ holdings are read with a signed query only' }),
    book: S.String({ description: '<currency>@<clearing>' }),
  },
  'a program with its settlement book',
);

const programs = defineQuery({
  summary: 'Every program: id, name, issuer, status, frozen',
  args: S.Object({}),
  result: S.Array(
    S.Object({
      id: S.String(),
      name: S.String(),
      issuer: S.String(),
      status: S.String(),
      frozen: S.Boolean(),
    }),
  ),
  run: ({ state }) =>
    (readRecord(state, keys.programs(), stringListCodec) ?? []).map((id) => {
      const p = found(state, keys.program(id), programCodec, 'program');
      return { id, name: p.name, issuer: p.issuer, status: p.status, frozen: p.frozen };
    }),
});

const program = defineQuery({
  summary: 'A program’s configuration, status and book',
  args: S.Object({ id: qs.program() }),
  result: programSchema,
  run: ({ state }, q) => {
    const p = programParam(state, q, 'id');
    return { ...p, book: bookIdOf(p), causes: p.causes.map((c) => ({ ...c })) };
  },
});

const methodology = defineQuery({
  summary: 'A methodology version of a program (default: the one in force)',
  args: S.Object({ program: qs.program(), version: qs.uintParam('version (default: in force, else 1)') }),
  result: qs.obj(
    {
      program: S.String(),
      version: S.Integer(),
      name: S.String(),
      hash: S.Hex(32),
      status: S.String(),
      proposedAt: S.Integer(),
      approvedAt: S.Integer(),
      approvedBy: S.String(),
      rules: S.Array(S.Record(S.String(), S.Unknown())),
    },
    'a methodology: its parameters and hash',
  ),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const version = q.uint('version', p.methodology || 1, 1e9);
    return methodologyJson(found(state, keys.methodology(p.id, version), methodologyCodec, 'version'), toHex);
  },
});

const roles = defineQuery({
  summary: 'The roles an account holds in a program, and whether it is frozen there',
  args: S.Object({ program: qs.program(), account: qs.account() }),
  result: S.Object({
    program: S.String(),
    account: S.String(),
    roles: S.Array(S.String()),
    frozen: S.Boolean(),
  }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const account = addrParam(q, 'account');
    const out: string[] = [];
    if (p.issuer === account) out.push('issuer');
    if (p.clearing === account) out.push('clearing');
    for (const r of ROLE_NAMES) if (state.getRaw(keys.role(p.id, r, account)) !== undefined) out.push(r);
    const h = readRecord(state, keys.holder(p.id, account), holderCodec);
    if (h?.member) out.push('member');
    return {
      program: p.id,
      account,
      roles: out,
      frozen: state.getRaw(keys.frozen(p.id, account)) !== undefined,
    };
  },
});

const lotSchema = S.Object({
  amount: S.Integer(),
  ts: S.Integer(),
  height: S.Integer(),
  exp: S.Integer({ description: 'expiry height or timestamp (0: never)' }),
  sponsor: S.String(),
  expired: S.Boolean(),
});

/** A member's holdings; lots are judged expired at the latest block (or `at` ms for duration expiry). */
export const accountSchema = S.Object({
  program: S.String(),
  account: S.String(),
  member: S.Boolean(),
  joined: S.Integer(),
  consent: S.Hex(32),
  balance: S.Integer(),
  available: S.Integer(),
  expired: S.Integer(),
  debt: S.Integer(),
  awarded: S.Integer(),
  lots: S.Array(lotSchema),
  frozen: S.Boolean(),
  held: S.Optional(S.Integer({ description: 'points held by open disputes (present when any)' })),
  owed: S.Optional(
    S.Integer({ description: 'clawed back after being spent: repaid first (present when any)' }),
  ),
  area: S.Optional(
    S.String({ description: 'her confirmed area (present when set; a pending request is in memberArea)' }),
  ),
});

const account = defineQuery({
  summary: 'A member’s holdings: balance, available and expired points, debt, lots',
  args: S.Object({
    program: qs.program(),
    account: qs.account(),
    at: qs.uintParam('judge duration expiry at this time, ms (default: the last posting)'),
  }),
  result: accountSchema,
  run: ({ state, height }, q) => {
    const p = programParam(state, q);
    if (p.privateBalances) {
      throw new GongzhiError('POINTS_READ_DENIED', 'this program’s balances are read with signedAccount', {
        program: p.id,
      });
    }
    return accountJson(state, height, p, addrParam(q, 'account'), q);
  },
});

/** A member's holdings as the account queries answer them. */
export function accountJson(state: StateReader, height: number, p: Program, acct: string, q: QueryArgs) {
  {
    const h = readRecord(state, keys.holder(p.id, acct), holderCodec);
    if (h === undefined) throw new GongzhiError('POINTS_NOT_FOUND', 'not a member', { account: acct });
    const ts = q.uint('at', totalsRecord(state, p).lastTs ?? 0);
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
      account: acct,
      member: h.member,
      joined: h.joined,
      consent: toHex(h.consent),
      balance: holderBalance(h),
      available,
      expired,
      debt: h.debt,
      awarded: h.awarded,
      lots,
      frozen: state.getRaw(keys.frozen(p.id, acct)) !== undefined,
      ...(h.held === 0 ? {} : { held: h.held }),
      ...(h.owed === 0 ? {} : { owed: h.owed }),
      ...(h.area === '' ? {} : { area: h.area }),
    };
  }
}

const ACCOUNT_NAME_RE = /^[a-z]+(?::[A-Za-z0-9_-]{1,128}){0,2}$/;

/** A plain account's balance, e.g. `pool:<sponsor>`, `redeemed:<platform>`, `payable:<a>:<b>`. */
const balance = defineQuery({
  summary: 'A plain account’s balance, e.g. pool:<sponsor>, redeemed:<platform>, payable:<a>:<b>',
  args: S.Object({
    program: qs.program(),
    account: S.String({ pattern: ACCOUNT_NAME_RE.source, description: 'account name <class>[:<a>[:<b>]]' }),
  }),
  result: S.Object({ program: S.String(), account: S.String(), balance: S.Integer() }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const acct = q.str('account', 300, ACCOUNT_NAME_RE, 'an account name');
    const b = readRecord(state, keys.balance(p.id, acct), balanceCodec);
    return { program: p.id, account: acct, balance: b ?? 0 };
  },
});

const quota = defineQuery({
  summary: 'A distributor’s unawarded quota, by backing sponsor',
  args: S.Object({ program: qs.program(), distributor: qs.account('distributor address') }),
  result: S.Object({
    program: S.String(),
    distributor: S.String(),
    total: S.Integer(),
    bySponsor: qs.numMap,
  }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const d = addrParam(q, 'distributor');
    const buckets = readRecord(state, keys.quota(p.id, d), numMapCodec) ?? {};
    return {
      program: p.id,
      distributor: d,
      total: Object.values(buckets).reduce((s, x) => s + x, 0),
      bySponsor: buckets,
    };
  },
});

const items = defineQuery({
  summary: 'A program’s catalogue (listed and delisted items)',
  args: S.Object({ program: qs.program() }),
  result: S.Array(
    S.Object({
      platform: S.String(),
      item: S.String(),
      name: S.String(),
      price: S.Integer(),
      stock: S.Integer({ description: '-1: unlimited' }),
      listed: S.Boolean(),
    }),
  ),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    return (readRecord(state, keys.itemList(p.id), stringListCodec) ?? []).map((k) => {
      const [platform, item] = k.split('/') as [string, string];
      return found(state, keys.item(p.id, platform, item), itemCodec, 'item');
    });
  },
});

const members = defineQuery({
  summary: 'The accounts that joined a program, in joining order (paged)',
  args: S.Object({
    program: qs.program(),
    offset: qs.uintParam('first item, 0-based (default 0)'),
    limit: qs.uintParam(`page size, ≤ ${MAX_PAGE} (default 100)`),
  }),
  result: S.Object({
    program: S.String(),
    total: S.Integer(),
    offset: S.Integer(),
    accounts: S.Array(S.String()),
  }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const total = totalsRecord(state, p).members ?? 0;
    const offset = q.uint('offset', 0);
    const limit = q.uint('limit', 100, MAX_PAGE);
    const accounts: string[] = [];
    for (let i = offset; i < total && accounts.length < limit; i++) {
      const a = readRecord(state, keys.member(p.id, i), memberEntryCodec);
      if (a !== undefined) accounts.push(a);
    }
    return { program: p.id, total, offset, accounts };
  },
});

export const programQueries = {
  programs,
  program,
  methodology,
  roles,
  account,
  balance,
  quota,
  items,
  members,
};
