import { GongzhiError } from '../../errors/index.js';
import { add } from './accounting.js';
import type { PendingState } from './effects.js';
import type { Journal } from './journal.js';
import { keys } from './keys.js';
import type { Lots } from './lots.js';
import { type NumMap, numMapCodec } from './num-map.js';
import type { Lot, Program } from './types.js';

/**
 * Part of the books: distributors' quotas (`quota/<program>/<distributor>`): points issued to a
 * distributor to award, in one bucket per backing sponsor (the bucket `""` without money).
 */
export class Quotas {
  private readonly quotas = new Map<string, NumMap>();
  private readonly dirty = new Set<string>();

  constructor(
    private readonly store: PendingState,
    private readonly program: Program,
    private readonly journal: Journal,
    private readonly lots: Lots,
  ) {}

  /** The distributor's buckets: sponsor → points. */
  of(distributor: string): NumMap {
    let q = this.quotas.get(distributor);
    if (!q) {
      q = this.store.read(keys.quota(this.program.id, distributor), numMapCodec) ?? {};
      this.quotas.set(distributor, q);
    }
    return q;
  }

  total(distributor: string): number {
    return Object.values(this.of(distributor)).reduce((s, x) => s + x, 0);
  }

  /** Add (or remove, negative) quota backed by `sponsor`. */
  change(distributor: string, sponsor: string, delta: number): void {
    const q = { ...this.of(distributor) };
    const next = add(q[sponsor] ?? 0, delta);
    if (next < 0) throw new GongzhiError('EXEC_INTERNAL', 'negative quota bucket');
    q[sponsor] = next;
    this.quotas.set(distributor, q);
    this.dirty.add(distributor);
    this.journal.post(`quota:${distributor}`, delta);
  }

  /**
   * Take `amount` of quota as fresh lots: from the `only` sponsor's bucket, or from the sponsor
   * buckets in key order. POINTS_OVER_QUOTA when short.
   */
  take(distributor: string, amount: number, only?: string): Lot[] {
    // a frozen sponsor backs nothing new: its buckets are skipped (or refused when named)
    const frozen = (s: string) => s !== '' && this.store.has(keys.frozen(this.program.id, s));
    if (only !== undefined && frozen(only)) {
      throw new GongzhiError('POINTS_FROZEN', `sponsor ${only} is frozen in program ${this.program.id}`, {
        program: this.program.id,
        account: only,
      });
    }
    const q0 = this.of(distributor);
    const usable = (only === undefined ? Object.keys(q0).sort() : [only]).filter((s) => !frozen(s));
    const have = usable.reduce((n, s) => n + (q0[s] ?? 0), 0);
    if (have < amount) {
      throw new GongzhiError('POINTS_OVER_QUOTA', 'the award exceeds the distributor’s quota', {
        program: this.program.id,
        distributor,
        amount,
        quota: have,
        ...(only === undefined ? {} : { sponsor: only }),
      });
    }
    const q = this.of(distributor);
    const pieces: Lot[] = [];
    let left = amount;
    for (const s of usable) {
      if (left === 0) break;
      const n = Math.min(left, q[s] ?? 0);
      if (n === 0) continue;
      this.change(distributor, s, -n);
      pieces.push(this.lots.fresh(n, s));
      left -= n;
    }
    return pieces;
  }

  /** Write the changed quotas (an empty one is deleted). */
  flush(): void {
    for (const d of this.dirty) {
      const q = this.quotas.get(d) ?? {};
      const key = keys.quota(this.program.id, d);
      if (Object.values(q).every((x) => x === 0)) this.store.delete(key);
      else this.store.write(key, numMapCodec, q);
    }
  }
}
