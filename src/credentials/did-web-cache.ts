import type { IncomingHttpHeaders } from 'node:http';
import { GongzhiError } from '../errors/index.js';
import type { DidDocument, DidWebFetched, Validators } from './did-methods.js';
import { freshnessSeconds, mayStore, updatedHeaders } from './http-freshness.js';
import { deepFreeze } from './sd-jwt-verify.js';

/** Default cap on how long a did:web document is kept, whatever its server allows (seconds). */
export const DID_WEB_MAX_AGE_SECONDS = 300;
/** Default least time between two refetches of a kept document for a key it lacks (seconds). */
export const DID_WEB_REFETCH_AFTER_SECONDS = 30;

export interface DidWebCacheOptions {
  /** Cap on the freshness a server grants (node config `identity.didWebMaxAgeSeconds`); 0 keeps nothing. */
  readonly maxAgeSeconds?: number;
  /** Documents kept at most; the least recently used goes first (default 256). */
  readonly maxEntries?: number;
  /** See `refresh` (default 30, the cooldown jose's remote JWK sets use). */
  readonly refetchAfterSeconds?: number;
  /** Seconds since the epoch; tests move it. */
  readonly now?: () => number;
}

interface Kept {
  readonly doc: DidDocument;
  /** The response's headers (after any 304's: RFC 9111 §4.3.4), for its validators and freshness. */
  readonly headers: IncomingHttpHeaders;
  /** Fresh before this; after it, used again only once revalidated or refetched. */
  readonly until: number;
  /** When the document was fetched, or last refetched for a key it lacks. */
  triedAt: number;
}

/**
 * did:web documents kept for as long as their HTTP response says they are fresh
 * (./http-freshness.ts: `Cache-Control` max-age / no-store / no-cache, `Expires`), never beyond
 * `maxAgeSeconds`, and never when the fetch failed. Before, every verification by a did:web
 * issuer fetched its document.
 *
 * - Concurrent resolutions of one DID share one fetch.
 * - At most `maxEntries` documents; a hit makes a document the most recently used.
 * - Key rotation: a verifier that finds no key for a credential's `kid` in a kept document asks
 *   `refresh` for a newer one, once. So a key the issuer added is seen at once, not only when the
 *   document goes stale.
 * - Revalidation: a stale document whose response had an `ETag` or `Last-Modified` is asked for
 *   again with `If-None-Match` / `If-Modified-Since`; a 304 makes the kept document fresh again for
 *   what the 304's headers say (RFC 9111 §4.3.4) without parsing anything, a 200 replaces it. Such a
 *   document is kept even when it is never fresh (`no-cache`), and is then revalidated on each use.
 * - Documents are frozen, since every verification shares them.
 */
export class DidWebCache {
  private readonly kept = new Map<string, Kept>();
  private readonly inflight = new Map<string, Promise<DidDocument>>();
  private readonly maxAge: number;
  private readonly maxEntries: number;
  private readonly refetchAfter: number;
  private readonly now: () => number;

  constructor(
    /** With `validators`, may answer `notModified` (./did-methods.ts fetchDidWeb). */
    private readonly fetchDoc: (did: string, validators?: Validators) => Promise<DidWebFetched>,
    opts: DidWebCacheOptions = {},
  ) {
    this.maxAge = opts.maxAgeSeconds ?? DID_WEB_MAX_AGE_SECONDS;
    this.maxEntries = opts.maxEntries ?? 256;
    this.refetchAfter = opts.refetchAfterSeconds ?? DID_WEB_REFETCH_AFTER_SECONDS;
    this.now = opts.now ?? (() => Date.now() / 1000);
    const bad = (n: number) => !Number.isFinite(n) || n < 0;
    if (
      bad(this.maxAge) ||
      bad(this.refetchAfter) ||
      !Number.isInteger(this.maxEntries) ||
      this.maxEntries < 1
    ) {
      throw new GongzhiError(
        'CONFIG_INVALID',
        'did:web cache: identity.didWebMaxAgeSeconds (and refetchAfterSeconds) must be seconds ≥ 0, maxEntries a positive integer',
        { maxAgeSeconds: String(this.maxAge) },
      );
    }
  }

