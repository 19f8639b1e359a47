import type { IncomingHttpHeaders } from 'node:http';

/**
 * How long a fetched HTTP response may be reused, per the basics of RFC 9111 (HTTP Caching) as a
 * private cache reads them: the verifier node fetches for its own verifications, so `private`
 * does not stop it and `s-maxage` (for shared caches) is not read.
 *
 * - `no-store` or `no-cache` (§5.2.2.4, §5.2.2.5): 0, so the response is fetched again, or (with a
 *   validator, and not `no-store`) revalidated, before it is used again.
 * - `max-age=N` (§5.2.2.1): N; one that is not a non-negative integer makes the response stale
 *   (§4.2.1 "invalid freshness information").
 * - else `Expires` minus the response's own `Date` (§4.2.1, §5.3); an invalid `Expires` (such as
 *   `0`) is already expired. Both times are the server's, so its clock and ours need not agree.
 * - else, the heuristic of §4.2.2 for a 200 with `Last-Modified`: a tenth of the time since.
 * - minus the `Age` a cache on the way says the response already has (§5.1).
 */
export function freshnessSeconds(headers: IncomingHttpHeaders, nowSeconds: number): number {
  const directives = cacheControl(headers['cache-control']);
  if (directives.has('no-store') || directives.has('no-cache')) return 0;
  let lifetime: number;
  const maxAge = directives.get('max-age');
  if (maxAge !== undefined) {
    lifetime = /^[0-9]{1,10}$/.test(maxAge) ? Number(maxAge) : 0;
  } else {
    const date = httpDate(headers.date) ?? nowSeconds;
    if (headers.expires !== undefined) {
      lifetime = (httpDate(headers.expires) ?? Number.NEGATIVE_INFINITY) - date;
    } else {
      const modified = httpDate(headers['last-modified']);
      lifetime = modified === undefined ? 0 : Math.floor((date - modified) / 10);
    }
  }
  const ageHeader = typeof headers.age === 'string' ? headers.age.trim() : '';
  const age = /^[0-9]{1,10}$/.test(ageHeader) ? Number(ageHeader) : 0;
  const fresh = lifetime - age;
  return Number.isFinite(fresh) && fresh > 0 ? fresh : 0;
}

/**
 * Whether a private cache may store the response at all (RFC 9111 §3, §5.2.2.5): not under
 * `no-store`. A stored response that is not fresh (`no-cache`, no freshness) is revalidated before
 * each use when it has a validator (./did-web-cache.ts).
 */
export function mayStore(headers: IncomingHttpHeaders): boolean {
  return !cacheControl(headers['cache-control']).has('no-store');
}

/**
 * The headers a stored response has after a 304 (RFC 9111 §4.3.4): the 304's own headers replace
 * those of the same name, so its `Cache-Control`, `Expires`, `Date` or `ETag` count from now on.
 */
export function updatedHeaders(
  stored: IncomingHttpHeaders,
  notModified: IncomingHttpHeaders,
): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = { ...stored };
  for (const [name, value] of Object.entries(notModified)) {
    // Framing headers describe the 304's (empty) body, not the stored one (§3.2).
    if (value !== undefined && name !== 'content-length' && name !== 'transfer-encoding') out[name] = value;
  }
  return out;
}

/** Cache-Control directives by lower-case name; the first occurrence of each counts (§4.2.1). */
function cacheControl(value: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (value ?? '').split(',')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (name === '' || out.has(name)) continue;
    out.set(
      name,
      eq < 0
        ? ''
        : part
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1'),
    );
  }
  return out;
}

/** An HTTP-date (RFC 9110 §5.6.7) in seconds since the epoch, or undefined when it is not one. */
function httpDate(value: string | undefined): number | undefined {
  if (value === undefined || !/[A-Za-z]{3}/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}
