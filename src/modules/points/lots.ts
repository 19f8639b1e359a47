import { GongzhiError } from '../../errors/index.js';
import { postBreakage } from './breakage.js';
import type { PendingState } from './effects.js';
import { holderCodec } from './holder.js';
import type { Journal } from './journal.js';
import { keys } from './keys.js';
import type { PeriodAggregates } from './period-aggregates.js';
import type { PlainAccounts } from './plain-accounts.js';
import type { Totals } from './totals.js';
import { type Holder, type Lot, MAX_LOTS, type Program } from './types.js';

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
 * Insert a lot keeping strict issue order (ts, height; arrival order among equals). It merges only
 * with a predecessor issued in the same block with the same expiry and sponsor: merging a later
 * lot into an older one would give its points the older issue time, so points issued later would
 * be spent before ones issued earlier but received later — and the wrong sponsor would pay.
 */
function insertLot(lots: Lot[], l: Lot): void {
  let i = lots.length;
  while (i > 0) {
    const prev = lots[i - 1] as Lot;
    if (prev.ts < l.ts || (prev.ts === l.ts && prev.height <= l.height)) break;
    i--;
  }
  const prev = i > 0 ? lots[i - 1] : undefined;
  if (
    prev &&
    prev.ts === l.ts &&
    prev.height === l.height &&
    prev.exp === l.exp &&
    prev.sponsor === l.sponsor
  ) {
    lots[i - 1] = { ...prev, amount: prev.amount + l.amount };
    return;
  }
  lots.splice(i, 0, l);
}

/**
 * Part of the books: members' holdings (`user/<program>/<account>`) as lots with issue time, expiry
 * and backing sponsor, spent oldest first; a shortfall within the debt limit becomes debt (mutual
 * credit), repaid first by what arrives later.
 */
export class Lots {
  private readonly holders = new Map<string, Holder | undefined>();
  private readonly dirty = new Set<string>();

  constructor(
    private readonly store: PendingState,
    private readonly program: Program,
    private readonly totals: Totals,
    private readonly journal: Journal,
    private readonly accounts: PlainAccounts,
    private readonly aggregates: PeriodAggregates,
  ) {}

  /** Expiry stamp for a lot issued now. */
  expiryNow(): number {
    const e = this.program.expiry;
    if (e.kind === 'none') return 0;
    return e.kind === 'blocks' ? this.store.height + e.n : this.store.ts + e.n;
  }

  isExpired(l: Lot): boolean {
    return lotExpired(this.program, l, this.store.height, this.store.ts);
  }

  /** A fresh lot issued now. */
  fresh(amount: number, sponsor: string): Lot {
    return { amount, ts: this.store.ts, height: this.store.height, exp: this.expiryNow(), sponsor };
  }

  holder(account: string): Holder | undefined {
    if (this.holders.has(account)) return this.holders.get(account);
    const h = this.store.read(keys.holder(this.program.id, account), holderCodec);
    this.holders.set(account, h);
    return h;
  }

  putHolder(account: string, h: Holder): void {
    this.holders.set(account, h);
    this.dirty.add(account);
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
    const p = this.program;
    const room = allowDebt ? Math.max(0, p.debtLimit - pos.debt) : 0;
    const held = this.holder(account)?.held ?? 0;
    if (held > 0 && pos.available + room >= amount && Math.max(0, pos.available - held) + room < amount) {
      throw new GongzhiError('POINTS_HELD', 'points under an open dispute are held until it is decided', {
        program: p.id,
        account,
        amount,
        available: pos.available,
        held,
      });
    }
    if (pos.available + room < amount) {
      const details = {
        program: p.id,
        account,
        amount,
        available: pos.available,
        expired: pos.expired,
        debt: pos.debt,
      };
      if (pos.available + pos.expired + room >= amount) {
        throw new GongzhiError('POINTS_LOT_EXPIRED', 'the lots that would cover this have expired', details);
      }
      if (allowDebt && p.debtLimit > 0) {
        throw new GongzhiError('POINTS_DEBT_LIMIT', 'this would exceed the debt limit', {
          ...details,
          debtLimit: p.debtLimit,
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
    this.journal.begin('expire', account);
    const total = gone.reduce((s, l) => s + l.amount, 0);
    this.putHolder(account, { ...h, lots: h.lots.filter((l) => !this.isExpired(l)) });
    this.journal.post(`user:${account}`, -total);
    const money = postBreakage(this.store, this.program, this.accounts, this.aggregates, gone);
    this.aggregates.add('expired', total);
    this.aggregates.add('breakageMoney', money);
    this.aggregates.addForArea(h.area, 'expired', total);
    this.journal.end();
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
      pieces.push(this.fresh(left, ''));
      this.totals.bump('debt', left);
    }
    this.putHolder(account, { ...h, lots: keep, debt });
    this.journal.post(`user:${account}`, -amount);
    return pieces;
  }

  /** Give lots to a member: repay debt first, then insert lots by issue time (merging like lots). */
  give(account: string, pieces: readonly Lot[]): void {
    const h = this.mustHolder(account);
    let total = 0;
    let debt = h.debt;
    let owed = h.owed;
    const repaid: Lot[] = [];
    const lots = [...h.lots];
    for (const p of pieces) {
      total += p.amount;
      let amount = p.amount;
      if (debt > 0) {
        const r = Math.min(debt, amount);
        debt -= r;
        amount -= r;
        this.totals.bump('debt', -r);
      }
      if (owed > 0 && amount > 0) {
        // a claw-back's recorded debt: the points that repay it are gone, so is their backing
        const r = Math.min(owed, amount);
        owed -= r;
        amount -= r;
        repaid.push({ ...p, amount: r });
      }
      if (amount > 0) insertLot(lots, { ...p, amount });
    }
    if (lots.length > MAX_LOTS) {
      throw new GongzhiError('POINTS_LIMIT', `an account holds at most ${MAX_LOTS} lots`, { account });
    }
    this.putHolder(account, { ...h, lots, debt, owed });
    this.journal.post(`user:${account}`, total);
    if (repaid.length > 0) this.repayOwed(repaid);
  }

  /** Book what repaid a claw-back debt: its backing returns to each sponsor's pool. */
  private repayOwed(repaid: readonly Lot[]): void {
    const r = repaid.reduce((s, l) => s + l.amount, 0);
    this.totals.bump('owed', -r);
    this.aggregates.add('clawRepaid', r);
    this.accounts.releaseBacking(
      repaid.filter((l) => l.sponsor !== ''),
      (s) => `pool:${s}`,
      false,
    );
  }

  /** Write the changed holders. */
  flush(): void {
    for (const a of this.dirty) {
      const h = this.holders.get(a);
      if (h) this.store.write(keys.holder(this.program.id, a), holderCodec, h);
    }
  }
}
