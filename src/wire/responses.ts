/**
 * Bodies of the node HTTP API — what the server sends and the SDK reads (and the two request
 * bodies the SDK sends): one JSON Schema each, the TypeScript type derived from it. The server
 * validates and serializes with these schemas and OpenAPI is generated from them.
 */
import type { Static } from '@sinclair/typebox';
import type { ErrorDetails } from '../errors/index.js';
import type { Genesis } from '../ledger/index.js';
import { jsonValueSchema } from './json.js';
import { Nullable, StringEnum, T } from './schema.js';
import {
  HeaderViewSchema,
  MerkleStepsSchema,
  ReceiptViewSchema,
  SignaturesSchema,
  TxViewSchema,
} from './views.js';

/** A crypto suite id (`ed25519`, `secp256k1`, `sm2`), as genesis names it. */
export type SuiteId = Genesis['suite'];
const SuiteIdSchema = T.Unsafe<SuiteId>({ type: 'string' });

const str = () => T.String();
const int = () => T.Integer();
const committed = () => T.Optional(StringEnum(['committed']));

/** Most transactions one batch request may carry. */
export const MAX_BATCH_TXS = 10_000;
/** Upper bound of `timeoutMs` when waiting for a commit. */
export const MAX_WAIT_MS = 120_000;
export const DEFAULT_WAIT_MS = 30_000;

/** Id under which the error envelope schema is registered (`addSchema`, OpenAPI component). */
export const API_ERROR_ID = 'ApiError';

export const ApiErrorBodySchema = T.Object(
  {
    error: T.Object({
      code: T.String({ description: 'Stable machine-readable error code' }),
      message: str(),
      details: T.Unsafe<ErrorDetails>({ type: 'object', additionalProperties: true }),
      hint: T.Optional(T.String({ description: 'What to do about this code (one table of hints)' })),
      hintZh: T.Optional(T.String({ description: 'The same hint in Chinese (zh-CN)' })),
    }),
  },
  { $id: API_ERROR_ID, description: 'Error envelope returned by every failing request' },
);
/** Every error answer: `{ error: { code, message, details, hint } }`. */
export type ApiErrorBody = Static<typeof ApiErrorBodySchema>;

const HealthGroupSchema = T.Object({
  id: str(),
  height: int(),
  /** Highest block signed by a quorum of organisations (0 in the single-node embedded mode). */
  finalHeight: int(),
  mempool: int(),
  /** Why the group stopped, when it did. */
  halted: T.Optional(str()),
  /** The ordering service as this node sees it (in process: always reachable). */
  ordering: T.Optional(
    T.Object({
      reachable: T.Boolean(),
      /** ms since it last answered. */
      lastOkAgeMs: T.Optional(int()),
      /** The server leading the ordering stream (JetStream cluster metadata). */
      leader: T.Optional(str()),
      error: T.Optional(str()),
      /** This node's reading of the ordered stream (stream orderers only). */
      reader: T.Optional(
        T.Object({
          /** Next stream sequence to read. */
          nextSeq: int(),
          /** The last message read had nothing after it. */
          caughtUp: T.Boolean(),
          /** ms since the last message was handled. */
          idleMs: int(),
          /** ms the message in hand has taken (a block executing). */
          busyMs: T.Optional(int()),
          /** Transactions in the block not yet cut. */
          openTxs: int(),
          /** Transactions published, not yet acknowledged. */
          publishing: int(),
        }),
      ),
    }),
  ),
  /** ms since this node committed a block. */
  lastCutAgeMs: T.Optional(int()),
  /** ms the oldest pending transaction has waited with no block cut (0 when none pends). */
  cutStallMs: T.Optional(int()),
  /** Head height minus final height (networked groups only). */
  finalLag: T.Optional(int()),
  /** Where finality is tracked: how long the final height has stood still and what it waits on. */
  finality: T.Optional(
    T.Object({
      /** ms since the final height last moved with blocks above it (0 when none wait). */
      stalledMs: int(),
      /** The first block not final and the nodes whose signature over this node's hash were seen. */
      waiting: T.Optional(T.Object({ height: int(), signers: T.Array(str()) })),
    }),
  ),
  /** What makes the group degraded, one phrase each (thresholds: node config `health`). */
  degraded: T.Optional(T.Array(str())),
});
export const HealthStatusSchema = StringEnum(['ok', 'degraded', 'shutting-down', 'halted']);
export const HealthResponseSchema = T.Object({
  status: HealthStatusSchema,
  groups: T.Array(HealthGroupSchema),
});
/** GET /health */
export type HealthResponse = Static<typeof HealthResponseSchema>;

export const NodeInfoResponseSchema = T.Object({
  nodeId: str(),
  org: str(),
  publicKey: str(),
  suite: SuiteIdSchema,
  chain: str(),
  groups: T.Array(T.Object({ id: str(), height: int(), genesisHash: str() })),
});
/** GET /v1/node */
export type NodeInfoResponse = Static<typeof NodeInfoResponseSchema>;

