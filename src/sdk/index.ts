/**
 * Gongzhi SDK: build and sign transactions, talk to a node over HTTP, verify proofs offline.
 * Browser-safe: depends only on the errors, encoding, portable crypto and ledger layers — no
 * node: imports and no Buffer (test/unit/sdk-browser-bundle.test.ts bundles it for browsers).
 */
export { bytesEqual, fromBase64Url, fromHex, toBase64Url, toHex, utf8 } from '../encoding/index.js';
export { type ErrorCode, GongzhiError, hintFor, isGongzhiError } from '../errors/index.js';
export {
  type AnchorInput,
  type ClientOptions,
  errorFromResponse,
  GongzhiClient,
  type GovActionInput,
  type SendOptions,
  type SubmitOptions,
  type SubscribeOptions,
} from './client.js';
export * from './evidence/index.js';
export {
  assertTxInclusion,
  type InclusionOptions,
  type InclusionResult,
  type TrustedNodeKey,
  type VerifiedInclusion,
  verifyTxInclusion,
} from './inclusion.js';
export {
  cborMapToJson,
  cborToJson,
  type EventView,
  eventView,
  type HeaderView,
  headerView,
  type JsonObject,
  type JsonValue,
  type MerkleStepView,
  type ReceiptView,
  receiptView,
  type SignatureView,
  signaturesView,
  stepsView,
  type TxView,
  toJsonValue,
  txView,
} from './json-view.js';
export { type CryptoSuite, getSuite, isSuiteId, type KeyPair, SUITE_IDS, type SuiteId } from './suite.js';
export { type BuildTxInput, type BuiltTx, buildTx, randomNonce } from './tx-builder.js';
export type {
  ApiErrorBody,
  BatchResponse,
  BatchResultEntry,
  BlockEventTx,
  BlockEventView,
  BlockResponse,
  GroupsResponse,
  HealthResponse,
  InclusionBlock,
  NodeInfoResponse,
  QueryResponse,
  SubmitResponse,
  TxIndexEntry,
  TxListResponse,
  TxResponse,
} from './types.js';
