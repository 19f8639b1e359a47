export {
  credentialDigest,
  type IssueInput,
  issueJwtVc,
  issuerJwtOf,
  issueSdJwtVc,
  presentSdJwtVc,
  QR_MAX_BYTES,
  type SchemaRef,
  type StatusRef,
  schemaOfVct,
  statusListUrl,
  validateClaims,
  vctOf,
  vctPath,
  vctUrl,
} from './credentials.js';
export {
  base58btc,
  DID_V1,
  type DidDocument,
  type DidWebFetched,
  didJwkDocument,
  didJwkOf,
  didKeyDocument,
  didKeyOf,
  didWebUrl,
  type FetchPolicy,
  fetchAllowed,
  fetchAllowedResponse,
  fetchDidWeb,
  fromBase58btc,
  hostAllowed,
  JWS_2020_V1,
  jwkOfMethod,
  MULTIKEY_V1,
  resolveDidWeb,
  type Validators,
  type VerificationMethod,
} from './did-methods.js';
export {
  type DereferencingResult,
  DID_ERROR_STATUS,
  DID_JSON,
  DID_LD_JSON,
  type DidDocumentMetadata,
  type DidErrorName,
  type DidResolutionMetadata,
  type DidResolutionResult,
  type DidUrl,
  dereferenceDidUrl,
  gongzhiDocument,
  parseDidUrl,
  RESOLUTION_MEDIA,
  type Resolved,
  type ResolveOptions,
  type ResolverEnv,
  resolveDid,
  xmlDateTime,
} from './did-resolver.js';
export {
  DID_WEB_MAX_AGE_SECONDS,
  DID_WEB_REFETCH_AFTER_SECONDS,
  DidWebCache,
  type DidWebCacheOptions,
} from './did-web-cache.js';
export { Expiring, MemorySecrets, type SecretBackend } from './expiring.js';
export { HeadMemo } from './head-memo.js';
export { freshnessSeconds, mayStore, updatedHeaders } from './http-freshness.js';
export { decryptResponse, newResponseKey, RESPONSE_ENC_VALUES } from './jwe-ecdh.js';
export {
  decodeCompact,
  decodeCompactHeader,
  type JoseAlg,
  joseAlg,
  jwsSign,
  jwsVerify,
  jwsVerifyAsync,
  publicJwk,
  type SigningKey,
  signCompact,
} from './keys.js';
export {
  CredentialIssuance,
  type IssuanceEnv,
  NONCE_TTL_SECONDS,
  OAUTH_ERROR,
  OFFER_TTL_SECONDS,
  PRE_AUTHORIZED_GRANT,
  PROOF_TYP,
  TOKEN_TTL_SECONDS,
} from './openid4vci.js';
export {
  type ClientIdPrefix,
  type DcqlCredentialQuery,
  type DcqlQuery,
  type PresentationOutcome,
  PresentationRequests,
  parseDcql,
  REQUEST_TTL_SECONDS,
  type RequestOptions,
  type RequestPolicy,
  type ResponseMode,
  type VerifierEnv,
} from './openid4vp.js';
export {
  didRequestSigner,
  REQUEST_OBJECT_AUD,
  REQUEST_OBJECT_TYP,
  type RequestSigner,
  signRequestObject,
  x509RequestSigners,
} from './request-object.js';
export { decodeVerifiedSdJwt, type VerifiedSdJwt } from './sd-jwt-result.js';
export { deepFreeze, verifySdJwtSignatures } from './sd-jwt-verify.js';
export {
  bitstringStatusListCredential,
  parseStatusListUrl,
  readBitstringStatusList,
  readStatusListToken,
  type StatusListSource,
  type StatusTimes,
  statusListPath,
  statusListToken,
  TOKEN_STATUS,
  tokenStatusBytes,
} from './status.js';
export { StatusFetchCache } from './status-fetch-cache.js';
export {
  DEFAULT_STATUS_TTL_SECONDS,
  DEFAULT_STATUS_VALIDITY_SECONDS,
  type Published,
  type PublisherOptions,
  type PublishRequest,
  StatusPublisher,
} from './status-publisher.js';
export { type SchemaRecord, type TypeMetadata, typeMetadata } from './type-metadata.js';
export {
  CHECK_CODES,
  type Check,
  type CheckName,
  CLOCK_SKEW_SECONDS,
  type CredentialFacts,
  KB_MAX_AGE_SECONDS,
  type LedgerReader,
  type VerificationResult,
  type VerifierPolicy,
  type VerifyOptions,
  verifyPresentation,
} from './verify.js';
export { type StatusOptions, type StatusReference, statusReferences } from './verify-status.js';
