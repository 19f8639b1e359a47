/**
 * Stable error codes. A code never changes meaning once released; new codes are appended.
 * The HTTP status is the one the node API answers with when the error reaches a client.
 */
export const ERROR_CODES = {
  // encoding
  ENCODING_INVALID: 400,
  ENCODING_NON_CANONICAL: 400,
  ENCODING_UNSUPPORTED_TYPE: 400,
  // crypto / keys
  CRYPTO_UNKNOWN_SUITE: 400,
  CRYPTO_BAD_KEY: 400,
  CRYPTO_BAD_SIGNATURE_ENCODING: 400,
  KEYSTORE_BAD_PASSWORD: 400,
  KEYSTORE_INVALID: 400,
  // transaction admission
  TX_MALFORMED: 400,
  TX_TOO_LARGE: 413,
  TX_WRONG_CHAIN: 400,
  TX_WRONG_GROUP: 400,
  TX_UNKNOWN_GROUP: 404,
  TX_BAD_SIGNATURE: 401,
  TX_EXPIRED: 400,
  TX_WINDOW_TOO_LONG: 400,
  TX_NONCE_REPLAYED: 409,
  TX_DUPLICATE: 409,
  TX_NOT_FOUND: 404,
  TX_SUITE_MISMATCH: 400,
  // execution (recorded in receipts)
  EXEC_UNKNOWN_MODULE: 400,
  EXEC_UNKNOWN_METHOD: 400,
  EXEC_BAD_ARGS: 400,
  EXEC_PERMISSION_DENIED: 403,
  EXEC_ACCOUNT_FROZEN: 403,
  EXEC_INTERNAL: 500,
  // governance
  GOV_NOT_COMMITTEE: 403,
  GOV_PROPOSAL_NOT_FOUND: 404,
  GOV_PROPOSAL_CLOSED: 409,
  GOV_ALREADY_VOTED: 409,
  GOV_INVALID_CHANGE: 400,
  GOV_UNKNOWN_ORG: 404,
  // evidence
  EVIDENCE_NOT_FOUND: 404,
  EVIDENCE_ALREADY_SIGNED: 409,
  EVIDENCE_NOT_SIGNER: 403,
  EVIDENCE_REVOKED: 409,
  EVIDENCE_BAD_DIGEST: 400,
  EVIDENCE_BAD_PROOF: 400,
  EVIDENCE_CERT_INVALID: 400,
  EVIDENCE_EXISTS: 409,
  EVIDENCE_LIMIT: 409,
  // chain / storage
  BLOCK_NOT_FOUND: 404,
  CHAIN_INVALID: 500,
  STORAGE_FAILURE: 500,
  GENESIS_INVALID: 400,
  CONFIG_INVALID: 400,
  // node service
  MEMPOOL_FULL: 503,
  NODE_SHUTTING_DOWN: 503,
  NODE_TIMEOUT: 504,
  API_BAD_REQUEST: 400,
  API_NOT_FOUND: 404,
  API_BODY_TOO_LARGE: 413,
  SDK_HTTP: 502,
  API_INTERNAL: 500,
  API_UNSUPPORTED_MEDIA_TYPE: 415,
  SDK_BAD_PROOF: 400,
  CRYPTO_WORKER_UNAVAILABLE: 500,
} as const;

/** A stable machine-readable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** HTTP status for a code (500 for anything unknown). */
export function httpStatusFor(code: string): number {
  return (ERROR_CODES as Record<string, number>)[code] ?? 500;
}

/** True when `code` is one of the stable codes. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
