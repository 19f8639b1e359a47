/**
 * Stable error codes. A code never changes meaning once released; new codes are appended.
 *
 * There is one code table. The codes of the platform's own layers are listed here; each ledger
 * module declares its own codes in its manifest (`src/modules/<name>/errors.ts`), and
 * `defineModule` merges them into this table through `registerErrorTable` — a code defined twice
 * is refused. Every code carries the HTTP status the node API answers with and a hint: what the
 * caller can do about it. The CLI, the API and the console all show the same hint.
 */

import { HINTS_ZH } from './hints-zh.js';

/** One row of the code table. */
export interface ErrorSpec {
  /** HTTP status the node API answers with when the error reaches a client. */
  readonly status: number;
  /** What the caller can do about it, in one sentence. */
  readonly hint: string;
}

/** A table of codes, as the core and every module declare it. */
export type ErrorTable = { readonly [code: string]: ErrorSpec };

/**
 * Module codes, filled in by each module's `errors.ts` through declaration merging, so that
 * `GongzhiError('POINTS_FROZEN', …)` type-checks exactly when a module declared the code.
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by each module's errors.ts
export interface ModuleErrorCodes {}

const s = (status: number, hint: string): ErrorSpec => ({ status, hint });

/** The codes of the platform layers (encoding … API, SDK). */
export const CORE_ERRORS = {
  // encoding
  ENCODING_INVALID: s(400, 'Send canonical CBOR (RFC 8949 §4.2.1) built with the SDK.'),
  ENCODING_NON_CANONICAL: s(400, 'Re-encode with the SDK: keys sorted, shortest lengths, no floats.'),
  ENCODING_UNSUPPORTED_TYPE: s(400, 'Use only integers, strings, bytes, booleans, null, arrays and maps.'),
  // crypto / keys
  CRYPTO_UNKNOWN_SUITE: s(400, 'Choose one of ed25519, secp256k1 or sm2.'),
  CRYPTO_BAD_KEY: s(400, 'Check that the key belongs to the chain’s suite and is not truncated.'),
  CRYPTO_BAD_SIGNATURE_ENCODING: s(400, 'Sign with the SDK for this chain’s suite.'),
  KEYSTORE_BAD_PASSWORD: s(400, 'Check the password (GONGZHI_PASSWORD or --password-file).'),
  KEYSTORE_INVALID: s(400, 'The keystore file is damaged or not a Gongzhi keystore; restore it from backup.'),
  // transaction admission
  TX_MALFORMED: s(400, 'Build the transaction with the SDK or `gongzhi tx`.'),
  TX_TOO_LARGE: s(413, 'Split the call or anchor a digest instead of the data (see maxTxBytes).'),
  TX_WRONG_CHAIN: s(400, 'Build the transaction for this node’s chain (GET /v1/groups).'),
  TX_WRONG_GROUP: s(400, 'Send the transaction to the group it names.'),
  TX_UNKNOWN_GROUP: s(404, 'List the groups this node serves with GET /v1/groups.'),
  TX_BAD_SIGNATURE: s(401, 'Sign the transaction body with the sender’s key for this suite.'),
  TX_EXPIRED: s(400, 'Rebuild the transaction with a later validUntil.'),
  TX_WINDOW_TOO_LONG: s(400, 'Set validUntil within maxValidityWindow blocks of the current height.'),
  TX_NONCE_REPLAYED: s(409, 'Use a fresh nonce; the SDK picks one for each transaction.'),
  TX_DUPLICATE: s(409, 'This transaction is already pending or committed; look it up by hash.'),
  TX_NOT_FOUND: s(404, 'Check the hash, or wait for the transaction to commit.'),
  TX_PENDING_ORDERED: s(
    504,
    'In the ordering stream: it will commit. Do not rebuild it; poll GET /v1/groups/{group}/txs/{hash}.',
  ),
  TX_PENDING_NOT_ORDERED: s(
    504,
    'Admitted, not yet taken by the ordering service: poll GET /v1/groups/{group}/txs/{hash}; if it says dropped, resubmit the same signed transaction.',
  ),
  TX_SUITE_MISMATCH: s(400, 'Sign with a key of the chain’s suite.'),
  // execution (recorded in receipts)
  EXEC_UNKNOWN_MODULE: s(400, 'List the modules with GET /v1/groups/{group}/modules or /openapi.json.'),
  EXEC_UNKNOWN_METHOD: s(400, 'List the module’s methods with GET /openapi.json.'),
  EXEC_BAD_ARGS: s(400, 'Fix the field named in the message; the method’s schema is in /openapi.json.'),
  EXEC_PERMISSION_DENIED: s(403, 'Ask the committee for a role that may call this method.'),
  EXEC_ACCOUNT_FROZEN: s(403, 'The committee froze this account; ask it to unfreeze.'),
  EXEC_INTERNAL: s(500, 'A bug: report it with the transaction hash.'),
  // evidence proofs and certificates (read by the SDK without the module)
  EVIDENCE_NOT_FOUND: s(
    404,
    'Nothing is anchored with this digest: check the file (its digest) or the group.',
  ),
  EVIDENCE_BAD_DIGEST: s(400, 'Give the file’s SHA-256 (or SM3) digest: 32 bytes, 64 hex digits.'),
  EVIDENCE_BAD_PROOF: s(
    400,
    'The Merkle proof does not lead to the anchored root; use the certificate as issued.',
  ),
  EVIDENCE_CERT_INVALID: s(
    400,
    'The certificate is damaged or was not issued by this chain; fetch it again.',
  ),
  // chain / storage
  BLOCK_NOT_FOUND: s(
    404,
    'Check the height or hash; GET /v1/groups/{group}/blocks/latest shows the newest block.',
  ),
  CHAIN_INVALID: s(
    500,
    'Stored data failed to decode or verify: run `gongzhi chain verify` and restore from a peer.',
  ),
  STORAGE_FAILURE: s(500, 'Check the disk (space, permissions) and the node log.'),
  GENESIS_INVALID: s(400, 'Fix the genesis field named in the message, or run `gongzhi init` again.'),
  CONFIG_INVALID: s(400, 'Fix the configuration field named in the message.'),
  // node service
  MEMPOOL_FULL: s(503, 'The node is busy: retry after a short pause.'),
  NODE_SHUTTING_DOWN: s(503, 'The node is stopping: retry on another node or after restart.'),
  NODE_TIMEOUT: s(504, 'Not committed in time: look the transaction up by hash before resending.'),
  API_BAD_REQUEST: s(400, 'Fix the request parameter named in the message (see /docs).'),
  API_NOT_FOUND: s(404, 'Check the path; /docs lists every route.'),
  API_BODY_TOO_LARGE: s(413, 'Send fewer transactions per batch.'),
  SDK_HTTP: s(502, 'The node did not answer as expected: check its address and that it is running.'),
  API_INTERNAL: s(500, 'A bug: report it with the request and the node log.'),
  API_UNSUPPORTED_MEDIA_TYPE: s(415, 'Send application/json or application/cbor.'),
  SDK_BAD_PROOF: s(400, 'The node’s proof does not verify: do not trust this answer; try another node.'),
  CRYPTO_WORKER_UNAVAILABLE: s(500, 'Signature workers stopped: restart the node.'),
  ORDERING_BAD_MESSAGE: s(400, 'A stream message was malformed or unsealed; check the sending node.'),
  ORDERING_UNAVAILABLE: s(503, 'Ordering (NATS) is unreachable: retry; check `gongzhi network status`.'),
  NODE_DIVERGED: s(
    500,
    'This node computed blocks the quorum did not sign and could not recover by itself: stop it and resync from a peer.',
  ),
  NODE_RECOVERING: s(
    503,
    'This node is replacing blocks the quorum did not sign with the certified ones from its peers: retry in a few seconds, or use another node.',
  ),
  SYNC_FAILED: s(502, 'Catch-up from a peer failed: check the peer’s address and certificates.'),
  // evidence certificate verification (failed checks reported by the SDK's verifyCertificate)
  EVIDENCE_DIGEST_MISMATCH: s(
    400,
    'The file (or digest) is not the one the certificate is about: check that you have the right file and certificate.',
  ),
  EVIDENCE_BAD_BLOCK_SIGNATURE: s(
    400,
    'A trusted node’s block signature does not verify: the certificate was altered, or the trusted keys are not this chain’s.',
  ),
  EVIDENCE_UNTRUSTED_NODE: s(
    400,
    'Too few organisations (or trusted nodes) signed the block: wait until the block is final and fetch the certificate again, check that you trust this group’s genesis, or accept a lower bar with --min-signatures (the result shows it).',
  ),
  EVIDENCE_WRONG_GROUP: s(
    400,
    'The certificate is of another chain or group than the genesis you trust: pass the genesis of the group that anchored it.',
  ),
  EVIDENCE_RECORD_MISMATCH: s(
    400,
    'The certificate’s record differs from what its transactions prove: fetch the certificate again from a node.',
  ),
  EVIDENCE_VERIFY_INPUT: s(
    400,
    'Give the file or its digest, a suite matching the certificate’s, and minSignatures ≥ 1.',
  ),
  EVIDENCE_DEPENDENCY_FAILED: s(
    400,
    'This check needs a part of the certificate that failed an earlier check: fix that failure first.',
  ),
  // damaged data files (chain verify and the check at node start)
  STORAGE_UNREADABLE: s(
    500,
    'The file is not a readable SQLite database: restore it from a backup, or move it aside and let the node re-sync it from a peer (network mode).',
  ),
  STORAGE_CORRUPT: s(
    500,
    'SQLite’s integrity check failed: stop the node, restore the file from a backup or move it aside and re-sync from a peer (network mode); `gongzhi chain verify` shows more.',
  ),
  CHAIN_HEAD_MISMATCH: s(
    500,
    'The file’s rows do not end at its head block (a block row is missing or rows lie above it): restore the file or re-sync it from a peer.',
  ),
  CHAIN_STATE_MISMATCH: s(
    500,
    'The stored state differs from what the blocks produce: the file was edited or damaged; restore it or re-sync it from a peer.',
  ),
  CHAIN_NONCES_MISMATCH: s(
    500,
    'The stored nonce index differs from the blocks’ transactions (replays could pass): restore the file or re-sync it from a peer.',
  ),
  CHAIN_TREE_MISMATCH: s(
    500,
    'A stored Merkle tree (table block_trees) is missing or is not the tree of its block: the file was edited or damaged, and inclusion proofs read from a wrong tree would be wrong; restore the file or re-sync it from a peer.',
  ),
  // the command line's first hour
  NODE_UNREACHABLE: s(
    503,
    'Start a node (`gongzhi start --demo`), or point --url / GONGZHI_URL at a running one.',
  ),
  KEYSTORE_NOT_A_KEYSTORE: s(
    400,
    'Pass a keystore written by `gongzhi key new` or `gongzhi init` (keys/<org>-admin.json), not another file.',
  ),
  INPUT_NOT_FOUND: s(400, 'Check the file path: it must exist and be readable by you.'),
  FILE_EXISTS: s(409, 'Choose another path, or pass --force to replace the file (the old key is lost).'),
  DIR_NOT_EMPTY: s(409, 'Choose a new or empty directory; nothing was written.'),
  TX_FAILED: s(
    400,
    'The transaction committed with a failed receipt (no state change): fix the cause the receipt’s code names.',
  ),
  NETWORK_DEGRADED: s(
    503,
    'A process of the network is down: `gongzhi network up <dir>` restarts what is missing.',
  ),
  // node service: abuse limits (configurable in the node config's `api` and `mempool…` fields)
  MEMPOOL_SENDER_LIMIT: s(
    429,
    'This key has many transactions pending: wait for them to commit, then retry.',
  ),
  API_RATE_LIMITED: s(
    429,
    'Too many requests from this client: wait Retry-After seconds, or batch transactions.',
  ),
  API_BUSY: s(503, 'The node is receiving many large batches: retry after Retry-After seconds.'),
  API_TOO_MANY_STREAMS: s(
    503,
    'The node serves its most event streams: retry later or read from another node.',
  ),
  // credentials issued by the SDK (in a browser: the console's issuer form)
  SDK_CLAIMS_INVALID: s(400, 'Fill in the claims the schema asks for, with the types it names.'),
  SDK_UNSUPPORTED_ALG: s(
    400,
    'Credentials are signed with an ed25519 or secp256k1 key (sm2 has no registered JOSE algorithm).',
  ),
  KEYSTORE_WEAK_PASSWORD: s(
    400,
    'Choose a password of at least 8 characters, and keep it: no one can recover it.',
  ),
  // reading a QR code in the console (a photo or the camera), in the browser
  CONSOLE_QR_NOT_FOUND: s(
    400,
    'No QR code could be read in this image: take a sharp, straight photo of the whole code in good light, or paste the text.',
  ),
  CONSOLE_IMAGE_UNREADABLE: s(
    400,
    'The file is not an image the browser can open: choose a PNG, JPEG or SVG picture of the QR code.',
  ),
  CONSOLE_CAMERA_UNAVAILABLE: s(
    400,
    'The page got no camera: allow camera access for this site (browsers give it only over HTTPS or on localhost), or read the QR code from a photo.',
  ),
} as const satisfies ErrorTable;

