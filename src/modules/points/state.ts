import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { stateKey } from '../../execution/index.js';
import { type CborMap, isMap } from '../../ledger/index.js';
import {
  type Cause,
  type ExpiryPolicy,
  type Holder,
  type Lot,
  MODULE,
  type Program,
  TRANSFER_POLICIES,
  type TransferPolicy,
} from './types.js';

/** State keys of the module (all under `points/`). */
export const keys = {
  programs: () => stateKey(MODULE, 'programs'),
  program: (id: string) => stateKey(MODULE, 'program', id),
  methodology: (program: string, version: number) => stateKey(MODULE, 'meth', program, String(version)),
  role: (program: string, role: string, account: string) => stateKey(MODULE, 'role', program, role, account),
  frozen: (program: string, account: string) => stateKey(MODULE, 'frozen', program, account),
  holder: (program: string, account: string) => stateKey(MODULE, 'user', program, account),
  member: (program: string, index: number) => stateKey(MODULE, 'member', program, String(index)),
  relation: (program: string, from: string, to: string) => stateKey(MODULE, 'rel', program, from, to),
  quota: (program: string, distributor: string) => stateKey(MODULE, 'quota', program, distributor),
  balance: (program: string, account: string) => stateKey(MODULE, 'bal', program, account),
  totals: (program: string) => stateKey(MODULE, 'totals', program),
  journal: (program: string, n: number) => stateKey(MODULE, 'journal', program, String(n)),
  periodAgg: (program: string, period: number) => stateKey(MODULE, 'pagg', program, String(period)),
  distAgg: (program: string, period: number, distributor: string) =>
    stateKey(MODULE, 'dagg', program, String(period), distributor),
  distList: (program: string, period: number) => stateKey(MODULE, 'dlist', program, String(period)),
  pairs: (program: string) => stateKey(MODULE, 'pairs', program),
  claim: (program: string, idHex: string) => stateKey(MODULE, 'claim', program, idHex),
  highWater: (program: string, kind: string, deviceHex: string) =>
    stateKey(MODULE, 'hwm', program, kind, deviceHex),
  item: (program: string, platform: string, item: string) =>
    stateKey(MODULE, 'item', program, platform, item),
  itemList: (program: string) => stateKey(MODULE, 'items', program),
  service: (program: string, idHex: string) => stateKey(MODULE, 'svc', program, idHex),
  agreement: (id: string) => stateKey(MODULE, 'xchg', id),
  book: (bookId: string) => stateKey(MODULE, 'book', bookId),
  period: (bookId: string, n: number) => stateKey(MODULE, 'period', bookId, String(n)),
  statement: (digestHex: string) => stateKey(MODULE, 'stmt', digestHex),
};

/** A book: the programs one clearing provider settles in one currency, with its open period. */
export function bookIdOf(p: { readonly currency: string; readonly clearing: string }): string {
  return `${p.currency}@${p.clearing}`;
}

/** Strict reader of a record this module stored; anything malformed is a bug (EXEC_INTERNAL). */
export class Rec {
  private constructor(
    readonly m: CborMap,
    private readonly what: string,
  ) {}

  static of(v: CborValue | undefined, what: string): Rec {
    if (!isMap(v)) throw new GongzhiError('EXEC_INTERNAL', `stored ${what} is not a map`);
    return new Rec(v, what);
  }

  private bad(f: string): never {
    throw new GongzhiError('EXEC_INTERNAL', `stored ${this.what}.${f} is malformed`, { field: f });
  }

  has(f: string): boolean {
    return Object.hasOwn(this.m, f);
  }

  int(f: string): number {
    const v = this.m[f];
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) this.bad(f);
    return v;
  }

  str(f: string): string {
    const v = this.m[f];
    if (typeof v !== 'string') this.bad(f);
    return v;
  }

  bool(f: string): boolean {
    const v = this.m[f];
    if (typeof v !== 'boolean') this.bad(f);
    return v;
  }

  bytes(f: string): Uint8Array {
    const v = this.m[f];
    if (!(v instanceof Uint8Array)) this.bad(f);
    return v;
  }

  arr(f: string): readonly CborValue[] {
    const v = this.m[f];
    if (!Array.isArray(v)) this.bad(f);
    return v as readonly CborValue[];
  }

  map(f: string): CborMap {
    const v = this.m[f];
    if (!isMap(v)) this.bad(f);
    return v;
  }

  strs(f: string): string[] {
    return this.arr(f).map((x) => {
      if (typeof x !== 'string') this.bad(f);
      return x;
    });
  }
}

/** A map of integers (totals, aggregates, quota buckets). */
export function readNumMap(v: CborValue | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (v === undefined) return out;
  if (!isMap(v)) throw new GongzhiError('EXEC_INTERNAL', 'stored number map is not a map');
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'number' || !Number.isSafeInteger(x)) {
      throw new GongzhiError('EXEC_INTERNAL', 'stored number map holds a non-integer', { field: k });
    }
    out[k] = x;
  }
  return out;
}

/** The map without zero entries (what is stored). */
export function numMapValue(m: Readonly<Record<string, number>>): CborMap {
  const out: Record<string, CborValue> = {};
  for (const k of Object.keys(m).sort()) {
    const v = m[k] as number;
    if (v !== 0) out[k] = v;
  }
  return out;
}

