import { defineErrors } from '../../execution/index.js';

/**
 * The identity module's codes: ledger operations, and the failed checks of credential
 * verification (`Check.code`, `VerificationResult.errors`) raised by `src/credentials`.
 */
export const IDENTITY_ERRORS = defineErrors({
  IDENTITY_BAD_DID: [
    400,
    'Give a DID of this group, did:gongzhi:<chain>:<group>:gz<40 hex>, or its id gz<40 hex> where an id is asked for.',
  ],
  IDENTITY_NOT_FOUND: [
    404,
    'No DID document with this DID in this group (or not yet at the height asked for); create it first.',
  ],
  IDENTITY_EXISTS: [409, 'This DID exists already.'],
  IDENTITY_DEACTIVATED: [409, 'The DID was deactivated and cannot change any more.'],
  IDENTITY_NOT_CONTROLLER: [403, 'Sign with a key of the DID’s controller.'],
  IDENTITY_NOT_AGENT: [403, 'Only an organisation recognised as a user agent may create DIDs for residents.'],
  IDENTITY_BAD_CONSENT: [403, 'The holder’s consent signature is missing or does not verify.'],
  IDENTITY_BAD_KEY: [400, 'The key is not a valid public key of the chain’s suite.'],
  IDENTITY_KEY_EXISTS: [
    409,
    'A key with this fragment exists (or existed: fragments are never reused); pick another fragment.',
  ],
  IDENTITY_KEY_NOT_FOUND: [
    404,
    'No active key with this fragment in the DID document; resolve the DID to see its keys.',
  ],
  IDENTITY_LAST_KEY: [
    409,
    'A DID keeps an active authentication key of the chain’s key type, or a controller: add one first.',
  ],
  IDENTITY_LIMIT: [409, 'A size or count limit was reached; see the message.'],
  IDENTITY_ALREADY_RECOGNISED: [409, 'This issuer is already recognised in this category; nothing to do.'],
  IDENTITY_NOT_RECOGNISED: [
    403,
    'The issuer is not recognised for this credential type; the committee recognises issuers.',
  ],
  IDENTITY_BAD_SCHEMA: [400, 'Give a valid JSON Schema for the claims.'],
  IDENTITY_SCHEMA_RANGE: [403, 'This schema id range is reserved; pick an id in the open range.'],
  IDENTITY_SCHEMA_NOT_OWNER: [403, 'Only the schema’s owner may change it.'],
  IDENTITY_SCHEMA_NOT_FOUND: [404, 'No schema with this id.'],
  IDENTITY_STATUS_LIST_EXISTS: [
    409,
    'This issuer has a status list with this name already; pick another name.',
  ],
  IDENTITY_STATUS_LIST_NOT_FOUND: [404, 'The issuer has no status list with this name.'],
  IDENTITY_STATUS_INDEX: [400, 'Give a status index within the list (0 ≤ index < size).'],
  IDENTITY_CREDENTIAL_INVALID: [400, 'The credential is malformed; issue it again with the SDK or CLI.'],
  IDENTITY_CLAIMS_INVALID: [400, 'The claims do not match the schema; fix the field named.'],
  IDENTITY_UNSUPPORTED_ALG: [400, 'Use a signature algorithm of the chain’s suite.'],
  IDENTITY_TOO_LARGE: [400, 'The credential or presentation is too large.'],
  IDENTITY_BAD_FORMAT: [400, 'Present an SD-JWT VC or a VC-JWT as issued.'],
  IDENTITY_ISSUER_UNRESOLVED: [404, 'The issuer’s DID does not resolve on this ledger.'],
  IDENTITY_KEY_NOT_VALID_AT_ISSUANCE: [
    401,
    'The signing key was not in the issuer’s DID document when the credential was issued.',
  ],
  IDENTITY_BAD_SIGNATURE: [401, 'The credential’s signature does not verify: it was altered or forged.'],
  IDENTITY_BINDING_MISMATCH: [401, 'The presentation is not bound to this verifier’s nonce and audience.'],
  IDENTITY_SCHEMA_MISMATCH: [422, 'The credential does not match the schema it names.'],
  IDENTITY_EXPIRED: [401, 'The credential has expired; ask the issuer for a new one.'],
  IDENTITY_NOT_YET_VALID: [401, 'The credential is not valid yet.'],
  IDENTITY_REVOKED: [403, 'The issuer revoked this credential.'],
  IDENTITY_SUSPENDED: [403, 'The issuer suspended this credential.'],
  IDENTITY_LEDGER_UNAVAILABLE: [
    503,
    'The verifier could not read the ledger (node unreachable, busy or rate-limited): verify again later. This says nothing about the credential.',
  ],
  IDENTITY_DISCLOSURE_MISSING: [400, 'Disclose the claims the verifier asks for.'],
  IDENTITY_NOT_ANCHORED: [404, 'The credential’s digest is not anchored on the ledger.'],
  IDENTITY_KB_EXPIRED: [
    401,
    'The key-binding JWT is older than the verifier accepts (RFC 9901 §7.3); present again with a fresh one.',
  ],
  IDENTITY_KB_NOT_YET_VALID: [
    401,
    'The key-binding JWT is dated in the future beyond the allowed clock skew; check the wallet’s clock.',
  ],
  IDENTITY_SCHEMA_OWNER_MISMATCH: [
    422,
    'The credential names a schema owned by another DID; issuers issue only against their own schemas.',
  ],
  IDENTITY_STATUS_TOKEN_INVALID: [
    401,
    'The status list does not verify with the issuer’s key (signature, typ, uri or list malformed).',
  ],
  IDENTITY_STATUS_TOKEN_EXPIRED: [401, 'The status list has expired; fetch a fresh one from its uri.'],
  IDENTITY_STATUS_SIGNER_MISSING: [
    404,
    'This node holds no status-list key of the issuer; add the issuer’s key to the node config (identity.statusSigners).',
  ],
  IDENTITY_DID_METHOD_UNSUPPORTED: [
    501,
    'This DID method is not resolved here: use did:gongzhi, did:key, did:jwk or an allowed did:web.',
  ],
  IDENTITY_DID_WEB_HOST_NOT_ALLOWED: [
    403,
    'The did:web host is not in the node’s allow-list (identity.didWeb.allowHosts); nothing was fetched.',
  ],
  IDENTITY_DID_WEB_FETCH: [
    502,
    'The did:web document could not be fetched or is not a DID document for this DID.',
  ],
  IDENTITY_DID_URL_NOT_FOUND: [
    404,
    'The DID document has no verification method or service with this fragment.',
  ],
  IDENTITY_VERSION_NOT_FOUND: [
    404,
    'The DID has no version with this versionId, or did not exist at versionTime.',
  ],
  // OpenID4VCI (issuance) and OpenID4VP (presentation) endpoints; the OAuth `error` each maps to is in src/credentials/openid4vci.ts.
  IDENTITY_OID4VCI_BAD_OFFER_REQUEST: [
    400,
    'Sign the offer request (a compact JWS) with a current key of the issuer DID, for one of the issuer’s credential configurations, dated now.',
  ],
  IDENTITY_OID4VCI_UNKNOWN_CONFIGURATION: [
    400,
    'Ask for a credential_configuration_id the offer names (see /.well-known/openid-credential-issuer).',
  ],
  IDENTITY_OID4VCI_UNSUPPORTED_GRANT: [
    400,
    'Use grant_type urn:ietf:params:oauth:grant-type:pre-authorized_code or authorization_code (the grants this issuer supports).',
  ],
  IDENTITY_OID4VCI_BAD_AUTHORIZATION_REQUEST: [
    400,
    'Send response_type=code, client_id, redirect_uri (https, a reverse-domain private-use scheme, or http on loopback), code_challenge with code_challenge_method=S256, and the issuer_state of a live offer (used once).',
  ],
  IDENTITY_OID4VCI_BAD_GRANT: [
    400,
    'The pre-authorised or authorization code is unknown or expired, or the tx_code, client_id, redirect_uri or PKCE code_verifier is wrong; ask the issuer for a new offer.',
  ],
  IDENTITY_OID4VCI_CODE_USED: [
    400,
    'The pre-authorised code was redeemed already; each offer is redeemed once — ask for a new offer.',
  ],
  IDENTITY_OID4VCI_BAD_TOKEN: [
    401,
    'Send the access token from the token endpoint as `Authorization: Bearer …` before it expires.',
  ],
  IDENTITY_OID4VCI_BAD_PROOF: [
    400,
    'Send one proof JWT (typ openid4vci-proof+jwt, EdDSA or ES256K, the public key as `jwk`, aud = the credential issuer, iat now) signed by that key.',
  ],
  IDENTITY_OID4VCI_BAD_NONCE: [
    400,
    'The proof’s nonce is missing, unknown, expired or used; get a fresh c_nonce from the nonce endpoint.',
  ],
  IDENTITY_OID4VCI_BAD_REQUEST: [
    400,
    'Send {credential_configuration_id, proofs: {jwt: [one proof]}}; a token issues one credential.',
  ],
  IDENTITY_OID4VP_BAD_QUERY: [
    400,
    'Send a DCQL query: credentials [{id, format "dc+sd-jwt", meta.vct_values?, claims [{path: [name]}]}] (top-level claims; no credential_sets).',
  ],
  IDENTITY_OID4VP_UNKNOWN_REQUEST: [
    400,
    'No pending presentation request with this state (unknown, expired or answered); start a new request.',
  ],
  IDENTITY_OID4VP_BAD_RESPONSE: [
    400,
    'Post vp_token (a JSON object: credential query id → [presentation]) and state, form-encoded, one entry per query.',
  ],
  IDENTITY_OID4VP_NONCE_MISMATCH: [
    400,
    'The presentation’s key-binding JWT carries another nonce or audience than this request; present again for this request.',
  ],
  IDENTITY_OID4VP_NO_VERIFIER_KEY: [
    400,
    'This node holds no request-signing key for that verifier: add it to node config identity.verifierSigners (a DID key) or identity.verifierCertificates (an X.509 chain), or ask for client_id_prefix redirect_uri.',
  ],
  IDENTITY_OID4VP_BAD_ENCRYPTION: [
    400,
    'This request wants response_mode direct_post.jwt: post `response`, a compact JWE (alg ECDH-ES, enc A128GCM or A256GCM) made to the key in the request’s client_metadata.jwks, with its kid.',
  ],
  IDENTITY_OID4VP_UNKNOWN_TRANSACTION: [
    404,
    'No presentation request with this transaction_id (unknown, expired, or another group’s): use the transaction_id the request’s creation answered.',
  ],
  IDENTITY_OID4VP_BAD_RESPONSE_CODE: [
    403,
    'This request was answered through its redirect_uri: give the response_code from that redirect’s fragment.',
  ],
  IDENTITY_OID4VP_BAD_REDIRECT_URI: [
    400,
    'Give a redirect_uri that is an https URL (or http on localhost / 127.0.0.1 / [::1]) without a fragment.',
  ],
});

type Codes = { readonly [K in keyof typeof IDENTITY_ERRORS]: true };
declare module '../../errors/codes.js' {
  interface ModuleErrorCodes extends Codes {}
}
