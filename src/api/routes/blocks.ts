/** Block routes: the latest block, a block by height or hash. */
import type { FastifyPluginAsync } from 'fastify';
import { BlockResponseSchema, T } from '../../wire/index.js';
import { blockResponse, findBlock } from '../ledger-views.js';
import { errorResponses, type GroupParams, groupParam, groupParams, type RouteContext } from './context.js';

const latestBlockSchema = {
  summary: 'The latest committed block',
  tags: ['blocks'],
  params: groupParams,
  response: { 200: BlockResponseSchema, ...errorResponses },
};

const blockSchema = {
  summary: 'A block by height or by hash',
  tags: ['blocks'],
  params: T.Object(
    {
      group: groupParam,
      id: T.String({
        pattern: '^(?:[0-9]{1,15}|[0-9a-f]{64})$',
        description: 'Height or block hash (hex)',
      }),
    },
    { additionalProperties: false },
  ),
  response: { 200: BlockResponseSchema, ...errorResponses },
};

export const blockRoutes: FastifyPluginAsync<RouteContext> = async (api, { node }) => {
  api.get<{ Params: GroupParams }>(
    '/v1/groups/:group/blocks/latest',
    { schema: latestBlockSchema },
    async (req) => {
      const g = node.group(req.params.group);
      return blockResponse(g, g.latest);
    },
  );

  api.get<{ Params: GroupParams & { id: string } }>(
    '/v1/groups/:group/blocks/:id',
    { schema: blockSchema },
    async (req) => {
      const g = node.group(req.params.group);
      return blockResponse(g, findBlock(g, req.params.id));
    },
  );
};
