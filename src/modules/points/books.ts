import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import { holderValue, keys, numMapValue, parseHolder, Rec, readList, readNumMap } from './state.js';
import {
  type AccountClass,
  type Holder,
  type Lot,
  MAX_AMOUNT,
  MAX_LOTS,
  MONEY_CLASSES,
  type PeriodField,
  POINT_CLASSES,
  type Program,
} from './types.js';

/** What the books need from an operation's environment (the `Env` of the operation). */
export interface BooksStore {
  get(key: string): CborValue | undefined;
  set(key: string, value: CborValue): void;
  del(key: string): void;
  readonly height: number;
  readonly ts: number;
  readonly ctx: { readonly txHash: Uint8Array };
}

/** One balanced posting set as journaled. */
export interface JournalEntry {
  readonly n: number;
  readonly op: string;
  readonly ref: string;
  readonly period: number;
  readonly height: number;
  readonly ts: number;
  readonly tx: Uint8Array;
  /** [account, signed amount]; the amounts of each unit (points, money) sum to zero. */
  readonly entries: readonly (readonly [string, number])[];
}

export function journalValue(j: JournalEntry): CborMap {
  return {
    n: j.n,
    op: j.op,
    ref: j.ref,
    period: j.period,
    height: j.height,
    ts: j.ts,
    tx: j.tx,
    e: j.entries.map(([a, d]) => [a, d]),
  };
}

export function parseJournal(v: CborValue | undefined): JournalEntry {
  const r = Rec.of(v, 'journal entry');
  return {
    n: r.int('n'),
    op: r.str('op'),
    ref: r.str('ref'),
    period: r.int('period'),
    height: r.int('height'),
    ts: r.int('ts'),
    tx: r.bytes('tx'),
    entries: r.arr('e').map((x) => {
      if (!Array.isArray(x) || typeof x[0] !== 'string' || typeof x[1] !== 'number') {
        throw new GongzhiError('EXEC_INTERNAL', 'stored journal line is malformed');
      }
      return [x[0], x[1]] as const;
    }),
  };
}

/** Holders parsed once per stored value (values are never mutated). */
const parsedHolders = new WeakMap<object, Holder>();

const POINT_SET = new Set<string>(POINT_CLASSES);
const MONEY_SET = new Set<string>(MONEY_CLASSES);

/** The class of an account name (`user:gz…` → `user`). */
export function classOf(account: string): AccountClass {
  const i = account.indexOf(':');
  const c = i < 0 ? account : account.slice(0, i);
  if (!POINT_SET.has(c) && !MONEY_SET.has(c)) {
    throw new GongzhiError('EXEC_INTERNAL', `unknown account class ${c}`);
  }
  return c as AccountClass;
}

export function isMoneyAccount(account: string): boolean {
  return MONEY_SET.has(classOf(account));
}

/** Add two amounts, refusing to leave the safe integer range. */
export function add(a: number, b: number): number {
  const s = a + b;
  if (!Number.isSafeInteger(s)) throw new GongzhiError('POINTS_LIMIT', 'amount out of range');
  return s;
}

/** Points × value as money, or POINTS_BAD_AMOUNT when it exceeds the amount limit. */
export function moneyOf(p: Program, points: number): number {
  const m = points * p.value;
  if (!Number.isSafeInteger(m) || m > MAX_AMOUNT) {
    throw new GongzhiError('POINTS_BAD_AMOUNT', 'money value exceeds the amount limit', { points });
  }
  return m;
}

/** Whether a lot has expired at block `height` with timestamp `ts`. */
export function lotExpired(p: Program, l: Lot, height: number, ts: number): boolean {
  if (l.exp === 0) return false;
  return p.expiry.kind === 'blocks' ? height >= l.exp : ts >= l.exp;
}

/** A user's spendable position at the current block. */
export interface Position {
  readonly available: number;
  readonly expired: number;
  readonly debt: number;
}

/**
 * The double-entry books of one program during one operation. Every movement is a posting set
 * (`begin` … `end`) whose point amounts and money amounts each sum to zero; user and quota accounts
 * are kept as lots / sponsor buckets, every other account as a plain balance. Running totals per
 * account class and per-period aggregates are updated as postings happen, so reports and period
 * closing never scan the journal. Nothing reaches state before `flush`.
 */
