import { decodeCompact } from './keys.js';

/**
 * Published status lists kept as long as their publisher allows: a Token Status List token's
 * `ttl` (seconds, draft-ietf-oauth-status-list §5.1) or a BitstringStatusListCredential's
 * `credentialSubject.ttl` (milliseconds, Bitstring Status List v1.0 §2.2), never past the list's
 * own `exp` / `validUntil`. A list that states no ttl is fetched every time. Without this a
 * verifier asked to read status as outsiders do (`statusVia: 'published'`) fetched, verified and
 * inflated the whole list for every presentation; with it a bit set on the ledger is seen
 * through the published list within the ttl the issuer's node states — the freshness the list
 * promises outsiders (the ledger path sees it at the next block).
 */
export class StatusFetchCache {
  private readonly kept = new Map<string, { readonly jwt: string; readonly until: number }>();

  constructor(
    private readonly fetch: (uri: string, accept: string) => Promise<string>,
    /** Seconds since the epoch. */
    private readonly now: () => number = () => Date.now() / 1000,
    private readonly maxEntries = 256,
  ) {}

  /** A `StatusOptions.fetchStatus`. */
  readonly fetchStatus = async (uri: string, accept: string): Promise<string> => {
    const id = `${accept}\u0000${uri}`;
    const t = this.now();
    const hit = this.kept.get(id);
    if (hit !== undefined && t < hit.until) return hit.jwt;
    this.kept.delete(id);
    const jwt = await this.fetch(uri, accept);
    const until = t + keepFor(jwt, t);
    if (until > t) {
      if (this.kept.size >= this.maxEntries) this.kept.clear();
      this.kept.set(id, { jwt, until });
    }
    return jwt;
  };

  /** Lists held (for tests and the bench). */
  get size(): number {
    return this.kept.size;
  }
}

/** Seconds a fetched list may be kept: its ttl, cut at its expiry; 0 when it says nothing or is not a JWT. */
function keepFor(jwt: string, now: number): number {
  let payload: Record<string, unknown>;
  try {
    payload = decodeCompact(jwt).payload;
  } catch {
    return 0;
  }
  const subject = payload.credentialSubject as { ttl?: unknown } | undefined;
  const ttl =
    typeof payload.ttl === 'number' ? payload.ttl : typeof subject?.ttl === 'number' ? subject.ttl / 1000 : 0;
  const until = typeof payload.validUntil === 'string' ? Date.parse(payload.validUntil) / 1000 : Number.NaN;
  const exp = typeof payload.exp === 'number' ? payload.exp : until;
  const left = Number.isFinite(exp) ? exp - now : Number.POSITIVE_INFINITY;
  const keep = Math.min(ttl, left);
  return Number.isFinite(keep) && keep > 0 ? keep : 0;
}
