import { add } from './accounting.js';
import type { PendingState } from './effects.js';
import { keys } from './keys.js';
import { type NumMap, numMapCodec } from './num-map.js';

/** Prefix of the open period's aggregate fields inside the totals record. */
export const PERIOD_PREFIX = 'p:';

/** The open period's aggregate held in a totals record (empty if it belongs to another period). */
export function periodFields(totals: NumMap, period: number): Record<string, number> {
  const out: Record<string, number> = {};
  if ((totals[`${PERIOD_PREFIX}n`] ?? period) !== period) return out;
  for (const [k, v] of Object.entries(totals)) {
    if (k.startsWith(PERIOD_PREFIX) && k !== `${PERIOD_PREFIX}n`) out[k.slice(PERIOD_PREFIX.length)] = v;
  }
  return out;
}

/** The open period's aggregate as the totals record is to hold it: its fields and period number. */
export interface OpenPeriod {
  readonly fields: Readonly<Record<string, number>>;
  readonly n: number;
}

/**
 * Part of the books: the program's running totals (`totals/<program>`): the balance of every account
 * class, counters (`members`, `debt`, `journal`), the time of the last posting, and the open period's
 * aggregate (fields `p:<name>`, `p:n` its number) — one record, so an operation writes one key.
 */
export class Totals {
  private t: Record<string, number>;

  constructor(
    private readonly store: PendingState,
    private readonly program: string,
  ) {
    this.t = { ...(store.read(keys.totals(program), numMapCodec) ?? {}) };
  }

  /** Running total of an account class or a counter (0 when absent). */
  get(name: string): number {
    return this.t[name] ?? 0;
  }

  bump(name: string, delta: number): void {
    this.t[name] = add(this.t[name] ?? 0, delta);
  }

  /** The open period's aggregate stored here for period `period`. */
  openPeriod(period: number): Record<string, number> {
    return periodFields(this.t, period);
  }

  /** Write the totals, stamped with this block, with the open period's aggregate when it changed. */
  flush(open: OpenPeriod | undefined): void {
    // A fresh record rather than `delete` on the old one: deleting keys turns the object into a
    // slow dictionary, and this runs once per points operation (6 % of a city's day in a profile).
    const next: Record<string, number> = {};
    for (const k of Object.keys(this.t)) {
      if (open === undefined || !k.startsWith(PERIOD_PREFIX)) next[k] = this.t[k] as number;
    }
    next.lastTs = this.store.ts;
    next.lastHeight = this.store.height;
    if (open !== undefined) {
      for (const [k, v] of Object.entries(open.fields)) next[`${PERIOD_PREFIX}${k}`] = v;
      next[`${PERIOD_PREFIX}n`] = open.n;
    }
    this.t = next;
    this.store.write(keys.totals(this.program), numMapCodec, { ...next });
  }
}