export class Books {
  private readonly holders = new Map<string, Holder | undefined>();
  private readonly dirtyHolders = new Set<string>();
  private readonly quotas = new Map<string, Record<string, number>>();
  private readonly dirtyQuotas = new Set<string>();
  private readonly plain = new Map<string, number>();
  private readonly dirtyPlain = new Set<string>();
  private readonly totals: Record<string, number>;
  private pagg: Record<string, number> | undefined;
  private rolled = false;
  private readonly dagg = new Map<string, Record<string, number>>();
  private dlist: string[] | undefined;
  private pairs: string[] | undefined;
  private pairsDirty = false;
  private readonly journal: JournalEntry[] = [];
  private cur: { op: string; ref: string; entries: Map<string, number> } | undefined;

  constructor(
    private readonly store: BooksStore,
    readonly program: Program,
    readonly period: number,
  ) {
    this.totals = readNumMap(store.get(keys.totals(program.id)));
  }

  get id(): string {
    return this.program.id;
  }

  /** Running total of an account class (or a counter such as `members`, `debt`, `journal`). */
  total(name: string): number {
    return this.totals[name] ?? 0;
  }

  bumpTotal(name: string, delta: number): void {
    this.totals[name] = add(this.totals[name] ?? 0, delta);
  }

  // ---- lots ------------------------------------------------------------------------------

  /** Expiry stamp for a lot issued now. */
  expiryNow(): number {
    const e = this.program.expiry;
    if (e.kind === 'none') return 0;
    return e.kind === 'blocks' ? this.store.height + e.n : this.store.ts + e.n;
  }

  isExpired(l: Lot): boolean {
    return lotExpired(this.program, l, this.store.height, this.store.ts);
  }

  holder(account: string): Holder | undefined {
    if (this.holders.has(account)) return this.holders.get(account);
    const v = this.store.get(keys.holder(this.id, account));
    let h: Holder | undefined;
    if (typeof v === 'object' && v !== null) {
      h = parsedHolders.get(v) ?? parseHolder(v);
      parsedHolders.set(v, h);
    } else if (v !== undefined) h = parseHolder(v);
    this.holders.set(account, h);
    return h;
  }

  putHolder(account: string, h: Holder): void {
    this.holders.set(account, h);
    this.dirtyHolders.add(account);
  }

  private mustHolder(account: string): Holder {
    const h = this.holder(account);
    if (!h) throw new GongzhiError('EXEC_INTERNAL', 'holder missing', { account });
    return h;
  }

  position(account: string): Position {
    const h = this.holder(account);
    if (!h) return { available: 0, expired: 0, debt: 0 };
    let available = 0;
    let expired = 0;
    for (const l of h.lots) {
      if (this.isExpired(l)) expired += l.amount;
      else available += l.amount;
    }
    return { available, expired, debt: h.debt };
  }

  /**
   * Check that `account` can give up `amount` (oldest lots first; with `allowDebt`, down to
   * −debtLimit), then sweep its expired lots. POINTS_INSUFFICIENT_BALANCE / POINTS_LOT_EXPIRED /
   * POINTS_DEBT_LIMIT otherwise. Call outside a posting set; then `take` inside one.
   */
  prepareSpend(account: string, amount: number, allowDebt: boolean): void {
    const pos = this.position(account);
    const room = allowDebt ? Math.max(0, this.program.debtLimit - pos.debt) : 0;
    if (pos.available + room < amount) {
      const details = {
        program: this.id,
        account,
        amount,
        available: pos.available,
        expired: pos.expired,
        debt: pos.debt,
      };
      if (pos.available + pos.expired + room >= amount) {
        throw new GongzhiError('POINTS_LOT_EXPIRED', 'the lots that would cover this have expired', details);
      }
      if (allowDebt && this.program.debtLimit > 0) {
        throw new GongzhiError('POINTS_DEBT_LIMIT', 'this would exceed the debt limit', {
          ...details,
          debtLimit: this.program.debtLimit,
        });
      }
      throw new GongzhiError('POINTS_INSUFFICIENT_BALANCE', 'insufficient balance', details);
    }
    this.sweep(account);
  }

  /** Move the account's expired lots to `expired` (breakage returns the backing to the sponsor pool). */
  sweep(account: string): number {
    const h = this.holder(account);
    if (!h) return 0;
    const gone = h.lots.filter((l) => this.isExpired(l));
    if (gone.length === 0) return 0;
    this.begin('expire', account);
    const total = gone.reduce((s, l) => s + l.amount, 0);
    this.putHolder(account, { ...h, lots: h.lots.filter((l) => !this.isExpired(l)) });
    this.entry(`user:${account}`, -total);
    this.postPlain('expired', total);
    const money = this.releaseBacking(gone, (s) => `pool:${s}`);
    this.agg('expired', total);
    this.agg('breakageMoney', money);
    this.end();
    return total;
  }

