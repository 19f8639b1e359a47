/**
 * Wire types of the node HTTP API (responses), shared by the server and the SDK client.
 */

import type { ErrorDetails } from '../errors/index.js';
import type {
  EventView,
  HeaderView,
  JsonValue,
  MerkleStepView,
  ReceiptView,
  SignatureView,
  TxView,
} from './json-view.js';
import type { SuiteId } from './suite.js';

/** Every error answer: `{ error: { code, message, details } }`. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details: ErrorDetails };
}

/** GET /health */
export interface HealthResponse {
  readonly status: 'ok' | 'shutting-down' | 'halted';
  readonly groups: {
    readonly id: string;
    readonly height: number;
    /** Highest block signed by a quorum of organisations (0 in the single-node embedded mode). */
    readonly finalHeight: number;
    readonly mempool: number;
    /** Why the group stopped, when it did. */
    readonly halted?: string;
  }[];
}

/** GET /v1/node */
export interface NodeInfoResponse {
  readonly nodeId: string;
  readonly org: string;
  readonly publicKey: string;
  readonly suite: SuiteId;
  readonly chain: string;
  readonly groups: { readonly id: string; readonly height: number; readonly genesisHash: string }[];
}

/** GET /v1/groups */
export interface GroupsResponse {
  readonly groups: {
    readonly id: string;
    readonly chain: string;
    readonly suite: SuiteId;
    readonly height: number;
    readonly genesisHash: string;
    readonly mempool: number;
  }[];
}

/** POST /v1/groups/:group/txs (202 without `wait`, 200 with `wait=commit`). */
export interface SubmitResponse {
  readonly hash: string;
  readonly status?: 'committed';
  readonly height?: number;
  readonly index?: number;
  readonly receipt?: ReceiptView;
}

/** One entry of a batch answer. */
export interface BatchResultEntry {
  readonly hash?: string;
  /** With `wait=commit`: 'committed' once in a block. */
  readonly status?: 'committed';
  readonly height?: number;
  readonly index?: number;
  /** With `wait=commit`: the receipt status ('ok' or an execution error code). */
  readonly receiptStatus?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

/** POST /v1/groups/:group/txs/batch */
export interface BatchResponse {
  readonly results: BatchResultEntry[];
}

/** The block a committed transaction is in, as needed to verify inclusion offline. */
export interface InclusionBlock {
  /** Block hash (hex) = H(header bytes). */
  readonly hash: string;
  /** base64url of the canonical CBOR header. */
  readonly header: string;
  readonly signatures: SignatureView[];
}

/** GET /v1/groups/:group/txs/:hash */
export interface TxResponse {
  readonly hash: string;
  readonly status: 'pending' | 'committed';
  readonly suite: SuiteId;
  readonly height: number | null;
  readonly index: number | null;
  readonly tx: TxView | null;
  /** base64url of the canonical CBOR signed transaction. */
  readonly raw: string | null;
  readonly receipt: ReceiptView | null;
  /** base64url of the canonical CBOR receipt. */
  readonly receiptRaw: string | null;
  readonly proof: { readonly txRoot: string; readonly steps: MerkleStepView[] } | null;
  readonly receiptProof: { readonly receiptRoot: string; readonly steps: MerkleStepView[] } | null;
  readonly block: InclusionBlock | null;
}

/** GET /v1/groups/:group/blocks/:id and /blocks/latest */
export interface BlockResponse {
  readonly height: number;
  readonly hash: string;
  readonly header: HeaderView;
  /** base64url of the canonical CBOR header. */
  readonly headerRaw: string;
  readonly signatures: SignatureView[];
  /** Signed by a quorum of organisations: `signatures` is the finality certificate. */
  readonly final: boolean;
  /** Transaction hashes (hex) in block order. */
  readonly txs: string[];
}

/** One entry of GET /v1/groups/:group/txs?sender=|module= */
export interface TxIndexEntry {
  readonly hash: string;
  readonly height: number;
  readonly index: number;
  readonly sender: string;
  readonly module: string;
  readonly method: string;
  readonly status: string;
}

export interface TxListResponse {
  readonly txs: TxIndexEntry[];
}

/** GET /v1/groups/:group/query/:module/:name */
export interface QueryResponse {
  readonly result: JsonValue;
}

/** One transaction's outcome in a block event. */
export interface BlockEventTx {
  readonly hash: string;
  readonly index: number;
  readonly status: string;
  readonly events: EventView[];
}

/** `data` of an SSE `block` message (its SSE `id` is the height). */
export interface BlockEventView {
  readonly group: string;
  readonly height: number;
  readonly hash: string;
  readonly timestamp: number;
  readonly parent: string;
  readonly txCount: number;
  readonly txRoot: string;
  readonly receiptRoot: string;
  readonly stateRoot: string;
  readonly txs: BlockEventTx[];
}
