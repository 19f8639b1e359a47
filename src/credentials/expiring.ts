/**
 * One-time secrets of the OpenID4VCI / OpenID4VP endpoints (pre-authorised codes, access
 * tokens, c_nonces, presentation requests): each lives until its expiry, at most `max` of a
 * kind are kept (the soonest to expire is dropped first, so a flood of requests costs storage
 * up to the bound only). Where they live is the backend's choice: the node gives its SQLite
 * file (src/storage/pending-secrets.ts), so a restart forgets nothing; a library user without
 * one gets `MemorySecrets`.
 */

/** Where pending secrets are kept; values are JSON strings. */
export interface SecretBackend {
  put(kind: string, key: string, value: string, exp: number, max: number, now: number): void;
  get(kind: string, key: string, now: number): string | undefined;
  /** Remove and return the live value (the row goes even when expired). */
  take(kind: string, key: string, now: number): string | undefined;
  /** Replace the value, keeping the expiry; false when absent. */
  update(kind: string, key: string, value: string): boolean;
  delete(kind: string, key: string): void;
  /** Run `fn` so that its puts and takes land together or not at all. */
  atomically<T>(fn: () => T): T;
}

/** The in-process backend: forgotten when the process ends. */
export class MemorySecrets implements SecretBackend {
  private readonly kinds = new Map<string, Map<string, { value: string; exp: number }>>();

  private of(kind: string): Map<string, { value: string; exp: number }> {
    let m = this.kinds.get(kind);
    if (m === undefined) {
      m = new Map();
      this.kinds.set(kind, m);
    }
    return m;
  }

  put(kind: string, key: string, value: string, exp: number, max: number, now: number): void {
    const m = this.of(kind);
    if (m.size >= max) {
      for (const [k, e] of m) if (e.exp <= now) m.delete(k);
      const oldest = m.keys().next();
      if (m.size >= max && !oldest.done) m.delete(oldest.value);
    }
    m.delete(key);
    m.set(key, { value, exp });
  }

  get(kind: string, key: string, now: number): string | undefined {
    const e = this.of(kind).get(key);
    return e === undefined || e.exp <= now ? undefined : e.value;
  }

  take(kind: string, key: string, now: number): string | undefined {
    const v = this.get(kind, key, now);
    this.of(kind).delete(key);
    return v;
  }

  update(kind: string, key: string, value: string): boolean {
    const e = this.of(kind).get(key);
    if (e === undefined) return false;
    e.value = value;
    return true;
  }

  delete(kind: string, key: string): void {
    this.of(kind).delete(key);
  }

  atomically<T>(fn: () => T): T {
    return fn();
  }
}

/** One kind of secret over a backend, its values JSON. */
export class Expiring<V> {
  constructor(
    private readonly backend: SecretBackend,
    private readonly kind: string,
    private readonly max: number,
    private readonly now: () => number,
  ) {}

  set(key: string, value: V, ttlSeconds: number): void {
    const now = this.now();
    this.backend.put(this.kind, key, JSON.stringify(value), now + ttlSeconds, this.max, now);
  }

  /** The live value, or undefined (unknown or expired). */
  get(key: string): V | undefined {
    const v = this.backend.get(this.kind, key, this.now());
    return v === undefined ? undefined : (JSON.parse(v) as V);
  }

  /** Take the value once: it is gone afterwards. */
  take(key: string): V | undefined {
    const v = this.backend.take(this.kind, key, this.now());
    return v === undefined ? undefined : (JSON.parse(v) as V);
  }

  /** Replace a live entry's value (same expiry); false when it is gone. */
  update(key: string, value: V): boolean {
    return this.backend.update(this.kind, key, JSON.stringify(value));
  }

  delete(key: string): void {
    this.backend.delete(this.kind, key);
  }
}
