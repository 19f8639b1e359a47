import { defineErrors } from '../../execution/index.js';

/**
 * The evidence module's codes. EVIDENCE_BAD_DIGEST, EVIDENCE_BAD_PROOF, EVIDENCE_CERT_INVALID and
 * EVIDENCE_NOT_FOUND are core codes: the SDK raises them (verifying certificates offline, building
 * cross-group proofs) without this module.
 */
export const EVIDENCE_ERRORS = defineErrors({
  EVIDENCE_ALREADY_SIGNED: [409, 'This account already signed this evidence; nothing to do.'],
  EVIDENCE_NOT_SIGNER: [403, 'Only an account that anchored or co-signed this evidence may do this.'],
  EVIDENCE_REVOKED: [409, 'This signature was revoked; a revoked signer cannot act on the record again.'],
  EVIDENCE_EXISTS: [409, 'This digest is already anchored: co-sign it instead, or look it up.'],
  EVIDENCE_LIMIT: [409, 'The record is full (signers or notes); anchor a new record that refers to it.'],
});

type Codes = { readonly [K in keyof typeof EVIDENCE_ERRORS]: true };
declare module '../../errors/codes.js' {
  interface ModuleErrorCodes extends Codes {}
}
