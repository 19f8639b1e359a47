/**
 * Block routes: the latest block, a block by height or hash, and — for explorers of large
 * groups — a page of block headers, one block's header, and a page of one block's transactions.
 * The paged routes read only what they answer (block rows by primary key, transaction index
 * columns by the (height, idx) index), so their cost does not grow with the block or the chain.
 */
import type { FastifyPluginAsync } from 'fastify';
import {
  BlockHeaderResponseSchema,
  type BlockListResponse,
  BlockListResponseSchema,
  BlockResponseSchema,
  type BlockTxsResponse,
  BlockTxsResponseSchema,
  T,
} from '../../wire/index.js';
import { blockHeaderResponse, blockResponse, findBlock, txIndexEntry } from '../ledger-views.js';
import {
  errorResponses,
  type GroupParams,
  groupParam,
  groupParams,
  type RouteContext,
  uintParam,
  uintString,
} from './context.js';

/** Most entries of one page of the paged routes. */
const MAX_BLOCKS_PAGE = 100;
const MAX_TXS_PAGE = 1000;

const latestBlockSchema = {
  summary: 'The latest committed block',
  tags: ['blocks'],
  params: groupParams,
  response: { 200: BlockResponseSchema, ...errorResponses },
};

const blockIdParams = T.Object(
  {
    group: groupParam,
    id: T.String({
      pattern: '^(?:[0-9]{1,15}|[0-9a-f]{64})$',
      description: 'Height or block hash (hex)',
    }),
  },
  { additionalProperties: false },
);

const blockSchema = {
  summary: 'A block by height or by hash',
  description:
    'With the hashes of all its transactions; for large blocks prefer `/blocks/{id}/header` and the paged `/blocks/{id}/txs`.',
  tags: ['blocks'],
  params: blockIdParams,
  response: { 200: BlockResponseSchema, ...errorResponses },
};

const blockListSchema = {
  summary: 'A page of block headers, newest first',
  description:
    'Headers only (no transaction list): `limit` blocks at or below `before` (default: the latest). ' +
    'The next page is `before = <lowest height> - 1`.',
  tags: ['blocks'],
  params: groupParams,
  querystring: T.Object(
    {
      before: T.Optional(uintString('Only blocks at or below this height')),
      limit: T.Optional(uintString(`Most blocks to return, 1..${MAX_BLOCKS_PAGE} (default 10)`)),
    },
    { additionalProperties: false },
  ),
  response: { 200: BlockListResponseSchema, ...errorResponses },
};

const blockHeaderSchema = {
  summary: 'A block header by height or by hash, without its transaction list',
  tags: ['blocks'],
  params: blockIdParams,
  response: { 200: BlockHeaderResponseSchema, ...errorResponses },
};

const blockTxsSchema = {
  summary: 'A page of one block’s transactions, in block order',
  description:
    'Index entries (hash, position, sender, module, method, receipt status) from position `from`; ' +
    '`next` is the position of the next page, null after the last.',
  tags: ['blocks'],
  params: blockIdParams,
  querystring: T.Object(
    {
      from: T.Optional(uintString('First position (0-based, default 0)')),
      limit: T.Optional(uintString(`Most entries to return, 1..${MAX_TXS_PAGE} (default 100)`)),
    },
    { additionalProperties: false },
  ),
  response: { 200: BlockTxsResponseSchema, ...errorResponses },
};

type BlockIdParams = GroupParams & { id: string };

export const blockRoutes: FastifyPluginAsync<RouteContext> = async (api, { node }) => {
  api.get<{ Params: GroupParams }>(
    '/v1/groups/:group/blocks/latest',
    { schema: latestBlockSchema },
    async (req) => {
      const g = node.group(req.params.group);
      return blockResponse(g, g.latest);
    },
  );

  api.get<{ Params: GroupParams; Querystring: { before?: string; limit?: string } }>(
    '/v1/groups/:group/blocks',
    { schema: blockListSchema },
    async (req): Promise<BlockListResponse> => {
      const g = node.group(req.params.group);
      const limit = uintParam(req.query.limit, 'limit', 1, MAX_BLOCKS_PAGE, 10);
      const before = uintParam(req.query.before, 'before', 0, Number.MAX_SAFE_INTEGER, g.latest.height);
      return { blocks: g.store.blocksBefore(before, limit).map((b) => blockHeaderResponse(g, b)) };
    },
  );

  api.get<{ Params: BlockIdParams }>('/v1/groups/:group/blocks/:id', { schema: blockSchema }, async (req) => {
    const g = node.group(req.params.group);
    return blockResponse(g, findBlock(g, req.params.id));
  });

  api.get<{ Params: BlockIdParams }>(
    '/v1/groups/:group/blocks/:id/header',
    { schema: blockHeaderSchema },
    async (req) => {
      const g = node.group(req.params.group);
      return blockHeaderResponse(g, findBlock(g, req.params.id));
    },
  );

  api.get<{ Params: BlockIdParams; Querystring: { from?: string; limit?: string } }>(
    '/v1/groups/:group/blocks/:id/txs',
    { schema: blockTxsSchema },
    async (req): Promise<BlockTxsResponse> => {
      const g = node.group(req.params.group);
      const b = findBlock(g, req.params.id);
      const from = uintParam(req.query.from, 'from', 0, Number.MAX_SAFE_INTEGER, 0);
      const limit = uintParam(req.query.limit, 'limit', 1, MAX_TXS_PAGE, 100);
      const txs = g.store.txEntriesOfBlock(b.height, from, limit).map(txIndexEntry);
      const end = from + txs.length;
      return {
        height: b.height,
        txCount: b.header.txCount,
        txs,
        next: txs.length === limit && end < b.header.txCount ? end : null,
      };
    },
  );
};
