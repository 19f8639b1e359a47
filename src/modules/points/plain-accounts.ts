import { GongzhiError } from '../../errors/index.js';
import { stringListCodec } from '../../execution/index.js';
import { add, moneyOf } from './accounting.js';
import type { PendingState } from './effects.js';
import type { Journal } from './journal.js';
import { keys } from './keys.js';
import { balanceCodec } from './num-map.js';
import type { Lot, Program } from './types.js';

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Part of the books: every account that is a plain balance (`bal/<program>/<account>`) — issuance,
 * redeemed, expired, donated, exchange and cash-out in points; funding, sponsor pools and reserves,
 * payables and paid in money — and the list of payable pairs a period close settles.
 */
export class PlainAccounts {
  private readonly balances = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private pairs: string[] | undefined;
  private pairsDirty = false;

  constructor(
    private readonly store: PendingState,
    private readonly program: Program,
    private readonly journal: Journal,
  ) {}

  balance(account: string): number {
    const cached = this.balances.get(account);
    if (cached !== undefined) return cached;
    const b = this.store.read(keys.balance(this.program.id, account), balanceCodec) ?? 0;
    this.balances.set(account, b);
    return b;
  }

  /** Post `delta` to a plain account in the open posting set. */
  post(account: string, delta: number): void {
    if (delta === 0) return;
    this.balances.set(account, add(this.balance(account), delta));
    this.dirty.add(account);
    this.journal.post(account, delta);
    if (account.startsWith('payable:')) {
      const pairs = this.pairList();
      if (!pairs.includes(account)) {
        pairs.push(account);
        this.pairsDirty = true;
      }
    }
  }

  /** Reserve the backing of `points` from the sponsor's pool. POINTS_INSUFFICIENT_FUNDS when short. */
  /** POINTS_FROZEN if a supervisor froze `account` in this program (it neither backs nor is paid). */
  private requireNotFrozen(account: string, as: string): void {
    if (this.store.has(keys.frozen(this.program.id, account))) {
      throw new GongzhiError('POINTS_FROZEN', `${as} ${account} is frozen in program ${this.program.id}`, {
        program: this.program.id,
        account,
      });
    }
  }

  reserve(sponsor: string, points: number): number {
    const m = moneyOf(this.program, points);
    if (m === 0) return 0;
    this.requireNotFrozen(sponsor, 'sponsor');
    const pool = this.balance(`pool:${sponsor}`);
    if (pool < m) {
      throw new GongzhiError('POINTS_INSUFFICIENT_FUNDS', 'the sponsor’s pool cannot back these points', {
        program: this.program.id,
        sponsor,
        needed: m,
        pool,
      });
    }
    this.post(`pool:${sponsor}`, -m);
    this.post(`reserve:${sponsor}`, m);
    return m;
  }

  /**
   * Release the backing of lots from each sponsor's reserve to `to(sponsor)`; returns the money
   * moved. `checkFrozen` false: a payable may accrue to or from a frozen party (breakage), the
   * close holds it. `out` collects the money per target account (what a member's spending made
   * payable, payable-holds.ts).
   */
  releaseBacking(
    pieces: readonly Lot[],
    to: (sponsor: string) => string,
    checkFrozen = true,
    out?: Map<string, number>,
  ): number {
    if (this.program.value === 0) return 0;
    const bySponsor = new Map<string, number>();
    for (const p of pieces) bySponsor.set(p.sponsor, (bySponsor.get(p.sponsor) ?? 0) + p.amount);
    let total = 0;
    for (const [s, pts] of [...bySponsor].sort(([a], [b]) => cmp(a, b))) {
      const target = to(s);
      // spending a frozen sponsor's reserve, or paying a frozen party, waits for the supervisor;
      // breakage back to the sponsor's own pool does not
      if (checkFrozen && target.startsWith('payable:')) {
        this.requireNotFrozen(s, 'sponsor');
        this.requireNotFrozen(target.split(':')[2] ?? '', 'payee');
      }
      const m = moneyOf(this.program, pts);
      this.post(`reserve:${s}`, -m);
      this.post(target, m);
      if (out && m > 0) out.set(target, (out.get(target) ?? 0) + m);
      total += m;
    }
    return total;
  }

  /** The payable accounts (`payable:<payer>:<payee>`) that received money since the last close. */
  pairList(): string[] {
    if (!this.pairs) this.pairs = [...(this.store.read(keys.pairs(this.program.id), stringListCodec) ?? [])];
    return this.pairs;
  }

  /** Forget the payable pairs (after a period close moved them to `paid`), keeping the `held` ones. */
  clearPairs(held: readonly string[] = []): void {
    this.pairs = [...held];
    this.pairsDirty = true;
  }

  /** Write the changed balances (a zero balance is deleted) and the pair list. */
  flush(): void {
    for (const a of this.dirty) {
      const b = this.balances.get(a) ?? 0;
      const key = keys.balance(this.program.id, a);
      if (b === 0) this.store.delete(key);
      else this.store.write(key, balanceCodec, b);
    }
    if (this.pairsDirty)
      this.store.write(keys.pairs(this.program.id), stringListCodec, [...(this.pairs ?? [])]);
  }
}
