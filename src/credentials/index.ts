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
  validateClaims,
  vctOf,
  verifySdJwtSignatures,
} from './credentials.js';
export {
  decodeCompact,
  type JoseAlg,
  joseAlg,
  jwsSign,
  jwsVerify,
  publicJwk,
  type SigningKey,
} from './keys.js';
export {
  CHECK_CODES,
  type Check,
  type CheckName,
  type LedgerReader,
  type VerificationResult,
  type VerifierPolicy,
  verifyPresentation,
} from './verify.js';
