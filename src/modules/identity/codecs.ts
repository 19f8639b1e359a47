import { SUITE_IDS } from '../../crypto/index.js';
import type { CborValue } from '../../encoding/index.js';
import { type Codec, defineCodec, defineValueCodec, readRecordFields } from '../../execution/index.js';
import type { CborMap, ShapeReader } from '../../ledger/index.js';
import { isDidId } from './did.js';
import {
  type At,
  type DidKey,
  type DidRecord,
  type DidService,
  type IssuerPeriod,
  KEY_PURPOSES,
  type KeyPurpose,
  LIMITS,
  type SchemaRecord,
  STATUS_CHUNK_BITS,
  STATUS_PURPOSES,
  type StatusListRecord,
} from './types.js';

/**
 * The strict codecs of every record the identity module stores. Each `encode` writes exactly the
 * keys and values the module has always written (state roots depend on them); each `decode`
 * accepts exactly those shapes and raises CHAIN_INVALID for anything else — a damaged record is
 * never read as a default.
 */

/** Longest account address a record holds (`createdBy`, `by`). */
const MAX_ACCOUNT = 128;
/** Most keys a DID record holds: at most `LIMITS.keys` active, revoked ones kept, 4× that in all (checkNewKey). */
export const MAX_STORED_KEYS = LIMITS.keys * 4;
/** Most recognition periods of one issuer in one category. */
export const MAX_ISSUER_PERIODS = 64;
/** Bytes of one stored status chunk. */
export const STATUS_CHUNK_BYTES = STATUS_CHUNK_BITS / 8;

const AT_FIELDS = ['height', 'timestamp', 'tx'] as const;

/** An `At` as stored. */
export function atValue(a: At): CborMap {
  return { height: a.height, timestamp: a.timestamp, tx: a.tx };
}

function readAtFields(r: ShapeReader): At {
  return { height: r.uint('height'), timestamp: r.uint('timestamp'), tx: r.digest('tx') };
}

function readAt(r: ShapeReader, field: string): At {
  return readAtFields(r.nested(field, AT_FIELDS));
}

/** A DID id (gz + 40 hex) field of a stored record. */
function readDidId(r: ShapeReader, field: string): string {
  return r.match(field, /^gz[0-9a-f]{40}$/, 'a DID id gz<40 hex>', 42);
}

function keyValue(k: DidKey): CborMap {
  return {
    fragment: k.fragment,
    type: k.type,
    publicKey: k.publicKey,
    purposes: [...k.purposes],
    added: atValue(k.added),
    ...(k.revoked === undefined ? {} : { revoked: atValue(k.revoked) }),
  };
}

function readPurposeList(r: ShapeReader): KeyPurpose[] {
  const out: KeyPurpose[] = [];
  for (const p of r.array('purposes', KEY_PURPOSES.length)) {
    const purpose = KEY_PURPOSES.find((x) => x === p);
    if (purpose === undefined || out.includes(purpose)) {
      r.fail('purposes', `distinct items of ${KEY_PURPOSES.join(', ')}`);
    }
    out.push(purpose);
  }
  return out;
}

function readKey(r: ShapeReader, v: CborValue, path: string): DidKey {
  const k = r.sub(v, path, ['fragment', 'type', 'publicKey', 'purposes', 'added', 'revoked']);
  const key = {
    fragment: k.str('fragment', LIMITS.fragment),
    type: k.oneOf('type', SUITE_IDS),
    publicKey: k.bytes('publicKey', undefined, 65),
    purposes: readPurposeList(k),
    added: readAt(k, 'added'),
  };
  return k.has('revoked') ? { ...key, revoked: readAt(k, 'revoked') } : key;
}

function readService(r: ShapeReader, v: CborValue, path: string): DidService {
  const s = r.sub(v, path, ['fragment', 'type', 'endpoint']);
  return {
    fragment: s.str('fragment', LIMITS.fragment),
    type: s.str('type', LIMITS.serviceType),
    endpoint: s.str('endpoint', LIMITS.serviceEndpoint),
  };
}

/** A DID record (current under `identity/did/<id>`, and each version under `identity/didv/<id>/<n>`). */
export const didCodec: Codec<DidRecord> = defineCodec<DidRecord>(
  'DID record',
  [
    'id',
    'did',
    'version',
    'keys',
    'controllers',
    'services',
    'createdBy',
    'created',
    'updated',
    'deactivated',
  ],
  (r) => ({
    id: r.id,
    did: r.did,
    version: r.version,
    keys: r.keys.map(keyValue),
    controllers: [...r.controllers],
    services: r.services.map((s) => ({ fragment: s.fragment, type: s.type, endpoint: s.endpoint })),
    createdBy: r.createdBy,
    created: atValue(r.created),
    updated: atValue(r.updated),
    ...(r.deactivated === undefined ? {} : { deactivated: atValue(r.deactivated) }),
  }),
  (r) => {
    const version = r.uint('version');
    if (version < 1) r.fail('version', 'an integer ≥ 1');
    const controllers = r.strs('controllers', LIMITS.controllers, 42);
    if (!controllers.every(isDidId)) r.fail('controllers', 'a list of DID ids gz<40 hex>');
    const rec = {
      id: readDidId(r, 'id'),
      did: r.str('did', 256),
      version,
      keys: r.list('keys', MAX_STORED_KEYS, (v, at) => readKey(r, v, at)),
      controllers,
      services: r.list('services', LIMITS.services, (v, at) => readService(r, v, at)),
      createdBy: r.str('createdBy', MAX_ACCOUNT),
      created: readAt(r, 'created'),
      updated: readAt(r, 'updated'),
    };
    return r.has('deactivated') ? { ...rec, deactivated: readAt(r, 'deactivated') } : rec;
  },
);

