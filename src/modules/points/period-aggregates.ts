import { stringListCodec } from '../../execution/index.js';
import { add } from './accounting.js';
import type { PendingState } from './effects.js';
import { keys } from './keys.js';
import { numMapCodec } from './num-map.js';
import type { OpenPeriod, Totals } from './totals.js';
import type { PeriodField } from './types.js';

/**
 * Part of the books: the running aggregates of the open period — the program's (kept inside the
 * totals record) and each distributor's (`dagg/<program>/<n>/<distributor>`, listed in
 * `dlist/<program>/<n>`) — updated as postings happen, so reports and period closing never scan the
 * journal. Closing the period snapshots the program's aggregate under `pagg/<program>/<n>`.
 */
export class PeriodAggregates {
  private open: Record<string, number> | undefined;
  private rolled = false;
  private readonly byDistributor = new Map<string, Record<string, number>>();
  private distributorList: string[] | undefined;
  private readonly byArea = new Map<string, Record<string, number>>();

  constructor(
    private readonly store: PendingState,
    private readonly program: string,
    readonly period: number,
    private readonly totals: Totals,
  ) {}

  /** The open period's aggregate. */
  current(): Record<string, number> {
    if (!this.open) this.open = this.totals.openPeriod(this.period);
    return this.open;
  }

  /** `r:<version>`: the period's reduction (g CO2e) measured by one methodology version (units.ts). */
  add(field: PeriodField | `r:${number}`, delta: number): void {
    if (delta === 0) return;
    const a = this.current();
    a[field] = add(a[field] ?? 0, delta);
  }

  /** Snapshot the open period's aggregate under `pagg/<program>/<n>` and start the next period empty. */
  roll(): Record<string, number> {
    const snapshot = { ...this.current() };
    this.store.write(keys.periodAgg(this.program, this.period), numMapCodec, snapshot);
    this.open = {};
    this.rolled = true;
    return snapshot;
  }

  /** The distributors with an aggregate this period. */
  distributors(): string[] {
    if (!this.distributorList) {
      const stored = this.store.read(keys.distList(this.program, this.period), stringListCodec);
      this.distributorList = [...(stored ?? [])];
    }
    return this.distributorList;
  }

  /** Per-distributor running aggregate of this period (claims, quantities per kind, awarded…). */
  addForDistributor(distributor: string, field: string, delta: number): void {
    let a = this.byDistributor.get(distributor);
    if (!a) {
      const key = keys.distAgg(this.program, this.period, distributor);
      a = { ...(this.store.read(key, numMapCodec) ?? {}) };
      this.byDistributor.set(distributor, a);
      const list = this.distributors();
      if (!list.includes(distributor)) list.push(distributor);
    }
    a[field] = add(a[field] ?? 0, delta);
  }

  /**
   * Per-area running aggregate of this period (`aagg/<program>/<n>/<area>`): what the members who
   * declared the area were awarded, redeemed, lost to expiry and had clawed back. "" (no area)
   * records nothing.
   */
  addForArea(area: string, field: string, delta: number): void {
    if (area === '' || delta === 0) return;
    let a = this.byArea.get(area);
    if (!a) {
      a = { ...(this.store.read(keys.areaAgg(this.program, this.period, area), numMapCodec) ?? {}) };
      this.byArea.set(area, a);
    }
    a[field] = add(a[field] ?? 0, delta);
  }

  /** The program's open aggregate for the totals record, if this operation touched it. */
  openPeriod(): OpenPeriod | undefined {
    if (!this.open) return undefined;
    return { fields: this.open, n: this.rolled ? this.period + 1 : this.period };
  }

  /** Write the distributors' aggregates. */
  flush(): void {
    for (const [d, a] of this.byDistributor) {
      this.store.write(keys.distAgg(this.program, this.period, d), numMapCodec, { ...a });
    }
    for (const [area, a] of this.byArea) {
      this.store.write(keys.areaAgg(this.program, this.period, area), numMapCodec, { ...a });
    }
    if (this.distributorList && this.byDistributor.size > 0) {
      this.store.write(keys.distList(this.program, this.period), stringListCodec, [...this.distributorList]);
    }
  }
}
