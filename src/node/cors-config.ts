/**
 * The `api.corsOrigins` option of a node config: the web origins (scheme://host[:port], exactly
 * as a browser sends them in `Origin`) whose pages may call this node's API — a console or an
 * app served somewhere else. Absent or empty: no cross-origin access at all (the default; the
 * node's own console needs none). A wildcard is refused on purpose: every origin is named.
 */
import { GongzhiError } from '../errors/index.js';

const ORIGIN = /^https?:\/\/(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/;

/** At most this many origins: the allow-list is looked up on every request. */
export const MAX_CORS_ORIGINS = 100;

/** Validated origins (lower case), or CONFIG_INVALID naming the bad entry. */
export function parseCorsOrigins(v: unknown, path?: string): readonly string[] {
  if (v === undefined) return [];
  const where = path === undefined ? {} : { path };
  if (!Array.isArray(v) || v.length > MAX_CORS_ORIGINS) {
    throw new GongzhiError(
      'CONFIG_INVALID',
      `api.corsOrigins must be a list of at most ${MAX_CORS_ORIGINS} origins`,
      where,
    );
  }
  return v.map((o, i) => {
    if (typeof o !== 'string' || !ORIGIN.test(o.toLowerCase())) {
      throw new GongzhiError(
        'CONFIG_INVALID',
        `api.corsOrigins[${i}] must be an origin such as https://console.example.org (scheme, host, optional port; no path, no *)`,
        { ...where, origin: String(o).slice(0, 200) },
      );
    }
    return o.toLowerCase();
  });
}