export const GroupsResponseSchema = T.Object({
  groups: T.Array(
    T.Object({
      id: str(),
      chain: str(),
      suite: SuiteIdSchema,
      height: int(),
      genesisHash: str(),
      mempool: int(),
    }),
  ),
});
/** GET /v1/groups */
export type GroupsResponse = Static<typeof GroupsResponseSchema>;

export const SubmitBodySchema = T.Object(
  { tx: T.String({ description: 'base64url (no padding) of the canonical CBOR signed transaction' }) },
  { additionalProperties: false },
);
/** JSON body of POST /v1/groups/:group/txs (the alternative is raw `application/cbor`). */
export type SubmitBody = Static<typeof SubmitBodySchema>;

export const SubmitResponseSchema = T.Object({
  hash: str(),
  status: committed(),
  height: T.Optional(int()),
  index: T.Optional(int()),
  receipt: T.Optional(ReceiptViewSchema),
});
/** POST /v1/groups/:group/txs (202 without `wait`, 200 with `wait=commit`). */
export type SubmitResponse = Static<typeof SubmitResponseSchema>;

export const BatchBodySchema = T.Object(
  {
    txs: T.Array(T.String(), { maxItems: MAX_BATCH_TXS, description: 'base64url signed transactions' }),
  },
  { additionalProperties: false },
);
/** Body of POST /v1/groups/:group/txs/batch. */
export type BatchBody = Static<typeof BatchBodySchema>;

export const BatchResultEntrySchema = T.Object({
  hash: T.Optional(str()),
  /** With `wait=commit`: 'committed' once in a block. */
  status: committed(),
  height: T.Optional(int()),
  index: T.Optional(int()),
  /** With `wait=commit`: the receipt status ('ok' or an execution error code). */
  receiptStatus: T.Optional(str()),
  error: T.Optional(T.Object({ code: str(), message: str() })),
});
/** One entry of a batch answer. */
export type BatchResultEntry = Static<typeof BatchResultEntrySchema>;

export const BatchResponseSchema = T.Object({ results: T.Array(BatchResultEntrySchema) });
/** POST /v1/groups/:group/txs/batch */
export type BatchResponse = Static<typeof BatchResponseSchema>;

export const InclusionBlockSchema = T.Object({
  /** Block hash (hex) = H(header bytes). */
  hash: str(),
  /** base64url of the canonical CBOR header. */
  header: str(),
  signatures: SignaturesSchema,
});
/** The block a committed transaction is in, as needed to verify inclusion offline. */
export type InclusionBlock = Static<typeof InclusionBlockSchema>;

/** The fields of a transaction look-up shared by the full answer and the receipt-only one. */
const txFields = {
  hash: str(),
  /**
   * `pending`: admitted, not in a block yet (see `ordered`); `committed`: in a block (receipt and
   * proofs follow); `dropped`: this node let it go without a block (see `reason`) — resubmitting the
   * same signed transaction is safe.
   */
  status: StringEnum(['pending', 'committed', 'dropped']),
  /** Pending only: true once the ordering service holds it (it will be cut into a block). */
  ordered: T.Optional(T.Boolean()),
  /** Dropped only: why, and when (ms since epoch). */
  reason: T.Optional(T.Object({ code: str(), message: str(), at: int() })),
  suite: SuiteIdSchema,
  height: Nullable(int()),
  index: Nullable(int()),
  tx: Nullable(TxViewSchema),
  /** base64url of the canonical CBOR signed transaction. */
  raw: Nullable(str()),
  receipt: Nullable(ReceiptViewSchema),
  /** base64url of the canonical CBOR receipt. */
  receiptRaw: Nullable(str()),
};

export const TxResponseSchema = T.Object({
  ...txFields,
  proof: Nullable(T.Object({ txRoot: str(), steps: MerkleStepsSchema })),
  receiptProof: Nullable(T.Object({ receiptRoot: str(), steps: MerkleStepsSchema })),
  block: Nullable(InclusionBlockSchema),
});
/** GET /v1/groups/:group/txs/:hash */
export type TxResponse = Static<typeof TxResponseSchema>;

/**
 * A transaction and its receipt without the inclusion proofs: the node reads the transaction's
 * own row only, not its block's other transactions (the explorer's transaction view).
 */
export const TxReceiptResponseSchema = T.Object(txFields);
/** GET /v1/groups/:group/txs/:hash/receipt */
export type TxReceiptResponse = Static<typeof TxReceiptResponseSchema>;

export const BlockResponseSchema = T.Object({
  height: int(),
  hash: str(),
  header: HeaderViewSchema,
  headerRaw: T.String({ description: 'base64url of the canonical CBOR header' }),
  signatures: SignaturesSchema,
  final: T.Boolean({
    description:
      'true once nodes of a quorum of organisations signed this header; `signatures` is then the certificate',
  }),
  /** Transaction hashes (hex) in block order. */
  txs: T.Array(str()),
});
/** GET /v1/groups/:group/blocks/:id and /blocks/latest */
export type BlockResponse = Static<typeof BlockResponseSchema>;

