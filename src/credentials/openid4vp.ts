import { Buffer } from 'node:buffer';
import type { JsonWebKey } from 'node:crypto';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { toBase64Url } from '../encoding/index.js';
import { type ErrorCode, GongzhiError } from '../errors/index.js';
import { type DcqlCredentialQuery, type DcqlQuery, parseDcql } from './dcql.js';
import { Expiring, MemorySecrets, type SecretBackend } from './expiring.js';
import { decryptResponse, jweHeader, newResponseKey, RESPONSE_ENC_VALUES } from './jwe-ecdh.js';
import { decodeCompact } from './keys.js';
import { REQUEST_OBJECT_AUD, type RequestSigner, signRequestObject } from './request-object.js';
import type { VerificationResult, VerifierPolicy } from './verify.js';

export type { DcqlCredentialQuery, DcqlQuery } from './dcql.js';
export { parseDcql } from './dcql.js';

/**
 * The verifier side of OpenID for Verifiable Presentations 1.0 (final, 2025), the query in
 * DCQL (§6; the final text has no Presentation Exchange), SD-JWT VC presentations (Appendix B.3):
 * 1. a relying party asks this node for a request, under one of three Client Identifier
 *    Prefixes (§5.9.3):
 *    - `redirect_uri:<response_uri>` (default): the Authorization Request passed by value,
 *      unsigned (that prefix cannot be signed);
 *    - `decentralized_identifier:<did>` or `x509_san_dns:<dns name>`: the link carries only
 *      `client_id`, `request_uri` and `request_uri_method=post` (§5.10); the wallet fetches the
 *      Request Object there, signed by the verifier's key (JAR, src/credentials/request-object.ts),
 *      echoing the wallet's `wallet_nonce`;
 *    each with a fresh `nonce` and `state`, the DCQL query and `client_metadata`;
 * 2. the wallet posts to the response_uri, form-encoded: with `direct_post` (§8.2) `vp_token`
 *    (a JSON object: credential query id → [presentation]) and `state`; with `direct_post.jwt`
 *    (§8.3.1) one `response`, a JWE made to the request's own key in `client_metadata.jwks`
 *    (src/credentials/jwe-ecdh.ts), holding the same parameters — a plain answer to such a
 *    request is refused;
 * 3. each presentation is verified with the node's verifier — the KB-JWT must carry this
 *    request's nonce and `aud` = client_id (B.3.6) — and the result is kept for the relying
 *    party to read with its `transaction_id`, a secret only the relying party was given: `state`
 *    travels in the request link (a QR code anyone near the screen can read) and to the wallet,
 *    so it shows whether the request was answered, never what was presented. A request made
 *    with a `redirect_uri` (same device) answers the wallet's post with
 *    `redirect_uri#response_code=…` and its outcome is read with that code as well — the design
 *    OpenID4VP 1.0 gives for direct_post (§8.2) against session fixation: only the browser the
 *    wallet sent back holds the code.
 * Pending requests live in the store the node gives (its SQLite file): a restart loses none.
 */

export const REQUEST_TTL_SECONDS = 600;
/** A fetched Request Object is valid this long (`exp` − `iat`). */
const REQUEST_OBJECT_TTL = 300;

export type ClientIdPrefix = 'redirect_uri' | 'decentralized_identifier' | 'x509_san_dns';
export type ResponseMode = 'direct_post' | 'direct_post.jwt';

/** What a relying party adds to the request: issuer category, schema, anchor. */
export type RequestPolicy = Pick<VerifierPolicy, 'category' | 'schemaId' | 'requireAnchor'>;

/** How a request is made: the prefix, which verifier (a DID or DNS name), the response mode. */
export interface RequestOptions {
  readonly clientIdPrefix?: ClientIdPrefix;
  /** The DID or DNS name after the prefix (default: the only one this node signs for). */
  readonly verifier?: string;
  readonly responseMode?: ResponseMode;
  /** The request URI of a by-reference request, from its id. */
  readonly requestUri?: (id: string) => string;
  /**
   * Same-device flow: where the wallet sends the user's browser after posting its answer, with
   * `#response_code=…` added (https, or http on a loopback host; no fragment).
   */
  readonly redirectUri?: string;
}

/** What the response endpoint answers the wallet (§8.2): empty, or where to send the user. */
export interface WalletReply {
  readonly redirect_uri?: string;
}

