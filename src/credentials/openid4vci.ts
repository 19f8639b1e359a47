import { randomBytes } from 'node:crypto';
import { importJwk, type SuiteId } from '../crypto/index.js';
import { toBase64Url } from '../encoding/index.js';
import { type ErrorCode, GongzhiError } from '../errors/index.js';
import type { ResolutionJson } from '../modules/identity/index.js';
import type { CredentialConfiguration, StatusSigner } from '../node/index.js';
import { AuthorizationCodeFlow } from './authorization-code.js';
import { issueSdJwtVc, validateClaims } from './credentials.js';
import { didJwkOf } from './did-methods.js';
import { Expiring, MemorySecrets, type SecretBackend } from './expiring.js';
import { decodeCompact, joseAlg, jwsVerify, keyTypeOfJwk } from './keys.js';
import type { LedgerReader } from './verify.js';

/**
 * The credential issuer side of OpenID for Verifiable Credential Issuance 1.0 (final, 2025),
 * pre-authorised code flow (below) and the authorization code flow with PKCE
 * (./authorization-code.ts, the same offer with `grant: 'authorization_code'`), SD-JWT VC
 * (`dc+sd-jwt`) only:
 * 1. the issuer's back office asks for an offer with a JWS signed by a key of its DID (so no
 *    one else can make this node sign in its name), naming a credential configuration, the
 *    claims and optionally a tx_code; it gets the Credential Offer (§4.1) with a
 *    pre-authorised code, which it hands to the holder (QR code, link);
 * 2. the wallet redeems the code at the token endpoint (§6, RFC 6749 form) for an access token;
 * 3. the wallet gets a `c_nonce` at the nonce endpoint (§7) and signs a proof JWT
 *    (`openid4vci-proof+jwt`, Appendix F.1) with the key the credential is to be bound to;
 * 4. the credential endpoint (§8) checks token, proof and nonce and returns the SD-JWT VC,
 *    `cnf.jwk` = the proof's key.
 * Codes, tokens and nonces are one-time and expire; a code is redeemed once, a token issues one
 * credential, a nonce is consumed by one proof. Errors are GongzhiErrors whose OAuth `error`
 * string is `OAUTH_ERROR[code]`.
 */

export const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
export const PROOF_TYP = 'openid4vci-proof+jwt';
/** Lifetimes, seconds. */
export const OFFER_TTL_SECONDS = 600;
export const TOKEN_TTL_SECONDS = 300;
export const NONCE_TTL_SECONDS = 300;
/** A proof JWT's `iat` may be this old (and this far ahead: the skew). */
const PROOF_MAX_AGE = 300;
const SKEW = 60;
const DEFAULT_VALIDITY = 365 * 86_400;

/** The OAuth / OpenID4VCI `error` value of each code (RFC 6749 §5.2, OpenID4VCI §6.3, §8.3.1). */
export const OAUTH_ERROR: Partial<Record<ErrorCode, string>> = {
  IDENTITY_OID4VCI_BAD_OFFER_REQUEST: 'invalid_request',
  IDENTITY_OID4VCI_UNKNOWN_CONFIGURATION: 'unknown_credential_configuration',
  IDENTITY_OID4VCI_UNSUPPORTED_GRANT: 'unsupported_grant_type',
  IDENTITY_OID4VCI_BAD_AUTHORIZATION_REQUEST: 'invalid_request',
  IDENTITY_OID4VCI_BAD_GRANT: 'invalid_grant',
  IDENTITY_OID4VCI_CODE_USED: 'invalid_grant',
  IDENTITY_OID4VCI_BAD_TOKEN: 'invalid_token',
  IDENTITY_OID4VCI_BAD_PROOF: 'invalid_proof',
  IDENTITY_OID4VCI_BAD_NONCE: 'invalid_nonce',
  IDENTITY_OID4VCI_BAD_REQUEST: 'invalid_credential_request',
  IDENTITY_CLAIMS_INVALID: 'invalid_request',
  IDENTITY_OID4VP_BAD_QUERY: 'invalid_request',
  IDENTITY_OID4VP_UNKNOWN_REQUEST: 'invalid_request',
  IDENTITY_OID4VP_BAD_RESPONSE: 'invalid_request',
  IDENTITY_OID4VP_NONCE_MISMATCH: 'invalid_request',
  IDENTITY_OID4VP_NO_VERIFIER_KEY: 'invalid_request',
  IDENTITY_OID4VP_BAD_ENCRYPTION: 'invalid_request',
};