  /** Take `amount` from the account, oldest lots first; a shortfall (only if prepared with debt) becomes debt. */
  take(account: string, amount: number): Lot[] {
    const h = this.mustHolder(account);
    const pieces: Lot[] = [];
    const keep: Lot[] = [];
    let left = amount;
    for (const l of h.lots) {
      if (left === 0 || this.isExpired(l)) {
        keep.push(l);
        continue;
      }
      const n = Math.min(left, l.amount);
      pieces.push({ ...l, amount: n });
      if (n < l.amount) keep.push({ ...l, amount: l.amount - n });
      left -= n;
    }
    let debt = h.debt;
    if (left > 0) {
      debt += left;
      if (debt > this.program.debtLimit) {
        throw new GongzhiError('EXEC_INTERNAL', 'take beyond the prepared debt limit', { account });
      }
      pieces.push({
        amount: left,
        ts: this.store.ts,
        height: this.store.height,
        exp: this.expiryNow(),
        sponsor: '',
      });
      this.bumpTotal('debt', left);
    }
    this.putHolder(account, { ...h, lots: keep, debt });
    this.entry(`user:${account}`, -amount);
    return pieces;
  }

  /** Give lots to a member: repay debt first, then insert lots by issue time (merging like lots). */
  give(account: string, pieces: readonly Lot[]): void {
    const h = this.mustHolder(account);
    let total = 0;
    let debt = h.debt;
    const lots = [...h.lots];
    for (const p of pieces) {
      total += p.amount;
      let amount = p.amount;
      if (debt > 0) {
        const r = Math.min(debt, amount);
        debt -= r;
        amount -= r;
        this.bumpTotal('debt', -r);
      }
      if (amount > 0) insertLot(lots, { ...p, amount });
    }
    if (lots.length > MAX_LOTS) {
      throw new GongzhiError('POINTS_LIMIT', `an account holds at most ${MAX_LOTS} lots`, { account });
    }
    this.putHolder(account, { ...h, lots, debt });
    this.entry(`user:${account}`, total);
  }

  /** A fresh lot issued now. */
  freshLot(amount: number, sponsor: string): Lot {
    return { amount, ts: this.store.ts, height: this.store.height, exp: this.expiryNow(), sponsor };
  }

  // ---- distributor quota -------------------------------------------------------------------

  quota(distributor: string): Readonly<Record<string, number>> {
    let q = this.quotas.get(distributor);
    if (!q) {
      q = readNumMap(this.store.get(keys.quota(this.id, distributor)));
      this.quotas.set(distributor, q);
    }
    return q;
  }

  quotaTotal(distributor: string): number {
    return Object.values(this.quota(distributor)).reduce((s, x) => s + x, 0);
  }

  /** Add (or remove, negative) quota backed by `sponsor`. */
  changeQuota(distributor: string, sponsor: string, delta: number): void {
    const q = { ...this.quota(distributor) };
    const next = add(q[sponsor] ?? 0, delta);
    if (next < 0) throw new GongzhiError('EXEC_INTERNAL', 'negative quota bucket');
    q[sponsor] = next;
    this.quotas.set(distributor, q);
    this.dirtyQuotas.add(distributor);
    this.entry(`quota:${distributor}`, delta);
  }

  /**
   * Take `amount` of quota as fresh lots: from the `only` sponsor's bucket, or from the sponsor
   * buckets in key order. POINTS_OVER_QUOTA when short.
   */
  takeQuota(distributor: string, amount: number, only?: string): Lot[] {
    const have = only === undefined ? this.quotaTotal(distributor) : (this.quota(distributor)[only] ?? 0);
    if (have < amount) {
      throw new GongzhiError('POINTS_OVER_QUOTA', 'the award exceeds the distributor’s quota', {
        program: this.id,
        distributor,
        amount,
        quota: have,
        ...(only === undefined ? {} : { sponsor: only }),
      });
    }
    const q = this.quota(distributor);
    const pieces: Lot[] = [];
    let left = amount;
    for (const s of only === undefined ? Object.keys(q).sort() : [only]) {
      if (left === 0) break;
      const n = Math.min(left, q[s] ?? 0);
      if (n === 0) continue;
      this.changeQuota(distributor, s, -n);
      pieces.push(this.freshLot(n, s));
      left -= n;
    }
    return pieces;
  }

