import { gzipSync } from 'node:zlib';
import { toBase64Url, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineQuery, type QueryArgs, S } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { LIST_RE } from './args.js';
import { atJson, parseDid, type ResolutionJson, resolutionJson } from './did.js';
import {
  EXTERNAL_DID_MAX,
  isExternalDid,
  readExternalIndex,
  readExternalPeriods,
} from './external-issuers.js';
import { isOpen } from './issuers.js';
import {
  issuerSchema,
  issuersSchema,
  resolutionSchema,
  schemaSchema,
  statusListSchema,
  statusSchema,
} from './query-schemas.js';
import {
  getBit,
  readChunk,
  readDid,
  readDidAtHeight,
  readDidVersion,
  readIssuerIndex,
  readIssuerPeriods,
  readSchema,
  readSchemaLatest,
  readStatusList,
} from './state.js';
import { type DidRecord, ISSUER_CATEGORIES, STATUS_CHUNK_BITS, type StatusListRecord } from './types.js';

/**
 * The identity queries. Parameters arrive as URL strings (or JSON values from an SDK call) and are
 * read with `QueryArgs`: a malformed one is EXEC_BAD_ARGS naming it, a malformed DID is
 * IDENTITY_BAD_DID. The results are the JSON the API has always returned.
 */

const didParam = S.String({ maxLength: 256, description: 'did:gongzhi:<chain>:<group>:<id>' });
const listParam = S.String({ pattern: LIST_RE.source, description: 'status list name' });
const categoryParam = S.Union(
  ISSUER_CATEGORIES.map((c) => S.Literal(c)),
  { description: 'issuer category' },
);

/** The `did` parameter and its id, checking it names this group (IDENTITY_BAD_DID otherwise). */
function didOf(q: QueryArgs, group: string): { did: string; id: string } {
  const did = q.str('did');
  const p = parseDid(did);
  if (p.group !== group) {
    throw new GongzhiError('IDENTITY_BAD_DID', 'the DID belongs to another group; ask a node of that group', {
      group: p.group,
    });
  }
  return { did, id: p.id };
}

/** An optional unsigned integer parameter. */
function optUint(q: QueryArgs, name: string, max?: number): number | undefined {
  return q.has(name) ? q.uint(name, undefined, max) : undefined;
}

function listName(q: QueryArgs): string {
  return q.str('list', 64, LIST_RE, 'a status list name ([a-z0-9-], ≤ 64 chars)');
}

/**
 * `resolve {did, atHeight?, versionId?, versionTime?}` → DID resolution result: current, as it was
 * after block `atHeight`, version `versionId`, or the version in force at block time
 * `versionTime` (ms). At most one of the three; an unknown version is IDENTITY_VERSION_NOT_FOUND,
 * never the current one. `didDocumentMetadata.nextVersionId` names the following version, if any.
 */
export const resolve = defineQuery<ResolutionJson>({
  summary: 'Resolve a DID to its W3C DID document and key history, now, as of a block, or a version',
  args: S.Object({
    did: didParam,
    atHeight: S.Optional(S.UintParam('resolve as of this block (≤ the committed head)')),
    versionId: S.Optional(S.UintParam('this version of the DID document (1 = as created)')),
    versionTime: S.Optional(S.UintParam('the version in force at this block time (ms)')),
  }),
  result: resolutionSchema,
  run: ({ state, group, height }, q) => {
    const { did, id } = didOf(q, group);
    const h = optUint(q, 'atHeight', height);
    const v = optUint(q, 'versionId');
    const t = optUint(q, 'versionTime');
    if ([h, v, t].filter((x) => x !== undefined).length > 1) {
      throw new GongzhiError('EXEC_BAD_ARGS', 'give at most one of atHeight, versionId, versionTime');
    }
    const cur = readDid(state, id);
    if (cur === undefined || cur.did !== did) {
      throw new GongzhiError('IDENTITY_NOT_FOUND', 'no such DID', {
        did,
        ...(h === undefined ? {} : { atHeight: h }),
      });
    }
    let r: DidRecord | undefined = cur;
    if (h !== undefined) r = readDidAtHeight(state, id, h);
    else if (v !== undefined) r = v >= 1 && v <= cur.version ? readDidVersion(state, id, v) : undefined;
    else if (t !== undefined) r = readDidAtTime(state, cur, t);
    if (r === undefined) {
      if (h !== undefined) throw new GongzhiError('IDENTITY_NOT_FOUND', 'no such DID', { did, atHeight: h });
      throw new GongzhiError('IDENTITY_VERSION_NOT_FOUND', 'no such version of the DID', {
        did,
        ...(v === undefined ? {} : { versionId: v }),
        ...(t === undefined ? {} : { versionTime: t }),
      });
    }
    const res = resolutionJson(r);
    // Only for the version parameters: the results of the older forms stay byte-identical.
    return h === undefined && r.version < cur.version
      ? { ...res, didDocumentMetadata: { ...res.didDocumentMetadata, nextVersionId: String(r.version + 1) } }
      : res;
  },
});