/** What the issuance needs from the node. */
export interface IssuanceEnv {
  readonly configurations: readonly CredentialConfiguration[];
  readonly signers: readonly StatusSigner[];
  /** Read access to the group an issuer DID lives in (undefined: not served here). */
  readonly reader: (group: string) => LedgerReader | undefined;
  /** The vct URL and the status list URL of a credential, under this node's public URL. */
  readonly vct: (base: string, group: string, schemaId: number, version: number) => string;
  readonly statusUri: (base: string, group: string, issuerId: string, list: string) => string;
  /** Seconds since the epoch. */
  readonly now?: () => number;
  /** Where codes, tokens and nonces are kept (the node's SQLite file; default: memory). */
  readonly store?: SecretBackend;
}

interface Offer {
  readonly config: CredentialConfiguration;
  readonly group: string;
  readonly claims: Record<string, unknown>;
  readonly subject?: string;
  readonly status?: {
    readonly list: string;
    readonly index: number;
    readonly purpose: 'revocation' | 'suspension';
  };
  readonly txCode?: string;
  /** The credential issuer URL the offer was made under (proof `aud`). */
  readonly base: string;
}

const fail = (
  code: ErrorCode,
  message: string,
  details: Record<string, string | number | boolean> = {},
): never => {
  throw new GongzhiError(code, message, details);
};
const secret = () => toBase64Url(new Uint8Array(randomBytes(32)));
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `did:gongzhi:<chain>:<group>:<id>` → group and id. */
function groupOf(did: string): { group: string; id: string } | undefined {
  const p = did.split(':');
  return p.length === 5 && p[0] === 'did' && p[1] === 'gongzhi'
    ? { group: p[3] as string, id: p[4] as string }
    : undefined;
}

export class CredentialIssuance {
  private readonly now: () => number;
  private readonly offers: Expiring<Offer>;
  /** Redeemed codes, kept until they would have expired: a second redemption is CODE_USED, not BAD_GRANT. */
  private readonly redeemed: Expiring<true>;
  private readonly tokens: Expiring<Offer>;
  private readonly nonces: Expiring<true>;
  private readonly store: SecretBackend;
  private readonly authz: AuthorizationCodeFlow<Offer>;

  constructor(private readonly env: IssuanceEnv) {
    this.now = env.now ?? (() => Math.floor(Date.now() / 1000));
    this.store = env.store ?? new MemorySecrets();
    this.offers = new Expiring(this.store, 'vci-offer', 10_000, this.now);
    this.redeemed = new Expiring(this.store, 'vci-redeemed', 10_000, this.now);
    this.tokens = new Expiring(this.store, 'vci-token', 10_000, this.now);
    this.nonces = new Expiring(this.store, 'vci-nonce', 50_000, this.now);
    this.authz = new AuthorizationCodeFlow(
      new Expiring(this.store, 'vci-issuer-state', 10_000, this.now),
      new Expiring(this.store, 'vci-authz-code', 10_000, this.now),
      this.redeemed,
      OFFER_TTL_SECONDS,
    );
  }