  // ---- plain accounts and money ------------------------------------------------------------

  balance(account: string): number {
    const cached = this.plain.get(account);
    if (cached !== undefined) return cached;
    const v = this.store.get(keys.balance(this.id, account));
    const b = typeof v === 'number' ? v : 0;
    this.plain.set(account, b);
    return b;
  }

  postPlain(account: string, delta: number): void {
    if (delta === 0) return;
    this.plain.set(account, add(this.balance(account), delta));
    this.dirtyPlain.add(account);
    this.entry(account, delta);
    if (account.startsWith('payable:')) {
      const pairs = this.pairList();
      if (!pairs.includes(account)) {
        pairs.push(account);
        this.pairsDirty = true;
      }
    }
  }

  /** Reserve the backing of `points` from the sponsor's pool. POINTS_INSUFFICIENT_FUNDS when short. */
  reserve(sponsor: string, points: number): number {
    const m = moneyOf(this.program, points);
    if (m === 0) return 0;
    const pool = this.balance(`pool:${sponsor}`);
    if (pool < m) {
      throw new GongzhiError('POINTS_INSUFFICIENT_FUNDS', 'the sponsor’s pool cannot back these points', {
        program: this.id,
        sponsor,
        needed: m,
        pool,
      });
    }
    this.postPlain(`pool:${sponsor}`, -m);
    this.postPlain(`reserve:${sponsor}`, m);
    return m;
  }

  /** Release the backing of lots from each sponsor's reserve to `to(sponsor)`; returns the money moved. */
  releaseBacking(pieces: readonly Lot[], to: (sponsor: string) => string): number {
    if (this.program.value === 0) return 0;
    const bySponsor = new Map<string, number>();
    for (const p of pieces) bySponsor.set(p.sponsor, (bySponsor.get(p.sponsor) ?? 0) + p.amount);
    let total = 0;
    for (const [s, pts] of [...bySponsor].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const m = moneyOf(this.program, pts);
      this.postPlain(`reserve:${s}`, -m);
      this.postPlain(to(s), m);
      total += m;
    }
    return total;
  }

  pairList(): string[] {
    if (!this.pairs) this.pairs = [...readList(this.store.get(keys.pairs(this.id)))];
    return this.pairs;
  }

  /** Forget the payable pairs (after a period close moved them all to `paid`). */
  clearPairs(): void {
    this.pairs = [];
    this.pairsDirty = true;
  }

  // ---- posting sets --------------------------------------------------------------------------

  begin(op: string, ref = ''): void {
    if (this.cur) throw new GongzhiError('EXEC_INTERNAL', 'nested posting set', { op });
    this.cur = { op, ref, entries: new Map() };
  }

  private entry(account: string, delta: number): void {
    if (!this.cur) throw new GongzhiError('EXEC_INTERNAL', 'posting outside a posting set', { account });
    if (delta === 0) return;
    classOf(account);
    this.cur.entries.set(account, add(this.cur.entries.get(account) ?? 0, delta));
  }

  /** Close the posting set: both units must sum to zero (else EXEC_INTERNAL: a bug, nothing is written). */
  end(): void {
    const cur = this.cur;
    if (!cur) throw new GongzhiError('EXEC_INTERNAL', 'no open posting set');
    this.cur = undefined;
    const lines = [...cur.entries].filter(([, d]) => d !== 0);
    if (lines.length === 0) return;
    let points = 0;
    let money = 0;
    for (const [account, d] of lines) {
      const c = classOf(account);
      if (MONEY_SET.has(c)) money += d;
      else points += d;
      this.bumpTotal(c, d);
    }
    if (points !== 0 || money !== 0) {
      throw new GongzhiError('EXEC_INTERNAL', 'unbalanced posting set', { op: cur.op, points, money });
    }
    const n = this.total('journal');
    this.journal.push({
      n,
      op: cur.op,
      ref: cur.ref,
      period: this.period,
      height: this.store.height,
      ts: this.store.ts,
      tx: this.store.ctx.txHash,
      entries: lines,
    });
    this.bumpTotal('journal', 1);
    this.agg('postings', 1);
    this.agg('lines', lines.length);
  }

  // ---- aggregates --------------------------------------------------------------------------

  /**
   * The running aggregate of the open period. It lives inside the totals record (fields `p:<name>`,
   * with `p:n` the period number) so that an operation writes one aggregate key, not two; closing the
   * period copies it to `pagg/<program>/<n>` and starts afresh (`rollPeriod`).
   */
  periodAgg(): Record<string, number> {
    if (!this.pagg) this.pagg = periodFields(this.totals, this.period);
    return this.pagg;
  }