function readPeriod(v: CborValue, at: string): IssuerPeriod {
  const p = readRecordFields(v, ['from', 'by', 'until'], at);
  const period = { from: readAt(p, 'from'), by: p.str('by', MAX_ACCOUNT) };
  if (!p.has('until')) return period;
  const u = p.nested('until', [...AT_FIELDS, 'by', 'reason']);
  return {
    ...period,
    until: { ...readAtFields(u), by: u.str('by', MAX_ACCOUNT), reason: u.str('reason', LIMITS.reason) },
  };
}

/** The recognition periods of one issuer in one category (`identity/issuer/<id>/<category>`), oldest first. */
export const issuerPeriodsCodec: Codec<IssuerPeriod[]> = defineValueCodec<IssuerPeriod[]>(
  'issuer periods',
  (periods) =>
    periods.map((p) => ({
      from: atValue(p.from),
      by: p.by,
      ...(p.until === undefined
        ? {}
        : { until: { ...atValue(p.until), by: p.until.by, reason: p.until.reason } }),
    })),
  (v, fail) => {
    if (!Array.isArray(v) || v.length > MAX_ISSUER_PERIODS) {
      return fail(`a list of ≤ ${MAX_ISSUER_PERIODS} recognition periods`);
    }
    return v.map((p, i) => readPeriod(p, `issuer periods[${i}]`));
  },
);

/** The DIDs ever recognised in a category (`identity/issuers/<category>`), in recognition order. */
export const issuerIndexCodec: Codec<string[]> = defineValueCodec<string[]>(
  'issuer index',
  (ids) => [...ids],
  (v, fail) => {
    if (!Array.isArray(v)) return fail('a list of DID ids');
    return v.map((x) => (typeof x === 'string' && isDidId(x) ? x : fail('a list of DID ids')));
  },
);

/** One immutable version of a credential schema (`identity/schema/<schemaId>/<version>`). */
export const schemaCodec: Codec<SchemaRecord> = defineCodec<SchemaRecord>(
  'schema record',
  ['schemaId', 'version', 'issuer', 'name', 'schema', 'digest', 'registered'],
  (s) => ({
    schemaId: s.schemaId,
    version: s.version,
    issuer: s.issuer,
    name: s.name,
    schema: s.schema,
    digest: s.digest,
    registered: atValue(s.registered),
  }),
  (r) => ({
    schemaId: r.uint('schemaId'),
    version: r.uint('version'),
    issuer: readDidId(r, 'issuer'),
    name: r.str('name', LIMITS.schemaName),
    schema: r.str('schema', LIMITS.schemaBytes),
    digest: r.digest('digest'),
    registered: readAt(r, 'registered'),
  }),
);

/** A status list's header (`identity/status/<issuer>/<list>`); its bits live in chunks. */
export const statusListCodec: Codec<StatusListRecord> = defineCodec<StatusListRecord>(
  'status list',
  ['issuer', 'list', 'purpose', 'size', 'created', 'updates'],
  (l) => ({
    issuer: l.issuer,
    list: l.list,
    purpose: l.purpose,
    size: l.size,
    created: atValue(l.created),
    updates: l.updates,
  }),
  (r) => {
    const size = r.uint('size', LIMITS.statusMaxBits);
    if (size === 0 || size % STATUS_CHUNK_BITS !== 0) r.fail('size', `a multiple of ${STATUS_CHUNK_BITS}`);
    return {
      issuer: readDidId(r, 'issuer'),
      list: r.id('list'),
      purpose: r.oneOf('purpose', STATUS_PURPOSES),
      size,
      created: readAt(r, 'created'),
      updates: r.uint('updates'),
    };
  },
);

/** One chunk of a status list's bits (`identity/status/<issuer>/<list>/c/<n>`); absent = all zero. */
export const statusChunkCodec: Codec<Uint8Array> = defineValueCodec<Uint8Array>(
  'status chunk',
  (bits) => bits,
  (v, fail) =>
    v instanceof Uint8Array && v.length === STATUS_CHUNK_BYTES
      ? Uint8Array.from(v)
      : fail(`${STATUS_CHUNK_BYTES} bytes`),
);
