import { utf8 } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import { readRoles } from '../governance/index.js';
import { bad, readId, schemas } from './args.js';
import { at, controlledDid } from './control.js';
import { recognisedAnywhere } from './issuers.js';
import { readSchema, readSchemaLatest, writeSchema } from './state.js';
import { LIMITS, REGISTRAR_ROLE, SCHEMA_RANGES, type SchemaRecord } from './types.js';

/** Most versions one schema id may have. */
export const MAX_SCHEMA_VERSIONS = 1000;

/** Arguments of `identity.registerSchema`. */
export interface SchemaArgs {
  readonly schemaId: number;
  readonly issuer: string;
  readonly name: string;
  readonly schema: string;
}

/** A JSON Schema document: an object with `"type": "object"` and `properties` (IDENTITY_BAD_SCHEMA). */
function checkSchemaText(text: string): void {
  const v = parseJson(text);
  if (
    typeof v !== 'object' ||
    v === null ||
    Array.isArray(v) ||
    !('type' in v) ||
    v.type !== 'object' ||
    !('properties' in v) ||
    typeof v.properties !== 'object'
  ) {
    throw new GongzhiError(
      'IDENTITY_BAD_SCHEMA',
      'schema must be a JSON Schema object with type "object" and properties',
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GongzhiError('IDENTITY_BAD_SCHEMA', 'schema is not JSON');
  }
}

/**
 * `registerSchema {schemaId, issuer, name, schema}`: the first registration creates version 1
 * owned by DID `issuer` (sender must control it); later registrations by the same owner add a
 * version. Versions are immutable. Id ranges: system (registrar role only), authority (issuer
 * currently recognised in some category), open. `check` returns the new version's record.
 */
export const registerSchema = defineMethod<SchemaArgs, SchemaRecord>({
  summary: 'Register a credential schema (CPT), or a new version of one the issuer owns',
  args: S.Object(
    {
      schemaId: S.Integer({
        minimum: 1,
        maximum: SCHEMA_RANGES.open.max,
        description: `1..${SCHEMA_RANGES.system.max} system (registrar), ${SCHEMA_RANGES.authority.min}..${SCHEMA_RANGES.authority.max} recognised issuers, ${SCHEMA_RANGES.open.min}.. anyone`,
      }),
      issuer: schemas.id,
      name: S.String({ minLength: 1, maxLength: LIMITS.schemaName }),
      schema: S.String({
        minLength: 1,
        maxLength: LIMITS.schemaBytes,
        description: `a JSON Schema (type "object" with properties) as JSON text, ≤ ${LIMITS.schemaBytes} bytes`,
      }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['schemaId', 'issuer', 'name', 'schema']);
    const schemaId = r.uint('schemaId', SCHEMA_RANGES.open.max);
    if (schemaId < 1) bad('schemaId must be ≥ 1');
    return {
      schemaId,
      issuer: readId(r, 'issuer'),
      name: r.str('name', LIMITS.schemaName),
      schema: r.str('schema', LIMITS.schemaBytes),
    };
  },
  check: (ctx, a) => {
    checkSchemaText(a.schema);
    const bytes = utf8(a.schema);
    if (bytes.length > LIMITS.schemaBytes) bad('schema too large');
    controlledDid(ctx, a.issuer);
    if (
      a.schemaId <= SCHEMA_RANGES.system.max &&
      !readRoles(ctx.state, ctx.sender).includes(REGISTRAR_ROLE)
    ) {
      throw new GongzhiError('IDENTITY_SCHEMA_RANGE', 'system schema ids are for the registrar', {
        schemaId: a.schemaId,
      });
    }
    if (
      a.schemaId >= SCHEMA_RANGES.authority.min &&
      a.schemaId <= SCHEMA_RANGES.authority.max &&
      !recognisedAnywhere(ctx.state, a.issuer)
    ) {
      throw new GongzhiError('IDENTITY_SCHEMA_RANGE', 'authority schema ids are for recognised issuers', {
        schemaId: a.schemaId,
      });
    }
    const latest = readSchemaLatest(ctx.state, a.schemaId);
    if (latest > 0) {
      const first = readSchema(ctx.state, a.schemaId, 1);
      if (first?.issuer !== a.issuer) {
        throw new GongzhiError('IDENTITY_SCHEMA_NOT_OWNER', 'only the schema owner may add a version', {
          schemaId: a.schemaId,
        });
      }
      if (latest >= MAX_SCHEMA_VERSIONS) throw new GongzhiError('IDENTITY_LIMIT', 'too many schema versions');
    }
    return {
      schemaId: a.schemaId,
      version: latest + 1,
      issuer: a.issuer,
      name: a.name,
      schema: a.schema,
      digest: ctx.suite.hash(bytes),
      registered: at(ctx),
    };
  },
  apply: (ctx, _a, s) => {
    writeSchema(ctx.state, s);
    ctx.emit('schemaRegistered', { schemaId: s.schemaId, version: s.version, issuer: s.issuer });
  },
});