export function expiryValue(e: ExpiryPolicy): CborMap {
  return e.kind === 'none' ? { kind: 'none' } : { kind: e.kind, n: e.n };
}

function parseExpiry(v: CborValue | undefined): ExpiryPolicy {
  const r = Rec.of(v, 'expiry');
  const kind = r.str('kind');
  if (kind === 'none') return { kind };
  if (kind === 'blocks' || kind === 'duration') return { kind, n: r.int('n') };
  throw new GongzhiError('EXEC_INTERNAL', 'stored expiry kind is unknown', { kind });
}

export function causeValue(c: Cause): CborMap {
  return { id: c.id, beneficiary: c.beneficiary, pot: c.pot };
}

export function programValue(p: Program): CborMap {
  return {
    id: p.id,
    name: p.name,
    issuer: p.issuer,
    status: p.status,
    frozen: p.frozen,
    createdAt: p.createdAt,
    approvedAt: p.approvedAt,
    approvedBy: p.approvedBy,
    unit: p.unit,
    precision: p.precision,
    currency: p.currency,
    value: p.value,
    clearing: p.clearing,
    expiry: expiryValue(p.expiry),
    transfer: p.transfer,
    closedLoop: p.closedLoop,
    claimWindowMs: p.claimWindowMs,
    activeFrom: p.activeFrom,
    activeUntil: p.activeUntil,
    capPerWindow: p.capPerWindow,
    capWindowMs: p.capWindowMs,
    capTotal: p.capTotal,
    debtLimit: p.debtLimit,
    causes: p.causes.map(causeValue),
    methodology: p.methodology,
    latestMethodology: p.latestMethodology,
  };
}

export function parseProgram(v: CborValue | undefined): Program {
  const r = Rec.of(v, 'program');
  const status = r.str('status');
  const transfer = r.str('transfer');
  if ((status !== 'pending' && status !== 'active') || !TRANSFER_POLICIES.includes(transfer as never)) {
    throw new GongzhiError('EXEC_INTERNAL', 'stored program has an unknown status or policy');
  }
  return {
    id: r.str('id'),
    name: r.str('name'),
    issuer: r.str('issuer'),
    status,
    frozen: r.bool('frozen'),
    createdAt: r.int('createdAt'),
    approvedAt: r.int('approvedAt'),
    approvedBy: r.str('approvedBy'),
    unit: r.str('unit'),
    precision: r.int('precision'),
    currency: r.str('currency'),
    value: r.int('value'),
    clearing: r.str('clearing'),
    expiry: parseExpiry(r.m.expiry),
    transfer: transfer as TransferPolicy,
    closedLoop: r.bool('closedLoop'),
    claimWindowMs: r.int('claimWindowMs'),
    activeFrom: r.int('activeFrom'),
    activeUntil: r.int('activeUntil'),
    capPerWindow: r.int('capPerWindow'),
    capWindowMs: r.int('capWindowMs'),
    capTotal: r.int('capTotal'),
    debtLimit: r.int('debtLimit'),
    causes: r.arr('causes').map((c) => {
      const cr = Rec.of(c, 'cause');
      return { id: cr.str('id'), beneficiary: cr.str('beneficiary'), pot: cr.bool('pot') };
    }),
    methodology: r.int('methodology'),
    latestMethodology: r.int('latestMethodology'),
  };
}

export function lotValue(l: Lot): CborValue {
  return [l.amount, l.ts, l.height, l.exp, l.sponsor];
}

function parseLot(v: CborValue): Lot {
  if (
    !Array.isArray(v) ||
    v.length !== 5 ||
    typeof v[0] !== 'number' ||
    typeof v[1] !== 'number' ||
    typeof v[2] !== 'number' ||
    typeof v[3] !== 'number' ||
    typeof v[4] !== 'string'
  ) {
    throw new GongzhiError('EXEC_INTERNAL', 'stored lot is malformed');
  }
  return { amount: v[0], ts: v[1], height: v[2], exp: v[3], sponsor: v[4] };
}

export function holderValue(h: Holder): CborMap {
  return {
    joined: h.joined,
    consent: h.consent,
    member: h.member,
    lots: h.lots.map(lotValue),
    debt: h.debt,
    capBucket: h.capBucket,
    capUsed: h.capUsed,
    awarded: h.awarded,
  };
}

export function parseHolder(v: CborValue | undefined): Holder {
  const r = Rec.of(v, 'holder');
  return {
    joined: r.int('joined'),
    consent: r.bytes('consent'),
    member: r.bool('member'),
    lots: r.arr('lots').map(parseLot),
    debt: r.int('debt'),
    capBucket: r.int('capBucket'),
    capUsed: r.int('capUsed'),
    awarded: r.int('awarded'),
  };
}

/** Σ lots − debt. */
export function holderBalance(h: Holder): number {
  let s = 0;
  for (const l of h.lots) s += l.amount;
  return s - h.debt;
}

/** Stored string list. */
export function readList(v: CborValue | undefined): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new GongzhiError('EXEC_INTERNAL', 'stored list is malformed');
  }
  return v as string[];
}
