/**
 * The OpenAPI 3.1 document: @fastify/swagger renders the routes' schemas, then `transformObject`
 * adds what no route schema can say — every module query on its own path with its parameters
 * and result schema, every method's argument schema as a component, and the module list under
 * `x-gongzhi-modules` — from the registry's describe(), whatever each module declares.
 */
import type { SwaggerOptions } from '@fastify/swagger';
import type { GongzhiNode } from '../node/gongzhi-node.js';
import type { ModuleDescription } from '../wire/index.js';
import { moduleDescriptions, queryArgsSchema } from './routes/query.js';

/** Path of the generic query route in the document. */
export const QUERY_ROUTE = '/v1/groups/{group}/query/{module}/{name}';

type Json = { [key: string]: unknown };
interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly [key: string]: unknown;
}
interface Operation {
  parameters?: Parameter[];
  responses?: Json;
  [key: string]: unknown;
}
/** The parts of the document this file reads and writes. */
interface Document {
  paths?: Record<string, Record<string, Operation> | undefined>;
  components?: { schemas?: Json; [key: string]: unknown };
  tags?: { name: string; description?: string }[];
  [key: string]: unknown;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A plain-JSON copy (drops TypeBox's symbol keys, shares nothing with the registry). */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const methodComponent = (m: string, method: string) => `${m}.methods.${method}`;
export const queryComponent = (m: string, q: string, part: 'args' | 'result') => `${m}.queries.${q}.${part}`;
export const queryPath = (m: string, q: string) => `/v1/groups/{group}/query/${m}/${q}`;

/** The free-form parameter of a query whose arguments are not listed. */
const anyArgsParameter = (): Parameter => ({
  name: 'args',
  in: 'query',
  required: false,
  style: 'form',
  explode: true,
  description: 'The query’s arguments, one query-string parameter each',
  schema: plain(queryArgsSchema),
});

/**
 * One query parameter per property of an object schema (`required` from the schema). A schema
 * that lists no properties and does not forbid others gets the free-form parameter instead, so
 * a tool does not conclude that the query takes no arguments.
 */
function queryParameters(args: Json): Parameter[] {
  const props = isObject(args.properties) ? args.properties : {};
  const required = Array.isArray(args.required) ? args.required : [];
  if (Object.keys(props).length === 0) return args.additionalProperties === false ? [] : [anyArgsParameter()];
  return Object.entries(props).map(([name, s]) => {
    const { description, ...schema } = isObject(s) ? s : {};
    return {
      name,
      in: 'query',
      required: required.includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema,
    };
  });
}

/**
 * The generic query route takes any parameters: one form-exploded object parameter says so
 * (@fastify/swagger would render the keywords of its schema as parameters).
 */
function fixGenericQueryRoute(op: Operation): void {
  op.parameters = [
    ...(op.parameters ?? []).filter((p) => p.in !== 'query'),
    { ...anyArgsParameter(), description: 'The query’s arguments (see the query’s own path for its list)' },
  ];
}

/** Add the modules' queries, methods and list to `doc` (built by @fastify/swagger), in place. */
export function addModules(doc: Document, modules: readonly ModuleDescription[]): void {
  doc.paths ??= {};
  doc.components ??= {};
  doc.components.schemas ??= {};
  doc.tags ??= [];
  const { paths, tags } = doc;
  const schemas = doc.components.schemas;
  const generic = paths[QUERY_ROUTE]?.get;
  if (generic) fixGenericQueryRoute(generic);
  const groupParameter = generic?.parameters?.find((p) => p.in === 'path' && p.name === 'group');
  const errors = Object.fromEntries(
    Object.entries(generic?.responses ?? {}).filter(([status]) => !status.startsWith('2')),
  );
  const listing = modules.map((m) => {
    if (!tags.some((t) => t.name === m.name)) {
      tags.push({ name: m.name, description: m.summary === '' ? `The ${m.name} module` : m.summary });
    }
    const methods = m.methods.map((x) => {
      schemas[methodComponent(m.name, x.name)] = plain(x.args);
      return { name: x.name, summary: x.summary, roles: x.roles, args: ref(methodComponent(m.name, x.name)) };
    });
    const queries = m.queries.map((q) => {
      const args = plain(q.args);
      schemas[queryComponent(m.name, q.name, 'args')] = args;
      schemas[queryComponent(m.name, q.name, 'result')] = plain(q.result);
      const path = queryPath(m.name, q.name);
      paths[path] = {
        get: {
          operationId: `${m.name}.${q.name}`,
          summary: q.summary === '' ? `${m.name}.${q.name}` : q.summary,
          description: `Query \`${q.name}\` of the \`${m.name}\` module (read-only).`,
          tags: [m.name],
          parameters: [...(groupParameter ? [plain(groupParameter)] : []), ...queryParameters(args)],
          responses: {
            200: {
              description: 'The query result',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['result'],
                    properties: { result: ref(queryComponent(m.name, q.name, 'result')) },
                  },
                },
              },
            },
            ...plain(errors),
          },
        },
      };
      return {
        name: q.name,
        summary: q.summary,
        path,
        args: ref(queryComponent(m.name, q.name, 'args')),
        result: ref(queryComponent(m.name, q.name, 'result')),
      };
    });
    return { name: m.name, summary: m.summary, methods, queries };
  });
  doc['x-gongzhi-modules'] = listing;
}

/** Modules of every group, by name (groups normally run the same set; the first one seen wins). */
function nodeModules(node: GongzhiNode): ModuleDescription[] {
  const byName = new Map<string, ModuleDescription>();
  for (const id of node.groupIds()) {
    for (const m of moduleDescriptions(node.group(id).registry))
      if (!byName.has(m.name)) byName.set(m.name, m);
  }
  return [...byName.values()];
}

/** Options of @fastify/swagger for the node API. */
export function swaggerOptions(node: GongzhiNode): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gongzhi node API',
        description:
          'HTTP API of a Gongzhi consortium ledger node. Errors are `{error: {code, message, details, hint}}` ' +
          'with the HTTP status of the code. Module methods (called by signed transactions) and queries ' +
          'are listed under `x-gongzhi-modules`; each query has its own path.',
        version: '1.0.0',
      },
      tags: [
        { name: 'node', description: 'Node status and metadata' },
        { name: 'transactions', description: 'Submit and look up transactions' },
        { name: 'blocks', description: 'Blocks and block events' },
        { name: 'state', description: 'Module queries' },
        { name: 'evidence', description: 'Evidence certificates' },
        { name: 'network', description: 'Catch-up between member nodes' },
      ],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    // Runs once: @fastify/swagger caches the finished document.
    transformObject: (d) => {
      if (!('openapiObject' in d)) return d.swaggerObject;
      addModules(d.openapiObject as Document, nodeModules(node));
      return d.openapiObject;
    },
  };
}
