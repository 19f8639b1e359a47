/**
 * Module routes: run a read-only query (arguments from the query string), and describe the
 * modules a group runs (methods with argument schemas and default roles, queries with argument
 * and result schemas). Each query is also documented on its own OpenAPI path (see ../openapi.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ModuleRegistry } from '../../execution/index.js';
import {
  type ModuleDescription,
  type ModulesResponse,
  ModulesResponseSchema,
  NAME_PATTERN,
  type QueryResponse,
  QueryResponseSchema,
  T,
  toJsonValue,
} from '../../wire/index.js';
import { errorResponses, type GroupParams, groupParam, groupParams, type RouteContext } from './context.js';

/** Query arguments: any parameter names (each query checks its own), values up to 4 KiB. */
export const queryArgsSchema = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: 4096 },
  maxProperties: 32,
} as const;

const querySchema = {
  summary: 'Run a read-only module query (arguments from the query string)',
  description:
    'Every query also has its own path, `/v1/groups/{group}/query/<module>/<name>`, documenting its ' +
    'parameters and result.',
  tags: ['state'],
  params: T.Object(
    {
      group: groupParam,
      module: T.String({ pattern: NAME_PATTERN }),
      name: T.String({ pattern: NAME_PATTERN }),
    },
    { additionalProperties: false },
  ),
  querystring: queryArgsSchema,
  response: { 200: QueryResponseSchema, ...errorResponses },
};

const modulesSchema = {
  summary: 'The modules this group runs: methods (argument schema, default roles) and queries',
  description:
    "The same description is in this document: each query on its own path, each method's arguments as " +
    'the component `<module>.methods.<method>`, and the list under the top-level `x-gongzhi-modules`.',
  tags: ['state'],
  params: groupParams,
  response: { 200: ModulesResponseSchema, ...errorResponses },
};

/** The registry's description as its wire shape. */
export function moduleDescriptions(registry: ModuleRegistry): ModuleDescription[] {
  return registry.describe().map((m) => ({
    name: m.name,
    summary: m.summary,
    methods: m.methods.map((x) => ({ name: x.name, summary: x.summary, args: x.args, roles: [...x.roles] })),
    queries: m.queries.map((q) => ({ name: q.name, summary: q.summary, args: q.args, result: q.result })),
  }));
}

export const queryRoutes: FastifyPluginAsync<RouteContext> = async (api, { node }) => {
  api.get<{ Params: GroupParams & { module: string; name: string }; Querystring: Record<string, string> }>(
    '/v1/groups/:group/query/:module/:name',
    { schema: querySchema },
    async (req): Promise<QueryResponse> => {
      const g = node.group(req.params.group);
      const args: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.query)) args[k] = v;
      return { result: toJsonValue(g.query(req.params.module, req.params.name, args)) };
    },
  );

  api.get<{ Params: GroupParams }>(
    '/v1/groups/:group/modules',
    { schema: modulesSchema },
    async (req): Promise<ModulesResponse> => ({
      modules: moduleDescriptions(node.group(req.params.group).registry),
    }),
  );
};