  /** The document: the kept one while fresh, else fetched (one fetch for concurrent callers). */
  readonly resolve = (did: string): Promise<DidDocument> => {
    const e = this.kept.get(did);
    if (e !== undefined && this.now() < e.until) {
      // The most recently used goes last.
      this.kept.delete(did);
      this.kept.set(did, e);
      return Promise.resolve(e.doc);
    }
    // A stale one stays, for its validators, until the revalidation answers.
    return this.fetchShared(did);
  };

  /**
   * A newer document than the kept one, for a key the kept one lacks; undefined when there is
   * nothing newer worth asking for: no document is kept (the caller's was fetched just now), or
   * this one was fetched or refetched less than `refetchAfterSeconds` ago. That bound keeps
   * presentations naming keys that do not exist from making the node fetch for each of them.
   */
  readonly refresh = (did: string): Promise<DidDocument | undefined> => {
    const e = this.kept.get(did);
    const t = this.now();
    if (e === undefined || t - e.triedAt < this.refetchAfter) return Promise.resolve(undefined);
    e.triedAt = t;
    return this.fetchShared(did);
  };

  /**
   * The current document whatever the kept one's freshness: revalidated (or fetched) now. For a
   * verifier told that a key was removed (`gongzhi did resolve --fresh`), who will not wait for the
   * kept document to go stale. Concurrent callers share the request, as in `resolve`.
   */
  readonly revalidate = (did: string): Promise<DidDocument> => this.fetchShared(did);

  /** Documents kept, stale ones awaiting revalidation included (for tests and the bench). */
  get size(): number {
    return this.kept.size;
  }

  private fetchShared(did: string): Promise<DidDocument> {
    const running = this.inflight.get(did);
    if (running !== undefined) return running;
    const p = this.load(did).finally(() => {
      if (this.inflight.get(did) === p) this.inflight.delete(did);
    });
    this.inflight.set(did, p);
    return p;
  }

  private async load(did: string): Promise<DidDocument> {
    // Freshness counts from when the request was made (RFC 9111 §4.2.3 request_time).
    const t = this.now();
    const e = this.kept.get(did);
    const validators = e === undefined ? undefined : validatorsOf(e.headers);
    const r = await this.fetchDoc(did, validators);
    if (r.notModified) {
      // A 304 freshens the response it was for (§4.3.4): the kept one, unless it names another ETag.
      if (e !== undefined && sameEtag(r.headers.etag, e.headers.etag)) {
        return this.keep(did, e.doc, updatedHeaders(e.headers, r.headers), t);
      }
      const again = await this.fetchDoc(did);
      if (again.notModified) {
        throw new GongzhiError('IDENTITY_DID_WEB_FETCH', 'HTTP 304 to an unconditional request', { did });
      }
      return this.keep(did, deepFreeze(again.doc), again.headers, t);
    }
    return this.keep(did, deepFreeze(r.doc), r.headers, t);
  }

  private keep(did: string, doc: DidDocument, headers: IncomingHttpHeaders, t: number): DidDocument {
    const fresh = Math.min(freshnessSeconds(headers, t), this.maxAge);
    // A document its server now says not to keep replaces a kept one all the same.
    this.kept.delete(did);
    const revalidatable = this.maxAge > 0 && mayStore(headers) && validatorsOf(headers) !== undefined;
    if (fresh > 0 || revalidatable) {
      const oldest = this.kept.keys().next();
      if (this.kept.size >= this.maxEntries && !oldest.done) this.kept.delete(oldest.value);
      this.kept.set(did, { doc, headers, until: t + fresh, triedAt: t });
    }
    return doc;
  }
}

/** The validators a response carries (RFC 9110 §8.8), to ask with once it is stale. */
function validatorsOf(headers: IncomingHttpHeaders): Validators | undefined {
  const etag = typeof headers.etag === 'string' && headers.etag !== '' ? headers.etag : undefined;
  const lastModified = headers['last-modified'];
  if (etag === undefined && lastModified === undefined) return undefined;
  return {
    ...(etag === undefined ? {} : { etag }),
    ...(lastModified === undefined ? {} : { lastModified }),
  };
}

/** A 304 without an ETag is for the one response kept; with one, weakly equal to it (RFC 9110 §8.8.3.2). */
function sameEtag(sent: string | undefined, kept: string | undefined): boolean {
  if (sent === undefined) return true;
  const opaque = (tag: string) => tag.replace(/^W\//, '');
  return kept !== undefined && opaque(sent) === opaque(kept);
}