interface Pending {
  readonly group: string;
  readonly nonce: string;
  readonly clientId: string;
  readonly query: DcqlQuery;
  readonly policy: RequestPolicy;
  readonly responseMode: ResponseMode;
  /** The Authorization Request's parameters (the Request Object's claims when signed). */
  readonly request: Record<string, unknown>;
  /** The private half of the response key (direct_post.jwt). */
  readonly responseKey?: JsonWebKey;
  /** Where the wallet sends the user after posting (same-device flow). */
  readonly redirectUri?: string;
  /** Given to the wallet's redirect with the answer; reading the outcome then needs it. */
  readonly responseCode?: string;
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
const random = () => toBase64Url(new Uint8Array(randomBytes(24)));
const unknownRequest = (): never =>
  bad('IDENTITY_OID4VP_UNKNOWN_REQUEST', 'no pending presentation request with this state');

/** A redirect_uri the wallet may be sent to: https, or http on a loopback host; no fragment. */
function redirectTarget(v: string): string {
  let u: URL | undefined;
  try {
    u = new URL(v);
  } catch {
    u = undefined;
  }
  const loopback = u !== undefined && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (
    u === undefined ||
    v.length > 2048 ||
    v.includes('#') ||
    !(u.protocol === 'https:' || (u.protocol === 'http:' && loopback))
  ) {
    return bad(
      'IDENTITY_OID4VP_BAD_REDIRECT_URI',
      'redirect_uri must be an https URL (http on a loopback host) without a fragment',
      { redirect_uri: v.slice(0, 200) },
    );
  }
  return v;
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
  /** Who this node signs Request Objects as (node config verifierSigners / verifierCertificates). */
  readonly signers?: readonly RequestSigner[];
}

export class PresentationRequests {
  private readonly now: () => number;
  private readonly pending: Expiring<Pending>;
  /** Request-object id (also the response key's kid) → state. */
  private readonly byRef: Expiring<string>;
  /** The relying party's read handle → state. */
  private readonly byTransaction: Expiring<string>;

  constructor(private readonly env: VerifierEnv) {
    this.now = env.now ?? (() => Math.floor(Date.now() / 1000));
    const store = env.store ?? new MemorySecrets();
    this.pending = new Expiring(store, 'vp-request', 10_000, this.now);
    this.byRef = new Expiring(store, 'vp-request-ref', 10_000, this.now);
    this.byTransaction = new Expiring(store, 'vp-transaction', 10_000, this.now);
  }

  /** The signer of a client_id prefix and verifier, or IDENTITY_OID4VP_NO_VERIFIER_KEY. */
  private signer(prefix: ClientIdPrefix, verifier: string | undefined): RequestSigner {
    const all = (this.env.signers ?? []).filter((s) => s.clientId.startsWith(`${prefix}:`));
    const s =
      verifier === undefined
        ? all.length === 1
          ? all[0]
          : undefined
        : all.find((x) => x.clientId === `${prefix}:${verifier}`);
    if (s === undefined) {
      return bad(
        'IDENTITY_OID4VP_NO_VERIFIER_KEY',
        verifier === undefined
          ? `name the verifier: this node signs for ${all.length} ${prefix} client ids`
          : `this node holds no ${prefix} key for ${verifier}`,
        { clientIdPrefix: prefix },
      );
    }
    return s;
  }