/** The version in force at block time `t` (ms): the last one updated at or before `t`. */
function readDidAtTime(state: StateReader, cur: DidRecord, t: number): DidRecord | undefined {
  if (cur.updated.timestamp <= t) return cur;
  let lo = 1;
  let hi = cur.version - 1;
  let found: DidRecord | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = readDidVersion(state, cur.id, mid);
    if (r !== undefined && r.updated.timestamp <= t) {
      found = r;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * `issuer {did, category, at?, atHeight?}` → whether the DID is a recognised issuer of the
 * category now, at block time `at` (ms) and/or after block `atHeight`, with the full history.
 */
export const issuer = defineQuery({
  summary: 'Whether a DID is a recognised issuer of a category (now, at a time, at a height), with history',
  args: S.Object({
    did: didParam,
    category: categoryParam,
    at: S.Optional(S.UintParam('block time to ask about (ms)')),
    atHeight: S.Optional(S.UintParam('block height to ask about')),
  }),
  result: issuerSchema,
  run: ({ state, group, suite }, q) => {
    // A did:key / did:jwk / did:web issuer has its own registry rows; anything else is read as before.
    const raw = q.has('did') ? q.str('did', EXTERNAL_DID_MAX) : '';
    const external = isExternalDid(raw);
    const { did, id } = external ? { did: raw, id: '' } : didOf(q, group);
    const category = q.oneOf('category', ISSUER_CATEGORIES);
    const periods = external
      ? readExternalPeriods(state, suite, did, category)
      : readIssuerPeriods(state, id, category);
    const t = optUint(q, 'at');
    const h = optUint(q, 'atHeight');
    const atTime =
      t === undefined
        ? undefined
        : periods.some((p) => p.from.timestamp <= t && (p.until === undefined || t < p.until.timestamp));
    const atHeight =
      h === undefined
        ? undefined
        : periods.some((p) => p.from.height <= h && (p.until === undefined || h < p.until.height));
    return {
      did,
      category,
      recognised: isOpen(periods),
      ...(atTime === undefined ? {} : { recognisedAt: atTime }),
      ...(atHeight === undefined ? {} : { recognisedAtHeight: atHeight }),
      history: periods.map((p) => ({
        from: atJson(p.from),
        by: p.by,
        ...(p.until === undefined
          ? {}
          : { until: atJson(p.until), reason: p.until.reason, untilBy: p.until.by }),
      })),
    };
  },
});

/** `issuers {category}` → DIDs ever recognised in the category and whether they are now. */
export const issuers = defineQuery({
  summary: 'The DIDs ever recognised in a category, and whether they are now',
  args: S.Object({ category: categoryParam }),
  result: issuersSchema,
  run: ({ state, group, suite }, q) => {
    const category = q.oneOf('category', ISSUER_CATEGORIES);
    const ids = readIssuerIndex(state, category);
    const sample = ids[0] === undefined ? undefined : readDid(state, ids[0]);
    // The chain id is not in the query context: take the DID prefix from a stored record.
    const prefix = sample?.did.split(':').slice(0, 4).join(':') ?? `did:gongzhi:?:${group}`;
    const external = readExternalIndex(state, category);
    return {
      category,
      issuers: ids.map((id) => ({
        did: `${prefix}:${id}`,
        recognised: isOpen(readIssuerPeriods(state, id, category)),
      })),
      // Only when there are any: the answer for a registry of did:gongzhi issuers stays as it was.
      ...(external.length === 0
        ? {}
        : {
            external: external.map((d) => ({
              did: d,
              recognised: isOpen(readExternalPeriods(state, suite, d, category)),
            })),
          }),
    };
  },
});

/** A stored schema's JSON document; registration checked it is JSON, so anything else is damage (CHAIN_INVALID). */
function schemaDocument(text: string, schemaId: number, version: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GongzhiError('CHAIN_INVALID', 'stored schema record holds a schema that is not JSON', {
      schemaId,
      version,
    });
  }
}

/** `schema {schemaId, version?}` → the schema (latest version by default). */
export const schema = defineQuery({
  summary: 'A credential schema (CPT), the latest version or the one asked for',
  args: S.Object({
    schemaId: S.UintParam('schema id'),
    version: S.Optional(S.UintParam('version (default: the latest)')),
  }),
  result: schemaSchema,
  run: ({ state }, q) => {
    const schemaId = q.uint('schemaId', undefined);
    const latest = readSchemaLatest(state, schemaId);
    const version = optUint(q, 'version') ?? latest;
    const s = readSchema(state, schemaId, version);
    if (s === undefined) {
      throw new GongzhiError('IDENTITY_SCHEMA_NOT_FOUND', 'no such schema', { schemaId, version });
    }
    const owner = readDid(state, s.issuer);
    return {
      schemaId,
      version,
      latest,
      issuer: owner?.did ?? s.issuer,
      name: s.name,
      schema: schemaDocument(s.schema, schemaId, version),
      digest: toHex(s.digest),
      registered: atJson(s.registered),
    };
  },
});

/** The status list named by `did` and `list` (IDENTITY_STATUS_LIST_NOT_FOUND). */
function statusListOf(
  state: StateReader,
  group: string,
  q: QueryArgs,
): { id: string; did: string; list: string; l: StatusListRecord } {
  const { did, id } = didOf(q, group);
  const list = listName(q);
  const l = readStatusList(state, id, list);
  if (l === undefined) {
    throw new GongzhiError('IDENTITY_STATUS_LIST_NOT_FOUND', 'no such status list', { did, list });
  }
  return { id, did, list, l };
}

/** `status {did, list, index}` → the bit (1 = revoked/suspended). */
export const status = defineQuery({
  summary: 'One bit of a status list (set = revoked or suspended)',
  args: S.Object({ did: didParam, list: listParam, index: S.UintParam('credential index in the list') }),
  result: statusSchema,
  run: ({ state, group }, q) => {
    const { id, did, list, l } = statusListOf(state, group, q);
    // A missing or out-of-range index is IDENTITY_STATUS_INDEX, as it always was; a malformed one EXEC_BAD_ARGS.
    const index = optUint(q, 'index');
    if (index === undefined || index >= l.size) {
      throw new GongzhiError('IDENTITY_STATUS_INDEX', 'index is required and must be within the list', {
        size: l.size,
      });
    }
    const bits = readChunk(state, id, list, Math.floor(index / STATUS_CHUNK_BITS));
    return {
      did,
      list,
      purpose: l.purpose,
      index,
      set: getBit(bits, index % STATUS_CHUNK_BITS),
      updates: l.updates,
    };
  },
});

/** `statusList {did, list}` → Bitstring Status List `encodedList` (gzip, base64url with multibase 'u'). */
export const statusList = defineQuery({
  summary: 'A whole status list as a Bitstring Status List encodedList',
  args: S.Object({ did: didParam, list: listParam }),
  result: statusListSchema,
  run: ({ state, group }, q) => {
    const { id, did, list, l } = statusListOf(state, group, q);
    const all = new Uint8Array(l.size / 8);
    for (let c = 0; c < l.size / STATUS_CHUNK_BITS; c++) {
      all.set(readChunk(state, id, list, c), (c * STATUS_CHUNK_BITS) / 8);
    }
    return {
      did,
      list,
      purpose: l.purpose,
      size: l.size,
      updates: l.updates,
      encodedList: `u${toBase64Url(new Uint8Array(gzipSync(all)))}`,
    };
  },
});