/** A core code. */
export type CoreErrorCode = keyof typeof CORE_ERRORS;

/** A stable machine-readable error code: a core code or a registered module's. */
export type ErrorCode = CoreErrorCode | keyof ModuleErrorCodes;

interface Row extends ErrorSpec {
  readonly owner: string;
}

const table = new Map<string, Row>(Object.entries(CORE_ERRORS).map(([c, r]) => [c, { ...r, owner: 'core' }]));

/** Shape of every code: upper case, digits and underscores. */
export const ERROR_CODE_RE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

/**
 * Merge a module's codes into the one table. Registering the same rows again (the same module
 * loaded twice) is a no-op; a code another owner already defined, or defined differently, is
 * refused — so no code is ever defined twice.
 */
export function registerErrorTable(owner: string, codes: ErrorTable): void {
  for (const [code, spec] of Object.entries(codes)) {
    if (!ERROR_CODE_RE.test(code)) {
      throw new CodeTableError(`error code ${code} of ${owner} is not UPPER_SNAKE_CASE`, code, owner);
    }
    const have = table.get(code);
    if (have !== undefined) {
      if (have.owner === owner && have.status === spec.status && have.hint === spec.hint) continue;
      throw new CodeTableError(
        `error code ${code} of ${owner} is already defined by ${have.owner}`,
        code,
        owner,
      );
    }
    table.set(code, { status: spec.status, hint: spec.hint, owner });
  }
}

