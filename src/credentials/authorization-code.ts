import { createHash, randomBytes } from 'node:crypto';
import { toBase64Url } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import type { Expiring } from './expiring.js';

/**
 * The Authorization Code flow of OpenID4VCI 1.0 (§5, issuer-initiated: the offer carries
 * `grants.authorization_code.issuer_state`) with PKCE (RFC 7636, S256 only):
 * 1. the issuer back office makes an offer as for the pre-authorised flow, asking for this grant;
 *    the holder was identified by the issuer when it did, so `issuer_state` stands for that;
 * 2. the wallet sends the Authorization Request (RFC 6749 §4.1.1) to the authorization endpoint
 *    with `issuer_state`, its `client_id`, `redirect_uri`, `code_challenge` and
 *    `code_challenge_method=S256` (and optionally `authorization_details` of type
 *    `openid_credential` or `scope` naming the offered configuration); the node answers a 302 to
 *    `redirect_uri` with `code`, `state` and `iss` (RFC 9207);
 * 3. the wallet redeems the code at the token endpoint with the same `client_id` and
 *    `redirect_uri` and the `code_verifier`; any attempt with a live code consumes it.
 * Errors at the authorization endpoint are answered in the OAuth JSON shape to the caller, never
 * redirected (the node has no user agent to show them to, and an unchecked redirect is an open one).
 */

export const AUTHORIZATION_CODE_TTL_SECONDS = 120;

interface Authorized<O> {
  readonly offer: O;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
}

const bad = (m: string): never => {
  throw new GongzhiError('IDENTITY_OID4VCI_BAD_AUTHORIZATION_REQUEST', m);
};
const grantFail = (m: string): never => {
  throw new GongzhiError('IDENTITY_OID4VCI_BAD_GRANT', m);
};
const S256 = (verifier: string) =>
  toBase64Url(new Uint8Array(createHash('sha256').update(verifier, 'ascii').digest()));
/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** A redirect URI a wallet may name: https, a private-use scheme (RFC 8252 §7.1), or http on loopback. */
function redirectOk(uri: string): boolean {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  if (u.hash !== '') return false;
  if (u.protocol === 'https:') return true;
  if (u.protocol === 'http:') return ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname);
  // Private-use schemes are reverse domain names (RFC 8252 §7.1): `com.example.wallet:`.
  return /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/.test(u.protocol);
}

export class AuthorizationCodeFlow<O extends { readonly config: { readonly id: string } }> {
  constructor(
    /** issuer_state → the offer it stands for. */
    private readonly states: Expiring<O>,
    /** code → what was authorised. */
    private readonly codes: Expiring<Authorized<O>>,
    /** Codes taken already (shared with the pre-authorised codes: both are random). */
    private readonly redeemed: Expiring<true>,
    private readonly ttl: number,
  ) {}

  /** Keep an offer under a fresh issuer_state (one authorization request may use it). */
  offer(offer: O, ttlSeconds: number): string {
    const issuerState = toBase64Url(new Uint8Array(randomBytes(32)));
    this.states.set(issuerState, offer, ttlSeconds);
    return issuerState;
  }

  /** The authorization endpoint: the redirect location, or IDENTITY_OID4VCI_BAD_AUTHORIZATION_REQUEST. */
  authorize(issuer: string, q: Readonly<Record<string, string | undefined>>): string {
    if (q.response_type !== 'code') return bad('response_type must be code');
    const clientId = q.client_id ?? '';
    if (clientId.length === 0 || clientId.length > 512) return bad('client_id is required');
    const redirectUri = q.redirect_uri ?? '';
    if (!redirectOk(redirectUri))
      return bad('redirect_uri must be https, a private-use scheme, or http on a loopback address');
    if (q.code_challenge_method !== 'S256') return bad('PKCE is required: code_challenge_method S256');
    const challenge = q.code_challenge ?? '';
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge))
      return bad('code_challenge must be the base64url SHA-256 of a verifier');
    if (q.state !== undefined && q.state.length > 512) return bad('state is at most 512 characters');
    const offer = this.states.get(q.issuer_state ?? '');
    if (offer === undefined)
      return bad('issuer_state is unknown, expired or used: ask the issuer for a new offer');
    const wanted = requestedConfigurations(q);
    if (wanted.length > 0 && !wanted.every((id) => id === offer.config.id)) {
      return bad(`this offer is for credential configuration ${offer.config.id} only`);
    }
    // The issuer_state goes with its first authorization: a replayed link authorises nothing.
    if (this.states.take(q.issuer_state ?? '') === undefined) return bad('issuer_state is used');
    const code = toBase64Url(new Uint8Array(randomBytes(32)));
    this.codes.set(code, { offer, clientId, redirectUri, challenge }, AUTHORIZATION_CODE_TTL_SECONDS);
    const to = new URL(redirectUri);
    to.searchParams.set('code', code);
    if (q.state !== undefined) to.searchParams.set('state', q.state);
    to.searchParams.set('iss', issuer);
    return to.toString();
  }

  /**
   * The token request's check (grant_type authorization_code): the offer, or BAD_GRANT
   * (CODE_USED for a code taken before). Any request naming a live code consumes it, so a
   * stolen code without its verifier is spent by the first wrong guess.
   */
  redeem(form: Readonly<Record<string, string | undefined>>): O {
    const code = form.code ?? '';
    if (this.redeemed.get(code) !== undefined) {
      throw new GongzhiError('IDENTITY_OID4VCI_CODE_USED', 'this authorization code was redeemed already');
    }
    const a = this.codes.take(code);
    if (a === undefined) return grantFail('unknown or expired authorization code');
    this.redeemed.set(code, true, this.ttl);
    if (form.client_id !== a.clientId) return grantFail('client_id is not the one the code was issued to');
    if (form.redirect_uri !== a.redirectUri)
      return grantFail('redirect_uri is not the authorization request’s');
    const verifier = form.code_verifier ?? '';
    if (!VERIFIER.test(verifier) || S256(verifier) !== a.challenge) {
      return grantFail('code_verifier does not match the code_challenge (PKCE)');
    }
    return a.offer;
  }
}

/** Configuration ids named by `authorization_details` (type openid_credential) or `scope`. */
function requestedConfigurations(q: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  if (q.authorization_details !== undefined) {
    let d: unknown;
    try {
      d = JSON.parse(q.authorization_details);
    } catch {
      return bad('authorization_details must be a JSON array');
    }
    if (!Array.isArray(d) || d.length === 0)
      return bad('authorization_details must be a non-empty JSON array');
    for (const e of d as unknown[]) {
      const r = e as { type?: unknown; credential_configuration_id?: unknown } | null;
      if (r?.type !== 'openid_credential' || typeof r.credential_configuration_id !== 'string') {
        return bad(
          'each authorization_details entry is {type: openid_credential, credential_configuration_id}',
        );
      }
      out.push(r.credential_configuration_id);
    }
  }
  // Each configuration's `scope` in the issuer metadata is its id.
  if (q.scope !== undefined) out.push(...q.scope.split(' ').filter((s) => s !== '' && s !== 'openid'));
  return out;
}
