import { GongzhiError } from '../errors/index.js';

/**
 * Digital Credentials Query Language (OpenID4VP 1.0 §6), the part this verifier understands:
 * SD-JWT VC credential queries with top-level claim paths and `meta.vct_values`. Anything else
 * (`credential_sets`, `claim_sets`, `trusted_authorities`, values matching, other formats) is
 * refused with IDENTITY_OID4VP_BAD_QUERY rather than ignored.
 */

export interface DcqlCredentialQuery {
  readonly id: string;
  readonly format: 'dc+sd-jwt';
  readonly meta?: { readonly vct_values?: readonly string[] };
  readonly claims?: readonly { readonly id?: string; readonly path: readonly [string] }[];
}
export interface DcqlQuery {
  readonly credentials: readonly DcqlCredentialQuery[];
}

const no = (m: string): never => {
  throw new GongzhiError('IDENTITY_OID4VP_BAD_QUERY', m);
};
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A DCQL query, checked: IDENTITY_OID4VP_BAD_QUERY naming what is wrong. */
export function parseDcql(q: unknown): DcqlQuery {
  if (!isObj(q) || !Array.isArray(q.credentials) || q.credentials.length === 0 || q.credentials.length > 16) {
    return no('dcql_query.credentials must be 1 to 16 credential queries');
  }
  for (const k of Object.keys(q)) if (k !== 'credentials') no(`dcql_query.${k} is not supported`);
  const seen = new Set<string>();
  const credentials = q.credentials.map((c, i): DcqlCredentialQuery => {
    if (!isObj(c) || typeof c.id !== 'string' || !ID.test(c.id) || seen.has(c.id)) {
      return no(`credentials[${i}].id must be a unique [A-Za-z0-9_-] string`);
    }
    seen.add(c.id);
    if (c.format !== 'dc+sd-jwt') return no(`credentials[${i}].format must be dc+sd-jwt`);
    for (const k of Object.keys(c)) {
      if (!['id', 'format', 'meta', 'claims'].includes(k)) no(`credentials[${i}].${k} is not supported`);
    }
    let meta: DcqlCredentialQuery['meta'];
    if (c.meta !== undefined) {
      const v = isObj(c.meta) ? c.meta.vct_values : undefined;
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) {
        return no(`credentials[${i}].meta.vct_values must be a non-empty array of strings`);
      }
      meta = { vct_values: v as string[] };
    }
    let claims: DcqlCredentialQuery['claims'];
    if (c.claims !== undefined) {
      if (!Array.isArray(c.claims) || c.claims.length === 0 || c.claims.length > 64) {
        return no(`credentials[${i}].claims must be 1 to 64 claims queries`);
      }
      claims = c.claims.map((cl, j) => {
        const path = isObj(cl) ? cl.path : undefined;
        if (
          !Array.isArray(path) ||
          path.length !== 1 ||
          typeof path[0] !== 'string' ||
          path[0].length > 128
        ) {
          return no(`credentials[${i}].claims[${j}].path must name one top-level claim`);
        }
        if (isObj(cl) && (cl.values !== undefined || cl.intent_to_retain !== undefined)) {
          no(`credentials[${i}].claims[${j}]: values / intent_to_retain are not supported`);
        }
        return {
          ...(isObj(cl) && typeof cl.id === 'string' ? { id: cl.id } : {}),
          path: [path[0]] as [string],
        };
      });
    }
    return {
      id: c.id,
      format: 'dc+sd-jwt',
      ...(meta === undefined ? {} : { meta }),
      ...(claims === undefined ? {} : { claims }),
    };
  });
  return { credentials };
}