  /** A new Authorization Request answered at `responseUri`. */
  create(
    group: string,
    responseUri: string,
    dcql: unknown,
    policy: RequestPolicy = {},
    opts: RequestOptions = {},
  ): {
    state: string;
    transaction_id: string;
    request: Record<string, unknown>;
    request_link: string;
    request_uri?: string;
    expires_in: number;
  } {
    const query = parseDcql(dcql);
    const prefix = opts.clientIdPrefix ?? 'redirect_uri';
    const responseMode = opts.responseMode ?? 'direct_post';
    const signer = prefix === 'redirect_uri' ? undefined : this.signer(prefix, opts.verifier);
    if (prefix === 'redirect_uri' && opts.verifier !== undefined && opts.verifier !== responseUri) {
      bad('IDENTITY_OID4VP_NO_VERIFIER_KEY', 'with redirect_uri the verifier is the response URI itself');
    }
    const redirectUri = opts.redirectUri === undefined ? undefined : redirectTarget(opts.redirectUri);
    const state = random();
    const nonce = random();
    const ref = random();
    const transactionId = toBase64Url(new Uint8Array(randomBytes(32)));
    const clientId = signer?.clientId ?? `redirect_uri:${responseUri}`;
    const key = responseMode === 'direct_post.jwt' ? newResponseKey(ref) : undefined;
    const request = {
      response_type: 'vp_token',
      response_mode: responseMode,
      client_id: clientId,
      response_uri: responseUri,
      nonce,
      state,
      dcql_query: query,
      client_metadata: {
        vp_formats_supported: {
          'dc+sd-jwt': { 'sd-jwt_alg_values': ['EdDSA', 'ES256K'], 'kb-jwt_alg_values': ['EdDSA', 'ES256K'] },
        },
        ...(key === undefined
          ? {}
          : {
              jwks: { keys: [key.publicJwk] },
              encrypted_response_enc_values_supported: [...RESPONSE_ENC_VALUES],
            }),
      },
    };
    this.pending.set(
      state,
      {
        group,
        nonce,
        clientId,
        query,
        policy,
        responseMode,
        request,
        ...(key === undefined ? {} : { responseKey: key.privateJwk }),
        ...(redirectUri === undefined ? {} : { redirectUri }),
      },
      REQUEST_TTL_SECONDS,
    );
    this.byRef.set(ref, state, REQUEST_TTL_SECONDS);
    this.byTransaction.set(transactionId, state, REQUEST_TTL_SECONDS);
    if (signer === undefined) {
      const params = new URLSearchParams(
        Object.entries(request).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      );
      return {
        state,
        transaction_id: transactionId,
        request,
        request_link: `openid4vp://?${params.toString()}`,
        expires_in: REQUEST_TTL_SECONDS,
      };
    }
    const requestUri = (opts.requestUri ?? ((id: string) => `${responseUri}/request/${id}`))(ref);
    const params = new URLSearchParams({
      client_id: clientId,
      request_uri: requestUri,
      request_uri_method: 'post',
    });
    return {
      state,
      transaction_id: transactionId,
      request,
      request_uri: requestUri,
      request_link: `openid4vp://?${params.toString()}`,
      expires_in: REQUEST_TTL_SECONDS,
    };
  }

  /**
   * The signed Request Object at the request URI (§5.10): GET, or POST with the wallet's
   * `wallet_nonce` echoed. IDENTITY_OID4VP_UNKNOWN_REQUEST when the request is gone or answered
   * or was made by value.
   */
  requestObject(group: string, ref: string, walletNonce?: string): string {
    const state = this.byRef.get(ref);
    const p = state === undefined ? undefined : this.pending.get(state);
    if (
      p === undefined ||
      p.group !== group ||
      p.result !== undefined ||
      p.clientId.startsWith('redirect_uri:')
    ) {
      return unknownRequest();
    }
    const signer = (this.env.signers ?? []).find((s) => s.clientId === p.clientId);
    if (signer === undefined) {
      return bad('IDENTITY_OID4VP_NO_VERIFIER_KEY', `this node no longer holds a key for ${p.clientId}`);
    }
    if (walletNonce !== undefined && !/^[A-Za-z0-9_~.-]{1,256}$/.test(walletNonce)) {
      return bad('IDENTITY_OID4VP_BAD_RESPONSE', 'wallet_nonce must be 1 to 256 URL-safe characters');
    }
    const iat = this.now();
    return signRequestObject(signer, {
      ...p.request,
      iss: p.clientId,
      aud: REQUEST_OBJECT_AUD,
      iat,
      exp: iat + REQUEST_OBJECT_TTL,
      ...(walletNonce === undefined ? {} : { wallet_nonce: walletNonce }),
    });
  }

  /**
   * The wallet's answer at the response URI: `vp_token` + `state` (direct_post) or `response`
   * (direct_post.jwt). Verify every presentation, keep the outcome for the relying party; the
   * reply says where to send the user when the request named a redirect_uri.
   * IDENTITY_OID4VP_UNKNOWN_REQUEST (no such pending request), IDENTITY_OID4VP_BAD_ENCRYPTION
   * (a JWE that does not decrypt with the request's key, or a plain answer to a request that
   * wants one), IDENTITY_OID4VP_BAD_RESPONSE (vp_token not the DCQL shape),
   * IDENTITY_OID4VP_NONCE_MISMATCH (a KB-JWT for another request: the request stays pending,
   * the wallet may answer again).
   */
  async respond(group: string, form: Readonly<Record<string, string | undefined>>): Promise<WalletReply> {
    if (form.response !== undefined) return this.respondEncrypted(group, form.response);
    const p = this.pending.get(form.state ?? '');
    if (p === undefined || p.result !== undefined || p.group !== group) return unknownRequest();
    if (p.responseMode === 'direct_post.jwt') {
      return bad(
        'IDENTITY_OID4VP_BAD_ENCRYPTION',
        'this request wants an encrypted response (direct_post.jwt)',
      );
    }
    return this.answer(form.state ?? '', p, form.vp_token);
  }

