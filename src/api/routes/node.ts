/** Node status routes: health, Prometheus metrics, node identity, the groups served. */
import type { FastifyPluginAsync } from 'fastify';
import {
  type GroupsResponse,
  GroupsResponseSchema,
  type HealthResponse,
  HealthResponseSchema,
  HealthStatusSchema,
  JsonObjectSchema,
  type NodeInfoResponse,
  NodeInfoResponseSchema,
  T,
} from '../../wire/index.js';
import { errorResponses, type RouteContext } from './context.js';

const healthSchema = {
  summary: 'Liveness and per-group status',
  description:
    'Answers 503 with status "shutting-down" while the server is closing, "halted" when a group stopped (its block diverged from the quorum\'s, or could not be committed), or "degraded" when a group is past a threshold of the node config `health`: the ordering service has not answered for `maxOrderingSilenceMs`, a pending transaction waited `maxCutStallMs` with no block cut, the head is more than `maxFinalLag` blocks above the final height, or the final height has not moved for `maxFinalStallMs` with blocks above it. Each group lists what is wrong in `degraded`.',
  tags: ['node'],
  response: {
    200: HealthResponseSchema,
    503: T.Object({ status: HealthStatusSchema, groups: T.Array(JsonObjectSchema) }),
  },
};

const metricsSchema = {
  summary: 'Prometheus metrics (text exposition format)',
  tags: ['node'],
  produces: ['text/plain'],
  response: { 200: T.String({ description: 'Prometheus text format' }), ...errorResponses },
};

const nodeInfoSchema = {
  summary: 'Node identity, chain, suite and groups',
  tags: ['node'],
  response: { 200: NodeInfoResponseSchema, ...errorResponses },
};

const groupsSchema = {
  summary: 'Groups served by this node',
  tags: ['node'],
  response: { 200: GroupsResponseSchema, ...errorResponses },
};

export const nodeRoutes: FastifyPluginAsync<RouteContext> = async (api, { node, life }) => {
  api.get('/health', { schema: healthSchema }, async (_req, reply) => {
    const groups = node.health();
    const halted = groups.some((g) => g.halted !== undefined);
    const degraded = groups.some((g) => g.degraded.length > 0);
    const body: HealthResponse = {
      status: life.closing ? 'shutting-down' : halted ? 'halted' : degraded ? 'degraded' : 'ok',
      groups: groups.map((g) => ({ ...g, ordering: { ...g.ordering }, degraded: [...g.degraded] })),
    };
    return reply.code(body.status === 'ok' ? 200 : 503).send(body);
  });

  api.get('/metrics', { schema: metricsSchema }, async (_req, reply) => {
    const registry = node.metrics.registry;
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });

  api.get('/v1/node', { schema: nodeInfoSchema }, async (): Promise<NodeInfoResponse> => {
    const i = node.info();
    return {
      nodeId: i.nodeId,
      org: i.org,
      publicKey: i.publicKey,
      suite: i.suite,
      chain: i.chain,
      groups: i.groups,
    };
  });

  api.get('/v1/groups', { schema: groupsSchema }, async (): Promise<GroupsResponse> => {
    const info = node.info();
    const byId = new Map(info.groups.map((g) => [g.id, g]));
    return {
      groups: node.groupIds().map((id) => {
        const g = node.group(id);
        return {
          id,
          chain: g.chain,
          suite: g.suite.id,
          height: g.latest.height,
          genesisHash: byId.get(id)?.genesisHash ?? '',
          mempool: g.mempoolSize,
        };
      }),
    };
  });
};
