import type { GongzhiError } from '../errors/index.js';

/** Why a transaction left the node without a block, and when (Date.now()). */
export interface DropRecord {
  readonly error: GongzhiError;
  readonly at: number;
}

/** Most drops remembered per group; the oldest are forgotten first. */
export const MAX_RECENT_DROPS = 10_000;

/**
 * The transactions a group dropped lately (not ordered, expired, refused by the block builder),
 * so a client asking about one hears "dropped, because …" instead of "not found". Bounded: a
 * flood of drops forgets the oldest; a hash dropped again moves to the newest end.
 */
export class RecentDrops {
  private readonly byHash = new Map<string, DropRecord>();

  constructor(private readonly max = MAX_RECENT_DROPS) {}

  add(hashHex: string, error: GongzhiError, at = Date.now()): void {
    this.byHash.delete(hashHex);
    this.byHash.set(hashHex, { error, at });
    if (this.byHash.size > this.max) {
      const first = this.byHash.keys().next();
      if (!first.done) this.byHash.delete(first.value);
    }
  }

  get(hashHex: string): DropRecord | undefined {
    return this.byHash.get(hashHex);
  }

  get size(): number {
    return this.byHash.size;
  }
}