  private async respondEncrypted(group: string, jwe: string): Promise<WalletReply> {
    const kid = jweHeader(jwe)?.kid;
    const state = typeof kid === 'string' ? this.byRef.get(kid) : undefined;
    const p = state === undefined ? undefined : this.pending.get(state);
    if (state === undefined || p === undefined || p.result !== undefined || p.group !== group) {
      return unknownRequest();
    }
    if (p.responseKey === undefined) {
      return bad('IDENTITY_OID4VP_BAD_ENCRYPTION', 'this request did not ask for an encrypted response');
    }
    const payload = decryptResponse(jwe, p.responseKey);
    if (payload.state !== state) {
      return bad('IDENTITY_OID4VP_BAD_RESPONSE', 'the encrypted response’s state is not this request’s');
    }
    const vp = payload.vp_token;
    return this.answer(state, p, typeof vp === 'string' ? vp : JSON.stringify(vp ?? null));
  }

  private async answer(state: string, p: Pending, vpToken: string | undefined): Promise<WalletReply> {
    let token: unknown;
    try {
      token = JSON.parse(vpToken ?? '');
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
    const responseCode = p.redirectUri === undefined ? undefined : random();
    // Another response may have landed while this one was verified: the first one counts.
    const still = this.pending.get(state);
    if (
      still === undefined ||
      still.result !== undefined ||
      !this.pending.update(state, answered(p, outcome, responseCode))
    ) {
      return unknownRequest();
    }
    return p.redirectUri === undefined || responseCode === undefined
      ? {}
      : { redirect_uri: `${p.redirectUri}#response_code=${responseCode}` };
  }

  /**
   * Whether the request with this `state` was answered — all that the holder of the request link
   * learns: the outcome is read with the transaction id (`outcome`).
   */
  status(group: string, state: string): { status: 'pending' | 'answered' } {
    const p = this.pending.get(state);
    if (p === undefined || p.group !== group)
      return bad('IDENTITY_OID4VP_UNKNOWN_REQUEST', 'no presentation request with this state');
    return { status: p.result === undefined ? 'pending' : 'answered' };
  }

  /**
   * What the relying party reads with the transaction id it was given: pending, or the outcome.
   * IDENTITY_OID4VP_UNKNOWN_TRANSACTION (unknown, expired, another group's);
   * IDENTITY_OID4VP_BAD_RESPONSE_CODE (answered with a redirect and the code missing or another).
   */
  outcome(
    group: string,
    transactionId: string,
    responseCode?: string,
  ): { status: 'pending' } | ({ status: 'answered' } & PresentationOutcome) {
    const state = this.byTransaction.get(transactionId);
    const p = state === undefined ? undefined : this.pending.get(state);
    if (p === undefined || p.group !== group) {
      return bad('IDENTITY_OID4VP_UNKNOWN_TRANSACTION', 'no presentation request with this transaction id');
    }
    if (p.result === undefined) return { status: 'pending' };
    if (p.responseCode !== undefined && !sameSecret(p.responseCode, responseCode ?? '')) {
      return bad(
        'IDENTITY_OID4VP_BAD_RESPONSE_CODE',
        responseCode === undefined
          ? 'this request was answered through a redirect: give the response_code it carried'
          : 'this is not the response_code of this request’s answer',
      );
    }
    return { status: 'answered', ...p.result };
  }
}

/** Constant-time comparison of two secrets (their lengths are not secret). */
function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The answered request: its outcome kept, the response key no longer needed. */
function answered(p: Pending, result: PresentationOutcome, responseCode: string | undefined): Pending {
  const { responseKey: _spent, ...rest } = p;
  return { ...rest, result, ...(responseCode === undefined ? {} : { responseCode }) };
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
