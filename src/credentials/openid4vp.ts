import { randomBytes } from 'node:crypto';
import { toBase64Url } from '../encoding/index.js';
import { type ErrorCode, GongzhiError } from '../errors/index.js';
import { Expiring, MemorySecrets, type SecretBackend } from './expiring.js';
import { decodeCompact } from './keys.js';
import type { VerificationResult, VerifierPolicy } from './verify.js';

/**
 * The verifier side of OpenID for Verifiable Presentations 1.0 (final, 2025), same- or
 * cross-device with `response_mode=direct_post`, the query in DCQL (§6; the final text has no
 * Presentation Exchange), SD-JWT VC presentations (Appendix B.3):
 * 1. a relying party asks this node for a request: it gets the Authorization Request (§5)
 *    `client_id = redirect_uri:<response_uri>` (the redirect_uri Client Identifier Prefix,
 *    §5.9.3: the request is passed by value, unsigned), fresh `nonce` and `state`, the DCQL
 *    query and `client_metadata.vp_formats_supported`; shown as an `openid4vp://` link / QR code;
 * 2. the wallet posts `vp_token` (a JSON object: credential query id → [presentation]) and
 *    `state` to the response_uri, form-encoded (§8.2);
 * 3. each presentation is verified with the node's verifier — the KB-JWT must carry this
 *    request's nonce and `aud` = client_id (B.3.6) — and the result is kept for the relying
 *    party to read by its state.
 * Only top-level claim paths and `meta.vct_values` are understood; `credential_sets`,
 * `claim_sets`, `trusted_authorities` and other formats are refused (IDENTITY_OID4VP_BAD_QUERY)
 * rather than ignored.
 */

export const REQUEST_TTL_SECONDS = 600;

export interface DcqlCredentialQuery {
  readonly id: string;
  readonly format: 'dc+sd-jwt';
  readonly meta?: { readonly vct_values?: readonly string[] };
  readonly claims?: readonly { readonly id?: string; readonly path: readonly [string] }[];
}
export interface DcqlQuery {
  readonly credentials: readonly DcqlCredentialQuery[];
}

/** What a relying party adds to the request: issuer category, schema, anchor. */
export type RequestPolicy = Pick<VerifierPolicy, 'category' | 'schemaId' | 'requireAnchor'>;

interface Pending {
  readonly group: string;
  readonly nonce: string;
  readonly clientId: string;
  readonly query: DcqlQuery;
  readonly policy: RequestPolicy;
  readonly result?: PresentationOutcome;
}

/** The outcome of a response: one verification result per credential query. */
export interface PresentationOutcome {
  readonly valid: boolean;
  readonly credentials: Readonly<Record<string, VerificationResult>>;
}

