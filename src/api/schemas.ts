/**
 * JSON schemas of the node API: they validate every request part (params, query, body),
 * drive response serialization and generate the OpenAPI document.
 */

/** Id under which the error envelope schema is registered (`addSchema`). */
export const API_ERROR_ID = 'ApiError';

export const HEX64_PATTERN = '^[0-9a-f]{64}$';
export const GROUP_PATTERN = '^[a-z0-9][a-z0-9-]{0,63}$';
const NAME_PATTERN = '^[a-z][a-zA-Z0-9]{0,31}$';

/** Most transactions one batch request may carry. */
export const MAX_BATCH_TXS = 10_000;
/** Upper bound of `timeoutMs` when waiting for a commit. */
export const MAX_WAIT_MS = 120_000;
export const DEFAULT_WAIT_MS = 30_000;

export const apiErrorSchema = {
  $id: API_ERROR_ID,
  type: 'object',
  description: 'Error envelope returned by every failing request',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', description: 'Stable machine-readable error code' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

const errRef = { $ref: `${API_ERROR_ID}#` } as const;
/** Error responses shared by every route. */
export const errorResponses = { '4xx': errRef, '5xx': errRef } as const;

const hex64 = { type: 'string', pattern: HEX64_PATTERN } as const;
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;
const nullable = (type: string) => ({ type: [type, 'null'] }) as const;
/**
 * A non-negative integer in a query string or header. Types are not coerced (so a JSON body can
 * never sneak a number in where a string belongs): the handler parses and range-checks it.
 */
const uintString = (description: string) =>
  ({ type: 'string', pattern: '^[0-9]{1,15}$', description }) as const;

export const groupParams = {
  type: 'object',
  required: ['group'],
  additionalProperties: false,
  properties: { group: { type: 'string', pattern: GROUP_PATTERN, description: 'Group id' } },
} as const;

export const waitQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    wait: { type: 'string', enum: ['commit'], description: 'Wait until the transaction is committed' },
    timeoutMs: uintString(`Wait limit in ms, 1..${MAX_WAIT_MS} (default ${DEFAULT_WAIT_MS})`),
  },
} as const;

const eventSchema = {
  type: 'object',
  required: ['module', 'name', 'data'],
  properties: { module: str, name: str, data: anyObject },
} as const;

export const receiptSchema = {
  type: 'object',
  required: ['tx', 'index', 'status', 'events', 'writes'],
  properties: {
    tx: str,
    index: int,
    status: { type: 'string', description: "'ok' or an execution error code" },
    message: str,
    events: { type: 'array', items: eventSchema },
    writes: { type: 'array', items: { type: 'array', items: { type: ['string', 'null'] } } },
  },
} as const;

const txViewSchema = {
  type: ['object', 'null'],
  required: [
    'hash',
    'chain',
    'group',
    'sender',
    'senderKey',
    'nonce',
    'validUntil',
    'module',
    'method',
    'args',
    'sig',
  ],
  properties: {
    hash: str,
    chain: str,
    group: str,
    sender: { type: 'string', description: 'Sender address' },
    senderKey: { type: 'string', description: 'Sender public key (hex)' },
    nonce: str,
    validUntil: int,
    module: str,
    method: str,
    args: anyObject,
    sig: str,
  },
} as const;

const headerSchema = {
  type: 'object',
  required: [
    'chain',
    'group',
    'height',
    'parent',
    'timestamp',
    'txCount',
    'txRoot',
    'receiptRoot',
    'stateRoot',
    'order',
  ],
  properties: {
    chain: str,
    group: str,
    height: int,
    parent: str,
    timestamp: int,
    txCount: int,
    txRoot: str,
    receiptRoot: str,
    stateRoot: str,
    order: anyObject,
  },
} as const;

const signaturesSchema = {
  type: 'array',
  items: { type: 'object', required: ['node', 'sig'], properties: { node: str, sig: str } },
} as const;

const stepsSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['side', 'hash'],
    properties: { side: { type: 'string', enum: ['left', 'right'] }, hash: str },
  },
} as const;

export const healthSchema = {
  summary: 'Liveness and per-group status',
  description:
    'Answers 503 with status "shutting-down" while the server is closing, or "halted" when a group stopped (its block diverged from the quorum\'s, or could not be committed).',
  tags: ['node'],
  response: {
    200: {
      type: 'object',
      required: ['status', 'groups'],
      properties: {
        status: { type: 'string', enum: ['ok', 'shutting-down', 'halted'] },
        groups: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'height', 'finalHeight', 'mempool'],
            properties: { id: str, height: int, finalHeight: int, mempool: int, halted: str },
          },
        },
      },
    },
    503: {
      type: 'object',
      required: ['status', 'groups'],
      properties: {
        status: { type: 'string', enum: ['ok', 'shutting-down', 'halted'] },
        groups: { type: 'array', items: anyObject },
      },
    },
  },
} as const;