/**
 * A module's code table is malformed (a programming error, raised when the module loads). Not a
 * GongzhiError: that class lives above this file and carries a code from this very table.
 */
export class CodeTableError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly owner: string,
  ) {
    super(message);
    this.name = 'CodeTableError';
  }
}

/** HTTP status for a code (500 for anything unknown). */
export function httpStatusFor(code: string): number {
  return table.get(code)?.status ?? 500;
}

/** The languages of the hints: the table's English and the Chinese of ./hints-zh.ts. */
export type HintLang = 'en' | 'zh-CN';

/**
 * The hint for a code ('' for anything unknown), in English or Chinese. A code without a Chinese
 * hint (a module loaded from elsewhere) gets its English one; a Chinese hint is known even where
 * its module is not loaded (a browser), since the Chinese table is keyed by code alone.
 */
export function hintFor(code: string, lang: HintLang = 'en'): string {
  const en = table.get(code)?.hint ?? '';
  return lang === 'zh-CN' ? (HINTS_ZH[code] ?? en) : en;
}

/**
 * The hint language a command line asks for: GONGZHI_LANG (`zh-CN`, `zh`, `en`) first, else a
 * Chinese locale in LC_ALL, LC_MESSAGES or LANG; English otherwise.
 */
export function hintLangOf(env: { readonly [k: string]: string | undefined }): HintLang {
  const chosen = env.GONGZHI_LANG?.trim().toLowerCase();
  if (chosen !== undefined && chosen !== '') return chosen.startsWith('zh') ? 'zh-CN' : 'en';
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** True when `code` is in the table (core, or of a module loaded in this process). */
export function isErrorCode(code: string): code is ErrorCode {
  return table.has(code);
}

/**
 * True when `code` has the shape of a code. A client (SDK in a browser) that has not loaded the
 * modules still keeps the code the node sent.
 */
export function looksLikeErrorCode(code: string): code is ErrorCode {
  return ERROR_CODE_RE.test(code);
}

/** The whole table as loaded in this process, sorted by code (`hintZh`: '' where none). */
export function errorTable(): readonly {
  code: string;
  status: number;
  hint: string;
  hintZh: string;
  owner: string;
}[] {
  return [...table.entries()]
    .map(([code, r]) => ({
      code,
      status: r.status,
      hint: r.hint,
      hintZh: HINTS_ZH[code] ?? '',
      owner: r.owner,
    }))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