export const TxIndexEntrySchema = T.Object({
  hash: str(),
  height: int(),
  index: int(),
  sender: str(),
  module: str(),
  method: str(),
  status: str(),
});
/** One entry of GET /v1/groups/:group/txs?sender=|module= */
export type TxIndexEntry = Static<typeof TxIndexEntrySchema>;

export const TxListResponseSchema = T.Object({
  txs: T.Array(TxIndexEntrySchema),
  /** When the page is full: the query parameters (`before`, `beforeIndex`) of the next page. */
  next: T.Optional(T.Object({ before: int(), beforeIndex: int() })),
});
export type TxListResponse = Static<typeof TxListResponseSchema>;

/** Most entries of one page of GET /v1/groups/:group/txs/bodies (each carries its bytes). */
export const MAX_TX_BODY_PAGE = 100;

/** One entry of GET /v1/groups/:group/txs/bodies: the index entry with its body and receipt. */
export const TxBodyEntrySchema = T.Object({
  ...TxIndexEntrySchema.properties,
  tx: TxViewSchema,
  /** base64url of the canonical CBOR signed transaction. */
  raw: str(),
  receipt: ReceiptViewSchema,
  /** base64url of the canonical CBOR receipt. */
  receiptRaw: str(),
});
export type TxBodyEntry = Static<typeof TxBodyEntrySchema>;

export const TxBodyListResponseSchema = T.Object({
  txs: T.Array(TxBodyEntrySchema),
  /** When the page is full: the query parameters (`before`, `beforeIndex`) of the next page. */
  next: T.Optional(T.Object({ before: int(), beforeIndex: int() })),
});
/** GET /v1/groups/:group/txs/bodies?sender=|module=[&subject=] */
export type TxBodyListResponse = Static<typeof TxBodyListResponseSchema>;

/** A block without its transaction list: one entry of GET /v1/groups/:group/blocks, or /blocks/:id/header. */
export const BlockHeaderResponseSchema = T.Object({
  height: int(),
  hash: str(),
  header: HeaderViewSchema,
  headerRaw: T.String({ description: 'base64url of the canonical CBOR header' }),
  signatures: SignaturesSchema,
  final: T.Boolean({ description: 'true once nodes of a quorum of organisations signed this header' }),
});
export type BlockHeaderResponse = Static<typeof BlockHeaderResponseSchema>;

export const BlockListResponseSchema = T.Object({
  blocks: T.Array(BlockHeaderResponseSchema, { description: 'newest first' }),
});
/** GET /v1/groups/:group/blocks?before=&limit= */
export type BlockListResponse = Static<typeof BlockListResponseSchema>;

export const BlockTxsResponseSchema = T.Object({
  height: int(),
  txCount: int(),
  txs: T.Array(TxIndexEntrySchema, { description: 'in block order, from position `from`' }),
  next: Nullable(int()),
});
/** GET /v1/groups/:group/blocks/:id/txs?from=&limit= */
export type BlockTxsResponse = Static<typeof BlockTxsResponseSchema>;

export const QueryResponseSchema = T.Object({ result: jsonValueSchema('Query result (JSON)') });
/** GET /v1/groups/:group/query/:module/:name */
export type QueryResponse = Static<typeof QueryResponseSchema>;

export const SyncBlocksResponseSchema = T.Object({
  blocks: T.Array(
    T.Object({
      /** base64url of the canonical CBOR header. */
      header: str(),
      signatures: SignaturesSchema,
      /** base64url of each canonical CBOR signed transaction, in block order. */
      txs: T.Array(str()),
    }),
  ),
});
/** GET /v1/groups/:group/sync/blocks (member nodes only). */
export type SyncBlocksResponse = Static<typeof SyncBlocksResponseSchema>;

/** A JSON Schema, as a module declares it (TypeBox). */
const JsonSchemaSchema = T.Unsafe<{ readonly [key: string]: unknown }>({
  type: 'object',
  additionalProperties: true,
  description: 'JSON Schema (2020-12)',
});

export const ModuleDescriptionSchema = T.Object({
  name: str(),
  summary: str(),
  methods: T.Array(
    T.Object({
      name: str(),
      summary: str(),
      args: JsonSchemaSchema,
      roles: T.Array(str(), { description: 'Default roles (genesis and the committee may change them)' }),
    }),
  ),
  queries: T.Array(
    T.Object({ name: str(), summary: str(), args: JsonSchemaSchema, result: JsonSchemaSchema }),
  ),
});
/** One module as the registry describes it: methods (argument schema, default roles) and queries. */
export type ModuleDescription = Static<typeof ModuleDescriptionSchema>;

export const ModulesResponseSchema = T.Object({ modules: T.Array(ModuleDescriptionSchema) });
/** GET /v1/groups/:group/modules */
export type ModulesResponse = Static<typeof ModulesResponseSchema>;