  /** Credential Issuer Metadata (§12.2) of the issuer at `base`. */
  metadata(base: string): Record<string, unknown> {
    const configs: Record<string, unknown> = {};
    for (const c of this.env.configurations) {
      const signer = this.env.signers.find((s) => s.did === c.did);
      const g = groupOf(c.did);
      if (signer === undefined || g === undefined) continue;
      configs[c.id] = {
        format: 'dc+sd-jwt',
        // The scope a wallet may ask for in the authorization code flow.
        scope: c.id,
        vct: this.env.vct(base, g.group, c.schemaId, c.version),
        cryptographic_binding_methods_supported: ['jwk'],
        credential_signing_alg_values_supported: [joseAlg(signer.type)],
        proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['EdDSA', 'ES256K'] } },
        ...(c.name === undefined
          ? {}
          : { credential_metadata: { display: [{ name: c.name, locale: 'en' }] } }),
      };
    }
    return {
      credential_issuer: base,
      credential_endpoint: `${base}/v1/openid4vci/credential`,
      nonce_endpoint: `${base}/v1/openid4vci/nonce`,
      credential_configurations_supported: configs,
    };
  }

  /** OAuth 2.0 Authorization Server Metadata (RFC 8414) of the token endpoint this issuer is its own AS for. */
  authorizationServer(base: string): Record<string, unknown> {
    return {
      issuer: base,
      token_endpoint: `${base}/v1/openid4vci/token`,
      authorization_endpoint: `${base}/v1/openid4vci/authorize`,
      grant_types_supported: [PRE_AUTHORIZED_GRANT, 'authorization_code'],
      'pre-authorized_grant_anonymous_access_supported': true,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      authorization_details_types_supported: ['openid_credential'],
      token_endpoint_auth_methods_supported: ['none'],
      authorization_response_iss_parameter_supported: true,
    };
  }

  /**
   * An offer from the issuer's signed request: a compact JWS, `kid` a current authentication or
   * assertion key of `iss` (a did:gongzhi DID on this node), payload
   * `{iss, iat, credential_configuration_id, claims, sub?, status?: {list, index, purpose?}, tx_code?,
   * grant?: 'pre-authorized_code' | 'authorization_code'}` (default the pre-authorised code).
   */
  async createOffer(
    base: string,
    request: string,
  ): Promise<{
    credential_offer: Record<string, unknown>;
    credential_offer_uri: string;
    expires_in: number;
  }> {
    const bad = (m: string) => fail('IDENTITY_OID4VCI_BAD_OFFER_REQUEST', m);
    let jws: ReturnType<typeof decodeCompact>;
    try {
      jws = decodeCompact(request);
    } catch {
      return bad('the offer request is not a compact JWS');
    }
    const { header, payload: p } = jws;
    const iss = typeof p.iss === 'string' ? p.iss : '';
    const g = groupOf(iss);
    const reader = g === undefined ? undefined : this.env.reader(g.group);
    if (g === undefined || reader === undefined)
      return bad('iss must be a did:gongzhi DID of a group on this node');
    const res = (await reader.query('identity', 'resolve', { did: iss })) as ResolutionJson;
    const kid = typeof header.kid === 'string' ? header.kid : '';
    const doc = res.didDocument;
    const vm = doc.verificationMethod.find((m) => m.id === kid);
    const usable = [...doc.authentication, ...doc.assertionMethod].includes(kid);
    if (
      vm === undefined ||
      !usable ||
      res.didDocumentMetadata.deactivated ||
      !jwsVerify(vm.publicKeyJwk, jws.input, jws.signature)
    ) {
      return bad('the offer request is not signed by a current key of the issuer');
    }
    const iat = typeof p.iat === 'number' ? p.iat : Number.NaN;
    const now = this.now();
    if (!(iat >= now - PROOF_MAX_AGE - SKEW && iat <= now + SKEW))
      return bad('the offer request is not dated now (iat)');
    const config = this.env.configurations.find((c) => c.id === p.credential_configuration_id);
    if (config === undefined || config.did !== iss) {
      return fail(
        'IDENTITY_OID4VCI_UNKNOWN_CONFIGURATION',
        'no such credential configuration of this issuer',
        {
          id: String(p.credential_configuration_id).slice(0, 100),
        },
      );
    }
    if (!this.env.signers.some((s) => s.did === iss))
      return bad('this node holds no credential key of the issuer');
    if (!isObj(p.claims)) return bad('claims must be an object');
    const schema = (await reader.query('identity', 'schema', {
      schemaId: config.schemaId,
      version: config.version,
    })) as { schema: unknown };
    validateClaims(schema.schema, p.claims);
    const st = p.status;
    let status: Offer['status'];
    if (st !== undefined) {
      if (
        !isObj(st) ||
        typeof st.list !== 'string' ||
        !Number.isSafeInteger(st.index) ||
        (st.index as number) < 0
      ) {
        return bad('status must be {list, index, purpose?}');
      }
      status = {
        list: st.list,
        index: st.index as number,
        purpose: st.purpose === 'suspension' ? 'suspension' : 'revocation',
      };
    }
    if (p.tx_code !== undefined && (typeof p.tx_code !== 'string' || !/^[0-9]{4,12}$/.test(p.tx_code))) {
      return bad('tx_code must be 4 to 12 digits');
    }
    if (p.sub !== undefined && typeof p.sub !== 'string') return bad('sub must be a string');
    if (p.grant !== undefined && p.grant !== 'pre-authorized_code' && p.grant !== 'authorization_code') {
      return bad('grant must be pre-authorized_code or authorization_code');
    }
    if (p.grant === 'authorization_code' && p.tx_code !== undefined)
      return bad('tx_code belongs to the pre-authorised code grant');
    const offer: Offer = {
      config,
      group: g.group,
      claims: p.claims,
      ...(typeof p.sub === 'string' ? { subject: p.sub } : {}),
      ...(status === undefined ? {} : { status }),
      ...(typeof p.tx_code === 'string' ? { txCode: p.tx_code } : {}),
      base,
    };
    let grants: Record<string, unknown>;
    if (p.grant === 'authorization_code') {
      grants = { authorization_code: { issuer_state: this.authz.offer(offer, OFFER_TTL_SECONDS) } };
    } else {
      const code = secret();
      this.offers.set(code, offer, OFFER_TTL_SECONDS);
      const grant: Record<string, unknown> = { 'pre-authorized_code': code };
      if (typeof p.tx_code === 'string') grant.tx_code = { input_mode: 'numeric', length: p.tx_code.length };
      grants = { [PRE_AUTHORIZED_GRANT]: grant };
    }
    const credential_offer = {
      credential_issuer: base,
      credential_configuration_ids: [config.id],
      grants,
    };
    return {
      credential_offer,
      credential_offer_uri: `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(credential_offer))}`,
      expires_in: OFFER_TTL_SECONDS,
    };
  }

  /** Authorization endpoint (§5, RFC 6749 §4.1.1 with PKCE): where to redirect the wallet. */
  authorize(base: string, query: Readonly<Record<string, string | undefined>>): string {
    return this.authz.authorize(base, query);
  }

  /** Token endpoint (§6): the form parameters of an RFC 6749 token request. */
  token(form: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
    if (form.grant_type === 'authorization_code') {
      // Outside a transaction: a refused attempt still consumes the code.
      const offer = this.authz.redeem(form);
      const token = secret();
      this.tokens.set(token, offer, TOKEN_TTL_SECONDS);
      return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_TTL_SECONDS };
    }
    if (form.grant_type !== PRE_AUTHORIZED_GRANT) {
      return fail(
        'IDENTITY_OID4VCI_UNSUPPORTED_GRANT',
        'the grants are the pre-authorised code and authorization_code',
      );
    }
    const code = form['pre-authorized_code'] ?? '';
    if (this.redeemed.get(code) !== undefined) {
      return fail('IDENTITY_OID4VCI_CODE_USED', 'this pre-authorised code was redeemed already');
    }
    const offer = this.offers.get(code);
    if (offer === undefined)
      return fail('IDENTITY_OID4VCI_BAD_GRANT', 'unknown or expired pre-authorised code');
    if (offer.txCode !== undefined && form.tx_code !== offer.txCode) {
      return fail('IDENTITY_OID4VCI_BAD_GRANT', 'wrong tx_code');
    }
    const token = secret();
    // The code goes, its used-marker and the token come, in one transaction.
    this.store.atomically(() => {
      this.offers.delete(code);
      this.redeemed.set(code, true, OFFER_TTL_SECONDS);
      this.tokens.set(token, offer, TOKEN_TTL_SECONDS);
    });
    return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_TTL_SECONDS };
  }

  /** Nonce endpoint (§7). */
  nonce(): { c_nonce: string } {
    const c = secret();
    this.nonces.set(c, true, NONCE_TTL_SECONDS);
    return { c_nonce: c };
  }

  /** Credential endpoint (§8): the bearer token and the JSON request body. */
  async credential(authorization: string | undefined, body: unknown): Promise<Record<string, unknown>> {
    const m = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(authorization ?? '');
    const offer = m === null ? undefined : this.tokens.get(m[1] as string);
    if (m === null || offer === undefined)
      return fail('IDENTITY_OID4VCI_BAD_TOKEN', 'missing, unknown or expired access token');
    if (!isObj(body)) return fail('IDENTITY_OID4VCI_BAD_REQUEST', 'the request must be a JSON object');
    if (body.credential_configuration_id !== offer.config.id) {
      return fail(
        'IDENTITY_OID4VCI_UNKNOWN_CONFIGURATION',
        'the token was not issued for this credential configuration',
      );
    }
    const proofs = isObj(body.proofs) ? body.proofs.jwt : undefined;
    if (!Array.isArray(proofs) || proofs.length !== 1 || typeof proofs[0] !== 'string') {
      return fail('IDENTITY_OID4VCI_BAD_REQUEST', 'send proofs.jwt with exactly one proof JWT');
    }
    const holder = this.checkProof(proofs[0], offer.base);
    const signer = this.env.signers.find((s) => s.did === offer.config.did);
    const reader = this.env.reader(offer.group);
    if (signer === undefined || reader === undefined)
      return fail('IDENTITY_OID4VCI_BAD_TOKEN', 'the issuer is no longer served here');
    const schema = (await reader.query('identity', 'schema', {
      schemaId: offer.config.schemaId,
      version: offer.config.version,
    })) as { schema: unknown };
    // One credential per token: the token goes before the credential is signed, and only one
    // of two requests racing with the same token takes it.
    if (this.tokens.take(m[1] as string) === undefined)
      return fail('IDENTITY_OID4VCI_BAD_TOKEN', 'missing, unknown or expired access token');
    const now = this.now();
    const g = groupOf(offer.config.did) as { group: string; id: string };
    const [, , chain] = offer.config.did.split(':');
    const credential = await issueSdJwtVc({
      issuer: { ...signer, kid: `${signer.did}#${signer.fragment}` },
      subject: offer.subject ?? didJwkOf(holder.jwk),
      holder: { type: holder.type, publicKey: holder.publicKey },
      schema: { schemaId: offer.config.schemaId, version: offer.config.version, schema: schema.schema },
      vctPrefix: `did:gongzhi:${chain}:${g.group}`,
      vct: this.env.vct(offer.base, g.group, offer.config.schemaId, offer.config.version),
      claims: offer.claims,
      ...(offer.config.selective === undefined ? {} : { selective: offer.config.selective }),
      iat: now,
      exp: now + (offer.config.validitySeconds ?? DEFAULT_VALIDITY),
      ...(offer.status === undefined
        ? {}
        : {
            status: {
              ...offer.status,
              uri: this.env.statusUri(offer.base, g.group, g.id, offer.status.list),
            },
          }),
    });
    return { credentials: [{ credential }] };
  }

  /** A proof JWT (Appendix F.1, F.4): the holder's key, or BAD_PROOF / BAD_NONCE. */
  private checkProof(
    proof: string,
    aud: string,
  ): { jwk: Parameters<typeof didJwkOf>[0]; type: SuiteId; publicKey: Uint8Array } {
    const bad = (m: string) => fail('IDENTITY_OID4VCI_BAD_PROOF', m);
    let d: ReturnType<typeof decodeCompact>;
    try {
      d = decodeCompact(proof);
    } catch {
      return bad('the proof is not a compact JWS');
    }
    const { header: h, payload: p } = d;
    if (h.typ !== PROOF_TYP) return bad(`proof typ must be ${PROOF_TYP}`);
    if (h.kid !== undefined || h.x5c !== undefined) return bad('name the key by `jwk` only');
    const type = keyTypeOfJwk(h.jwk);
    if (type === undefined || h.alg !== joseAlg(type))
      return bad('proof key must be an Ed25519 (EdDSA) or secp256k1 (ES256K) JWK');
    if (isObj(h.jwk) && h.jwk.d !== undefined) return bad('the proof jwk must be a public key');
    if (!jwsVerify(h.jwk, d.input, d.signature))
      return bad('the proof signature does not verify with its jwk');
    if (p.aud !== aud) return bad(`proof aud must be the credential issuer ${aud}`);
    const iat = typeof p.iat === 'number' ? p.iat : Number.NaN;
    const now = this.now();
    if (!(iat >= now - PROOF_MAX_AGE - SKEW && iat <= now + SKEW)) return bad('proof iat is not now');
    if (typeof p.nonce !== 'string' || this.nonces.take(p.nonce) === undefined) {
      return fail('IDENTITY_OID4VCI_BAD_NONCE', 'the proof nonce is missing, unknown, expired or used');
    }
    const jwk = h.jwk as Parameters<typeof didJwkOf>[0];
    return { jwk, type, publicKey: importJwk(type, jwk).publicKey };
  }
}