export const metricsSchema = {
  summary: 'Prometheus metrics (text exposition format)',
  tags: ['node'],
  produces: ['text/plain'],
  response: { 200: { type: 'string', description: 'Prometheus text format' }, ...errorResponses },
} as const;

export const openapiSchema = {
  summary: 'This OpenAPI document',
  tags: ['node'],
  response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses },
} as const;

export const nodeInfoSchema = {
  summary: 'Node identity, chain, suite and groups',
  tags: ['node'],
  response: {
    200: {
      type: 'object',
      required: ['nodeId', 'org', 'publicKey', 'suite', 'chain', 'groups'],
      properties: {
        nodeId: str,
        org: str,
        publicKey: str,
        suite: str,
        chain: str,
        groups: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'height', 'genesisHash'],
            properties: { id: str, height: int, genesisHash: str },
          },
        },
      },
    },
    ...errorResponses,
  },
} as const;

export const groupsSchema = {
  summary: 'Groups served by this node',
  tags: ['node'],
  response: {
    200: {
      type: 'object',
      required: ['groups'],
      properties: {
        groups: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'chain', 'suite', 'height', 'genesisHash', 'mempool'],
            properties: { id: str, chain: str, suite: str, height: int, genesisHash: str, mempool: int },
          },
        },
      },
    },
    ...errorResponses,
  },
} as const;

const submitResponse = {
  type: 'object',
  required: ['hash'],
  properties: {
    hash: str,
    status: { type: 'string', enum: ['committed'] },
    height: int,
    index: int,
    receipt: receiptSchema,
  },
} as const;

export const submitSchema = {
  summary: 'Submit one signed transaction',
  description:
    'Body is `{tx: base64url(canonical CBOR signed tx)}` as JSON, or the raw canonical CBOR bytes with ' +
    '`Content-Type: application/cbor`. Answers 202 `{hash}` once admitted; with `wait=commit` answers 200 ' +
    'with the height, index and receipt once committed (504 NODE_TIMEOUT if not committed in `timeoutMs`).',
  tags: ['transactions'],
  params: groupParams,
  querystring: waitQuery,
  body: {
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['tx'],
          additionalProperties: false,
          properties: {
            tx: {
              type: 'string',
              description: 'base64url (no padding) of the canonical CBOR signed transaction',
            },
          },
        },
      },
      'application/cbor': {
        schema: { format: 'binary', description: 'Canonical CBOR signed transaction bytes' },
      },
    },
  },
  response: { 200: submitResponse, 202: submitResponse, ...errorResponses },
} as const;

export const batchSchema = {
  summary: 'Submit up to 10,000 signed transactions',
  description:
    'Each transaction is admitted or rejected on its own; `results[i]` answers `txs[i]`. With `wait=commit` ' +
    'the answer comes once every admitted transaction is committed (or failed / timed out).',
  tags: ['transactions'],
  params: groupParams,
  querystring: waitQuery,
  body: {
    type: 'object',
    required: ['txs'],
    additionalProperties: false,
    properties: {
      txs: {
        type: 'array',
        maxItems: MAX_BATCH_TXS,
        items: { type: 'string' },
        description: 'base64url signed transactions',
      },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['results'],
      properties: {
        results: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              hash: str,
              status: { type: 'string', enum: ['committed'] },
              height: int,
              index: int,
              receiptStatus: str,
              error: {
                type: 'object',
                required: ['code', 'message'],
                properties: { code: str, message: str },
              },
            },
          },
        },
      },
    },
    ...errorResponses,
  },
} as const;

export const txSchema = {
  summary: 'A transaction with its receipt and inclusion proofs',
  description:
    'Committed transactions carry the decoded views, the canonical bytes (base64url) and Merkle proofs ' +
    'to the header tx and receipt roots, plus the header and its signatures, so inclusion can be verified offline.',
  tags: ['transactions'],
  params: {
    type: 'object',
    required: ['group', 'hash'],
    additionalProperties: false,
    properties: {
      group: groupParams.properties.group,
      hash: { ...hex64, description: 'Transaction hash (hex)' },
    },
  },
  response: {
    200: {
      type: 'object',
      required: [
        'hash',
        'status',
        'suite',
        'height',
        'index',
        'tx',
        'raw',
        'receipt',
        'receiptRaw',
        'proof',
        'receiptProof',
        'block',
      ],
      properties: {
        hash: str,
        status: { type: 'string', enum: ['pending', 'committed'] },
        suite: str,
        height: nullable('integer'),
        index: nullable('integer'),
        tx: txViewSchema,
        raw: nullable('string'),
        receipt: { ...receiptSchema, type: ['object', 'null'] },
        receiptRaw: nullable('string'),
        proof: {
          type: ['object', 'null'],
          required: ['txRoot', 'steps'],
          properties: { txRoot: str, steps: stepsSchema },
        },
        receiptProof: {
          type: ['object', 'null'],
          required: ['receiptRoot', 'steps'],
          properties: { receiptRoot: str, steps: stepsSchema },
        },
        block: {
          type: ['object', 'null'],
          required: ['hash', 'header', 'signatures'],
          properties: { hash: str, header: str, signatures: signaturesSchema },
        },
      },
    },
    ...errorResponses,
  },
} as const;