const bad = (code: ErrorCode, m: string, details: Record<string, string | number | boolean> = {}): never => {
  throw new GongzhiError(code, m, details);
};
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A DCQL query, checked: IDENTITY_OID4VP_BAD_QUERY naming what is wrong. */
export function parseDcql(q: unknown): DcqlQuery {
  const no = (m: string) => bad('IDENTITY_OID4VP_BAD_QUERY', m);
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

export interface VerifierEnv {
  /** Verify one presentation on the group's ledger. */
  readonly verify: (
    group: string,
    presentation: string,
    policy: VerifierPolicy,
  ) => Promise<VerificationResult>;
  readonly now?: () => number;
  /** Where pending requests are kept (the node's SQLite file; default: memory). */
  readonly store?: SecretBackend;
}

export class PresentationRequests {
  private readonly now: () => number;
  private readonly pending: Expiring<Pending>;

  constructor(private readonly env: VerifierEnv) {
    this.now = env.now ?? (() => Math.floor(Date.now() / 1000));
    this.pending = new Expiring(env.store ?? new MemorySecrets(), 'vp-request', 10_000, this.now);
  }

  /** A new Authorization Request answered at `responseUri`. */
  create(
    group: string,
    responseUri: string,
    dcql: unknown,
    policy: RequestPolicy = {},
  ): { state: string; request: Record<string, unknown>; request_link: string; expires_in: number } {
    const query = parseDcql(dcql);
    const state = toBase64Url(new Uint8Array(randomBytes(24)));
    const nonce = toBase64Url(new Uint8Array(randomBytes(24)));
    const clientId = `redirect_uri:${responseUri}`;
    this.pending.set(state, { group, nonce, clientId, query, policy }, REQUEST_TTL_SECONDS);
    const request = {
      response_type: 'vp_token',
      response_mode: 'direct_post',
      client_id: clientId,
      response_uri: responseUri,
      nonce,
      state,
      dcql_query: query,
      client_metadata: {
        vp_formats_supported: {
          'dc+sd-jwt': { 'sd-jwt_alg_values': ['EdDSA', 'ES256K'], 'kb-jwt_alg_values': ['EdDSA', 'ES256K'] },
        },
      },
    };
    const params = new URLSearchParams(
      Object.entries(request).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
    return {
      state,
      request,
      request_link: `openid4vp://?${params.toString()}`,
      expires_in: REQUEST_TTL_SECONDS,
    };
  }

  /**
   * The wallet's direct_post: verify every presentation, keep the outcome under `state`.
   * IDENTITY_OID4VP_UNKNOWN_REQUEST (no such pending request), IDENTITY_OID4VP_BAD_RESPONSE
   * (vp_token not the DCQL shape), IDENTITY_OID4VP_NONCE_MISMATCH (a KB-JWT for another request:
   * the request stays pending, the wallet may answer again).
   */
  async respond(
    group: string,
    form: Readonly<Record<string, string | undefined>>,
  ): Promise<PresentationOutcome> {
    const p = this.pending.get(form.state ?? '');
    if (p === undefined || p.result !== undefined || p.group !== group) {
      return bad('IDENTITY_OID4VP_UNKNOWN_REQUEST', 'no pending presentation request with this state');
    }
    let token: unknown;
    try {
      token = JSON.parse(form.vp_token ?? '');
    } catch {
      return bad('IDENTITY_OID4VP_BAD_RESPONSE', 'vp_token must be a JSON object');
    }
    if (!isObj(token)) return bad('IDENTITY_OID4VP_BAD_RESPONSE', 'vp_token must be a JSON object');
    const given: [DcqlCredentialQuery, string][] = [];
    for (const q of p.query.credentials) {
      const v = token[q.id];
      if (!Array.isArray(v) || v.length !== 1 || typeof v[0] !== 'string') {
        return bad('IDENTITY_OID4VP_BAD_RESPONSE', `vp_token.${q.id} must be an array of one presentation`);
      }
      given.push([q, v[0]]);
    }
    for (const [q, vp] of given) {
      const kb = kbClaims(vp);
      if (kb.nonce !== p.nonce || kb.aud !== p.clientId) {
        return bad('IDENTITY_OID4VP_NONCE_MISMATCH', 'a key-binding JWT was made for another request', {
          credential: q.id,
        });
      }
    }
    const credentials: Record<string, VerificationResult> = {};
    const now = this.now();
    for (const [q, vp] of given) {
      const r = await this.env.verify(p.group, vp, {
        ...p.policy,
        disclose: (q.claims ?? []).map((c) => c.path[0]),
        nonce: p.nonce,
        aud: p.clientId,
        now,
      });
      credentials[q.id] = withVct(r, q);
    }
    const outcome = { valid: Object.values(credentials).every((r) => r.valid), credentials };
    // Another response may have landed while this one was verified: the first one counts.
    const still = this.pending.get(form.state ?? '');
    if (
      still === undefined ||
      still.result !== undefined ||
      !this.pending.update(form.state ?? '', { ...p, result: outcome })
    ) {
      return bad('IDENTITY_OID4VP_UNKNOWN_REQUEST', 'no pending presentation request with this state');
    }
    return outcome;
  }

  /** What the relying party reads: pending, or the outcome. */
  result(
    group: string,
    state: string,
  ): { status: 'pending' } | ({ status: 'answered' } & PresentationOutcome) {
    const p = this.pending.get(state);
    if (p === undefined || p.group !== group)
      return bad('IDENTITY_OID4VP_UNKNOWN_REQUEST', 'no presentation request with this state');
    return p.result === undefined ? { status: 'pending' } : { status: 'answered', ...p.result };
  }
}

/** The KB-JWT's nonce and aud (the last `~` part), or empty when absent or malformed. */
function kbClaims(vp: string): { nonce?: unknown; aud?: unknown } {
  try {
    return decodeCompact(vp.slice(vp.lastIndexOf('~') + 1)).payload;
  } catch {
    return {};
  }
}

/** A credential of another type than the query's vct_values fails the schema check. */
function withVct(r: VerificationResult, q: DcqlCredentialQuery): VerificationResult {
  const want = q.meta?.vct_values;
  if (want === undefined) return r;
  const got = r.vct;
  if (got !== undefined && want.includes(got)) return r;
  return {
    ...r,
    valid: false,
    checks: [
      ...r.checks,
      {
        name: 'schema',
        ok: false,
        detail: `vct ${String(got)} not among ${want.join(', ')}`,
        code: 'IDENTITY_SCHEMA_MISMATCH',
      },
    ],
    errors: [...r.errors, 'IDENTITY_SCHEMA_MISMATCH'],
  };
}
