/**
 * Gongzhi SDK: build and sign transactions, talk to a node over HTTP, verify proofs offline.
 * Browser-safe: depends only on the errors, encoding, portable crypto and ledger layers — no
 * node: imports and no Buffer (test/unit/sdk-browser-bundle.test.ts bundles it for browsers).
 */
export {
  bytesEqual,
  type CborValue,
  fromBase64Url,
  fromHex,
  toBase64Url,
  toHex,
  utf8,
} from '../encoding/index.js';
export { type ErrorCode, GongzhiError, type HintLang, hintFor, isGongzhiError } from '../errors/index.js';
// The wire layer: the JSON bodies of the node API and the JSON views of ledger structures.
export {
  type ApiErrorBody,
  type BatchBody,
  type BatchResponse,
  type BatchResultEntry,
  type BlockEventTx,
  type BlockEventView,
  type BlockHeaderResponse,
  type BlockListResponse,
  type BlockResponse,
  type BlockTxsResponse,
  blockEventView,
  cborMapToJson,
  cborToJson,
  type EventView,
  eventView,
  type GroupsResponse,
  type HeaderView,
  type HealthResponse,
  headerView,
  type InclusionBlock,
  type JsonObject,
  type JsonValue,
  type MerkleStepView,
  type ModuleDescription,
  type ModulesResponse,
  type NodeInfoResponse,
  type QueryResponse,
  type ReceiptView,
  receiptView,
  type SignatureView,
  type SubmitBody,
  type SubmitResponse,
  type SyncBlocksResponse,
  signaturesView,
  stepsView,
  type TxIndexEntry,
  type TxListResponse,
  type TxReceiptResponse,
  type TxResponse,
  type TxView,
  toJsonValue,
  txView,
} from '../wire/index.js';
export {
  type AnchorInput,
  type ClientOptions,
  errorFromResponse,
  GongzhiClient,
  type GovActionInput,
  type PresentationPolicy,
  type SendOptions,
  type SubmitOptions,
  type SubscribeOptions,
} from './client.js';
export {
  type BrowserIssueInput,
  checkClaimsShape,
  credentialAlg,
  issueSdJwtVcInBrowser,
  type PublicJwk,
  publicJwkOf,
} from './credential-issue.js';
export {
  buildCrossGroupProof,
  CROSS_GROUP_PROOF_TYPE,
  type CrossGroupProof,
  type CrossGroupVerification,
  GROUP_HEADER_TYPE,
  groupHeaderAnchorArgs,
  trustedNodesOf,
  verifyCrossGroupProof,
} from './crossgroup.js';
export * from './evidence/index.js';
export {
  assertTxInclusion,
  type InclusionOptions,
  type InclusionResult,
  type TrustedNodeKey,
  type VerifiedInclusion,
  verifyTxInclusion,
} from './inclusion.js';
export { type Keystore, parseKeystore, type UnlockedKey, unlockKeystore } from './keystore.js';
export { createKeystore, MIN_KEYSTORE_PASSWORD } from './keystore-create.js';
export { type CryptoSuite, getSuite, isSuiteId, type KeyPair, SUITE_IDS, type SuiteId } from './suite.js';
export { type BuildTxInput, type BuiltTx, buildTx, randomNonce } from './tx-builder.js';