export const txListSchema = {
  summary: 'Committed transactions by sender address or by module (newest first)',
  tags: ['transactions'],
  params: groupParams,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      sender: { type: 'string', pattern: '^gz[0-9a-f]{40}$' },
      module: { type: 'string', pattern: NAME_PATTERN },
      limit: uintString('Most entries to return, 1..1000 (default 100)'),
      before: uintString('Only transactions at or below this height'),
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['txs'],
      properties: {
        txs: {
          type: 'array',
          items: {
            type: 'object',
            required: ['hash', 'height', 'index', 'sender', 'module', 'method', 'status'],
            properties: {
              hash: str,
              height: int,
              index: int,
              sender: str,
              module: str,
              method: str,
              status: str,
            },
          },
        },
      },
    },
    ...errorResponses,
  },
} as const;

const blockResponse = {
  type: 'object',
  required: ['height', 'hash', 'header', 'headerRaw', 'signatures', 'final', 'txs'],
  properties: {
    height: int,
    hash: str,
    header: headerSchema,
    headerRaw: { type: 'string', description: 'base64url of the canonical CBOR header' },
    signatures: signaturesSchema,
    final: {
      type: 'boolean',
      description:
        'true once nodes of a quorum of organisations signed this header; `signatures` is then the certificate',
    },
    txs: { type: 'array', items: str },
  },
} as const;

export const latestBlockSchema = {
  summary: 'The latest committed block',
  tags: ['blocks'],
  params: groupParams,
  response: { 200: blockResponse, ...errorResponses },
} as const;

export const blockSchema = {
  summary: 'A block by height or by hash',
  tags: ['blocks'],
  params: {
    type: 'object',
    required: ['group', 'id'],
    additionalProperties: false,
    properties: {
      group: groupParams.properties.group,
      id: {
        type: 'string',
        pattern: '^(?:[0-9]{1,15}|[0-9a-f]{64})$',
        description: 'Height or block hash (hex)',
      },
    },
  },
  response: { 200: blockResponse, ...errorResponses },
} as const;

export const querySchema = {
  summary: 'Run a read-only module query (arguments from the query string)',
  tags: ['state'],
  params: {
    type: 'object',
    required: ['group', 'module', 'name'],
    additionalProperties: false,
    properties: {
      group: groupParams.properties.group,
      module: { type: 'string', pattern: NAME_PATTERN },
      name: { type: 'string', pattern: NAME_PATTERN },
    },
  },
  querystring: {
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 4096 },
    maxProperties: 32,
  },
  response: {
    200: {
      type: 'object',
      required: ['result'],
      properties: { result: { description: 'Query result (JSON)' } },
    },
    ...errorResponses,
  },
} as const;

export const certificateSchema = {
  summary: 'Offline-verifiable evidence certificate of an anchored digest',
  tags: ['evidence'],
  params: {
    type: 'object',
    required: ['group', 'digest'],
    additionalProperties: false,
    properties: {
      group: groupParams.properties.group,
      digest: { ...hex64, description: 'Anchored digest (hex)' },
    },
  },
  response: {
    200: { type: 'object', additionalProperties: true, description: 'EvidenceCertificate' },
    ...errorResponses,
  },
} as const;

export const eventsSchema = {
  summary: 'Server-Sent Events stream of committed blocks',
  description:
    'Replays committed blocks from `from` (or from the height after `Last-Event-ID`), then streams new ones. ' +
    'Each message is `event: block`, `id: <height>`, `data: <BlockEventView JSON>`. Without `from` only new blocks are sent.',
  tags: ['blocks'],
  params: groupParams,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { from: uintString('First height to send (replayed from storage)') },
  },
  headers: {
    type: 'object',
    properties: { 'last-event-id': uintString('Height of the last block received; resumes after it') },
  },
  response: {
    200: {
      description: 'text/event-stream',
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    },
    ...errorResponses,
  },
} as const;

export const syncBlocksSchema = {
  summary: 'Blocks with their transactions and certificates, for a member node catching up',
  description:
    'Requests must be signed by a node registered in the group: headers x-gongzhi-node, x-gongzhi-time (ms) and x-gongzhi-sig = sign(H("gongzhi-sync|<group>|<from>|<time>")). The receiver verifies every block certificate and replays the transactions before applying.',
  tags: ['network'],
  params: groupParams,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      from: { type: 'string', pattern: '^[0-9]{1,15}$' },
      limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['blocks'],
      properties: {
        blocks: {
          type: 'array',
          items: {
            type: 'object',
            required: ['header', 'signatures', 'txs'],
            properties: {
              header: str,
              signatures: { type: 'array', items: { type: 'object', properties: { node: str, sig: str } } },
              txs: { type: 'array', items: str },
            },
          },
        },
      },
    },
    ...errorResponses,
  },
} as const;