  /** Snapshot the open period's aggregate under `pagg/<program>/<n>` and start the next period empty. */
  rollPeriod(): Record<string, number> {
    const snapshot = { ...this.periodAgg() };
    this.store.set(keys.periodAgg(this.id, this.period), numMapValue(snapshot));
    this.pagg = {};
    this.rolled = true;
    return snapshot;
  }

  agg(field: PeriodField, delta: number): void {
    if (delta === 0) return;
    const a = this.periodAgg();
    a[field] = add(a[field] ?? 0, delta);
  }

  distList(): string[] {
    if (!this.dlist) this.dlist = [...readList(this.store.get(keys.distList(this.id, this.period)))];
    return this.dlist;
  }

  /** Per-distributor running aggregate of this period (claims, quantities per kind, awarded…). */
  distAgg(distributor: string, field: string, delta: number): void {
    let a = this.dagg.get(distributor);
    if (!a) {
      a = readNumMap(this.store.get(keys.distAgg(this.id, this.period, distributor)));
      this.dagg.set(distributor, a);
      const list = this.distList();
      if (!list.includes(distributor)) list.push(distributor);
    }
    a[field] = add(a[field] ?? 0, delta);
  }

  /** Write all changes into the operation's buffer. */
  flush(): void {
    if (this.cur) throw new GongzhiError('EXEC_INTERNAL', 'flush with an open posting set');
    for (const a of this.dirtyHolders) {
      const h = this.holders.get(a);
      if (h) this.store.set(keys.holder(this.id, a), holderValue(h));
    }
    for (const d of this.dirtyQuotas) {
      const q = numMapValue(this.quotas.get(d) ?? {});
      if (Object.keys(q).length === 0) this.store.del(keys.quota(this.id, d));
      else this.store.set(keys.quota(this.id, d), q);
    }
    for (const a of this.dirtyPlain) {
      const b = this.plain.get(a) ?? 0;
      if (b === 0) this.store.del(keys.balance(this.id, a));
      else this.store.set(keys.balance(this.id, a), b);
    }
    if (this.pairsDirty) this.store.set(keys.pairs(this.id), [...(this.pairs ?? [])]);
    for (const j of this.journal) this.store.set(keys.journal(this.id, j.n), journalValue(j));
    this.totals.lastTs = this.store.ts;
    this.totals.lastHeight = this.store.height;
    if (this.pagg) {
      for (const k of Object.keys(this.totals)) if (k.startsWith(PERIOD_PREFIX)) delete this.totals[k];
      for (const [k, v] of Object.entries(this.pagg)) this.totals[`${PERIOD_PREFIX}${k}`] = v;
      this.totals[`${PERIOD_PREFIX}n`] = this.rolled ? this.period + 1 : this.period;
    }
    this.store.set(keys.totals(this.id), numMapValue(this.totals));
    for (const [d, a] of this.dagg) {
      this.store.set(keys.distAgg(this.id, this.period, d), numMapValue(a));
    }
    if (this.dlist && this.dagg.size > 0)
      this.store.set(keys.distList(this.id, this.period), [...this.dlist]);
  }
}

/** Prefix of the open period's aggregate fields inside the totals record. */
export const PERIOD_PREFIX = 'p:';

/** The open period's aggregate held in a totals record (empty if it belongs to another period). */
export function periodFields(
  totals: Readonly<Record<string, number>>,
  period: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  if ((totals[`${PERIOD_PREFIX}n`] ?? period) !== period) return out;
  for (const [k, v] of Object.entries(totals)) {
    if (k.startsWith(PERIOD_PREFIX) && k !== `${PERIOD_PREFIX}n`) out[k.slice(PERIOD_PREFIX.length)] = v;
  }
  return out;
}

/** Insert a lot keeping issue order (ts, height); merge with its predecessor when expiry and sponsor match. */
function insertLot(lots: Lot[], l: Lot): void {
  let i = lots.length;
  while (i > 0) {
    const prev = lots[i - 1] as Lot;
    if (prev.ts < l.ts || (prev.ts === l.ts && prev.height <= l.height)) break;
    i--;
  }
  const prev = i > 0 ? lots[i - 1] : undefined;
  if (prev && prev.exp === l.exp && prev.sponsor === l.sponsor) {
    lots[i - 1] = { ...prev, amount: prev.amount + l.amount };
    return;
  }
  lots.splice(i, 0, l);
}
