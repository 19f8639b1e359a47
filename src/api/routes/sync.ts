/** Peer catch-up route: certified blocks with their transactions, for member nodes only. */
import type { FastifyPluginAsync } from 'fastify';
import { assertSyncRequest, syncBlocks } from '../../node/peer-sync.js';
import { type SyncBlocksResponse, SyncBlocksResponseSchema, T } from '../../wire/index.js';
import { errorResponses, type GroupParams, groupParams, type RouteContext, uintParam } from './context.js';

const syncBlocksSchema = {
  summary: 'Blocks with their transactions and certificates, for a member node catching up',
  description:
    'Requests must be signed by a node registered in the group: headers x-gongzhi-node, x-gongzhi-time (ms) and x-gongzhi-sig = sign(H("gongzhi-sync|<group>|<from>|<time>")). The receiver verifies every block certificate and replays the transactions before applying.',
  tags: ['network'],
  params: groupParams,
  querystring: T.Object(
    {
      from: T.Optional(T.String({ pattern: '^[0-9]{1,15}$' })),
      limit: T.Optional(T.String({ pattern: '^[0-9]{1,4}$' })),
    },
    { additionalProperties: false },
  ),
  response: { 200: SyncBlocksResponseSchema, ...errorResponses },
};

export const syncRoutes: FastifyPluginAsync<RouteContext> = async (api, { node }) => {
  api.get<{ Params: GroupParams; Querystring: { from?: string; limit?: string } }>(
    '/v1/groups/:group/sync/blocks',
    { schema: syncBlocksSchema },
    async (req): Promise<SyncBlocksResponse> => {
      const g = node.group(req.params.group);
      const from = uintParam(req.query.from, 'from', 1, Number.MAX_SAFE_INTEGER, 1);
      const limit = uintParam(req.query.limit, 'limit', 1, 1000, 200);
      assertSyncRequest(g, from, req.headers);
      return { blocks: syncBlocks(g, from, limit) };
    },
  );
};
