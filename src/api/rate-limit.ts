/**
 * Per-client request rate limit: a token bucket per client address, refilled at `perSecond` up to
 * `burst`. Buckets that are full again are forgotten, so the table holds only clients active in the
 * last `burst / perSecond` seconds.
 */

interface Bucket {
  tokens: number;
  /** Milliseconds (monotonic) of the last refill. */
  at: number;
}

/** Above this many buckets, full ones are pruned (at most once a second). */
const PRUNE_ABOVE = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastPrune = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether the limiter is off (rate 0). */
  get off(): boolean {
    return this.perSecond <= 0;
  }

  /** Take one request for `client`: 0 when allowed, else the milliseconds until one is. */
  take(client: string): number {
    if (this.off) return 0;
    const t = this.now();
    let b = this.buckets.get(client);
    if (!b) {
      b = { tokens: this.burst, at: t };
      this.buckets.set(client, b);
      if (this.buckets.size > PRUNE_ABOVE) this.prune(t);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) * this.perSecond) / 1000);
      b.at = t;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) * 1000) / this.perSecond);
  }

  /** Number of clients remembered (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private prune(t: number): void {
    if (t - this.lastPrune < 1000) return;
    this.lastPrune = t;
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((t - b.at) * this.perSecond) / 1000 >= this.burst) this.buckets.delete(k);
    }
  }
}
