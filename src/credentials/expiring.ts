/**
 * One-time secrets of the OpenID4VCI / OpenID4VP endpoints (pre-authorised codes, access
 * tokens, c_nonces, presentation requests): each lives until its expiry, the map holds at most
 * `max` (the oldest is dropped first, so a flood of requests costs memory up to the bound only).
 * Kept in the node's memory only: a restart forgets pending offers and requests.
 */
export class Expiring<V> {
  private readonly entries = new Map<string, { readonly value: V; readonly exp: number }>();

  constructor(
    private readonly max: number,
    private readonly now: () => number,
  ) {}

  set(key: string, value: V, ttlSeconds: number): void {
    if (this.entries.size >= this.max) {
      const t = this.now();
      for (const [k, e] of this.entries) if (e.exp <= t) this.entries.delete(k);
      const oldest = this.entries.keys().next();
      if (this.entries.size >= this.max && !oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, exp: this.now() + ttlSeconds });
  }

  /** The live value, or undefined (unknown or expired; an expired entry is dropped). */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.exp <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Take the value once: it is gone afterwards. */
  take(key: string): V | undefined {
    const v = this.get(key);
    this.entries.delete(key);
    return v;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
