import { gzipSync } from 'node:zlib';
import type { SuiteId } from '../../crypto/index.js';
import { toBase64Url, toHex, utf8 } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import {
  type ExecContext,
  type LedgerModule,
  type LegacyQueryDef,
  legacyMethod,
  legacyModule,
} from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import type { StateReader } from '../../state/index.js';
import { readRoles } from '../governance/index.js';
import { atJson, formatDid, parseDid, resolutionJson } from './did.js';
import { IDENTITY_ERRORS } from './errors.js';
import {
  args,
  assertControllable,
  assertController,
  assertControllersLive,
  at,
  bad,
  bump,
  checkPublicKey,
  createConsentMessage,
  liveDid,
  readCategory,
  readControllers,
  readFragment,
  readId,
  readKeyType,
  readListName,
  readPurpose,
  readPurposes,
  readServices,
} from './ops.js';
import {
  getBit,
  readChunk,
  readDid,
  readDidAtHeight,
  readIssuerIndex,
  readIssuerPeriods,
  readSchema,
  readSchemaLatest,
  readStatusList,
  setBit,
  writeChunk,
  writeDid,
  writeIssuerIndex,
  writeIssuerPeriods,
  writeSchema,
  writeStatusList,
} from './state.js';
import {
  AGENT_ROLE,
  type DidKey,
  type DidRecord,
  type DidService,
  ISSUER_CATEGORIES,
  type IssuerCategory,
  type IssuerPeriod,
  type KeyPurpose,
  LIMITS,
  MODULE,
  REGISTRAR_ROLE,
  SCHEMA_RANGES,
  STATUS_CHUNK_BITS,
  type StatusPurpose,
} from './types.js';

// ---------------------------------------------------------------- DIDs

interface CreateArgs {
  readonly publicKey: Uint8Array;
  readonly purposes: KeyPurpose[];
  readonly services: DidService[];
  readonly controllers: string[];
  readonly consent?: Uint8Array;
}

/**
 * `create {publicKey, purposes?, services?, controllers?, consent?}`: the DID id is the address
 * of `publicKey` (a chain-type key, fragment `key-1`). The subject sends it herself, or a user
 * agent (governance role `identity-agent`) sends it with `consent`: the subject's signature over
 * `createConsentMessage(did, agent)`.
 */
const create = legacyMethod<CreateArgs>({
  parse: (v) => {
    const r = args(v, ['publicKey', 'purposes', 'services', 'controllers', 'consent']);
    return {
      publicKey: r.bytes('publicKey', undefined, 65),
      purposes: readPurposes(r, ['authentication', 'assertionMethod']),
      services: r.has('services') ? readServices(r.raw('services')) : [],
      controllers: r.has('controllers') ? readControllers(r.raw('controllers')) : [],
      ...(r.has('consent') ? { consent: r.bytes('consent', undefined, 128) } : {}),
    };
  },
  check: (ctx, a) => {
    checkPublicKey(ctx.suite.id, a.publicKey);
    const id = ctx.suite.address(a.publicKey);
    if (a.controllers.includes(id)) bad('a DID cannot list itself as controller');
    const existing = readDid(ctx.state, id);
    if (existing !== undefined) {
      throw new GongzhiError('IDENTITY_EXISTS', 'this DID already exists', {
        id,
        height: existing.created.height,
      });
    }
    assertControllersLive(ctx.state, a.controllers);
    if (ctx.sender === id) return;
    if (!readRoles(ctx.state, ctx.sender).includes(AGENT_ROLE)) {
      throw new GongzhiError('IDENTITY_NOT_AGENT', `only the subject or an ${AGENT_ROLE} may create a DID`, {
        account: ctx.sender,
      });
    }
    const did = formatDid(ctx.chain, ctx.group, id);
    if (
      a.consent === undefined ||
      !ctx.suite.verify(a.publicKey, createConsentMessage(did, ctx.sender), a.consent)
    ) {
      throw new GongzhiError(
        'IDENTITY_BAD_CONSENT',
        "the subject's consent signature is missing or invalid",
        { id },
      );
    }
  },
  apply: (ctx, a) => {
    const id = ctx.suite.address(a.publicKey);
    const now = at(ctx);
    const record: DidRecord = {
      id,
      did: formatDid(ctx.chain, ctx.group, id),
      version: 1,
      keys: [
        { fragment: 'key-1', type: ctx.suite.id, publicKey: a.publicKey, purposes: a.purposes, added: now },
      ],
      controllers: a.controllers,
      services: a.services,
      createdBy: ctx.sender,
      created: now,
      updated: now,
    };
    writeDid(ctx.state, record);
    ctx.emit('created', { id, by: ctx.sender });
  },
});

interface AddKeyArgs {
  readonly id: string;
  readonly fragment: string;
  /** Defaults to the chain's key type. */
  readonly keyType?: SuiteId;
  readonly publicKey: Uint8Array;
  readonly purposes: KeyPurpose[];
}

function parseNewKey(v: CborMap): AddKeyArgs {
  const r = args(v, ['id', 'fragment', 'keyType', 'publicKey', 'purposes']);
  return {
    id: readId(r),
    fragment: readFragment(r),
    ...(r.has('keyType') ? { keyType: readKeyType(r, 'ed25519') } : {}),
    publicKey: r.bytes('publicKey', undefined, 65),
    purposes: readPurposes(r, ['authentication', 'assertionMethod']),
  };
}

function checkNewKey(ctx: ExecContext, rec: DidRecord, a: AddKeyArgs, replacing: number): void {
  const keyType = a.keyType ?? ctx.suite.id;
  checkPublicKey(keyType, a.publicKey);
  if (rec.keys.some((k) => k.fragment === a.fragment)) {
    throw new GongzhiError(
      'IDENTITY_KEY_EXISTS',
      'a key with this fragment exists (fragments are never reused)',
      {
        fragment: a.fragment,
      },
    );
  }
  const active = rec.keys.filter((k) => k.revoked === undefined).length - replacing;
  if (active >= LIMITS.keys || rec.keys.length >= LIMITS.keys * 4) {
    throw new GongzhiError('IDENTITY_LIMIT', 'too many keys', { max: LIMITS.keys });
  }
  if (keyType !== ctx.suite.id && a.purposes.includes('authentication')) {
    bad('authentication keys must be of the chain key type', { keyType });
  }
}

/** `addKey {id, fragment, publicKey, keyType?, purposes?}` (sender controls the DID). */
const addKey = legacyMethod<AddKeyArgs>({
  parse: parseNewKey,
  check: (ctx, a) => {
    const rec = liveDid(ctx.state, a.id);
    assertController(ctx, rec);
    checkNewKey(ctx, rec, a, 0);
  },
  apply: (ctx, a) => {
    const rec = readDid(ctx.state, a.id) as DidRecord;
    const key: DidKey = {
      fragment: a.fragment,
      type: a.keyType ?? ctx.suite.id,
      publicKey: a.publicKey,
      purposes: a.purposes,
      added: at(ctx),
    };
    writeDid(ctx.state, bump(ctx, rec, { keys: [...rec.keys, key] }));
    ctx.emit('keyAdded', { id: a.id, fragment: a.fragment });
  },
});

interface RevokeKeyArgs {
  readonly id: string;
  readonly fragment: string;
}

function activeKey(rec: DidRecord, fragment: string): DidKey {
  const k = rec.keys.find((x) => x.fragment === fragment && x.revoked === undefined);
  if (k === undefined)
    throw new GongzhiError('IDENTITY_KEY_NOT_FOUND', 'no active key with this fragment', { fragment });
  return k;
}

function revoked(ctx: ExecContext, keys: readonly DidKey[], fragment: string): DidKey[] {
  return keys.map((k) => (k.fragment === fragment ? { ...k, revoked: at(ctx) } : k));
}

/** `revokeKey {id, fragment}`: the key stays in the history with its revocation block. */
const revokeKey = legacyMethod<RevokeKeyArgs>({
  parse: (v) => {
    const r = args(v, ['id', 'fragment']);
    return { id: readId(r), fragment: readFragment(r) };
  },
  check: (ctx, a) => {
    const rec = liveDid(ctx.state, a.id);
    assertController(ctx, rec);
    activeKey(rec, a.fragment);
    assertControllable(ctx, revoked(ctx, rec.keys, a.fragment), rec.controllers);
  },
  apply: (ctx, a) => {
    const rec = readDid(ctx.state, a.id) as DidRecord;
    writeDid(ctx.state, bump(ctx, rec, { keys: revoked(ctx, rec.keys, a.fragment) }));
    ctx.emit('keyRevoked', { id: a.id, fragment: a.fragment });
  },
});

interface RotateKeyArgs {
  readonly id: string;
  readonly old: string;
  readonly fragment: string;
  readonly publicKey: Uint8Array;
  readonly keyType?: SuiteId;
  readonly purposes?: KeyPurpose[];
}

/** The new key of a rotation: type and purposes default to the old key's. */
function rotated(a: RotateKeyArgs, old: DidKey): AddKeyArgs {
  return {
    id: a.id,
    fragment: a.fragment,
    publicKey: a.publicKey,
    keyType: a.keyType ?? old.type,
    purposes: a.purposes ?? [...old.purposes],
  };
}

/**
 * `rotateKey {id, old, fragment, publicKey, keyType?, purposes?}`: atomically revoke key `old`
 * and add the new key (type and purposes default to the old key's).
 */
const rotateKey = legacyMethod<RotateKeyArgs>({
  parse: (v) => {
    const r = args(v, ['id', 'old', 'fragment', 'keyType', 'publicKey', 'purposes']);
    return {
      id: readId(r),
      old: readFragment(r, 'old'),
      fragment: readFragment(r),
      publicKey: r.bytes('publicKey', undefined, 65),
      ...(r.has('keyType') ? { keyType: readKeyType(r, 'ed25519') } : {}),
      ...(r.has('purposes') ? { purposes: readPurposes(r, []) } : {}),
    };
  },
  check: (ctx, a) => {
    const rec = liveDid(ctx.state, a.id);
    assertController(ctx, rec);
    checkNewKey(ctx, rec, rotated(a, activeKey(rec, a.old)), 1);
  },
  apply: (ctx, a) => {
    const rec = readDid(ctx.state, a.id) as DidRecord;
    const full = rotated(a, activeKey(rec, a.old));
    const key: DidKey = {
      fragment: full.fragment,
      type: full.keyType ?? ctx.suite.id,
      publicKey: full.publicKey,
      purposes: full.purposes,
      added: at(ctx),
    };
    writeDid(ctx.state, bump(ctx, rec, { keys: [...revoked(ctx, rec.keys, a.old), key] }));
    ctx.emit('keyRotated', { id: a.id, old: a.old, fragment: a.fragment });
  },
});

/** `setServices {id, services}`: replace the service list. */
const setServices = legacyMethod<{ id: string; services: DidService[] }>({
  parse: (v) => {
    const r = args(v, ['id', 'services']);
    return { id: readId(r), services: readServices(r.raw('services')) };
  },
  check: (ctx, a) => assertController(ctx, liveDid(ctx.state, a.id)),
  apply: (ctx, a) => {
    const rec = readDid(ctx.state, a.id) as DidRecord;
    writeDid(ctx.state, bump(ctx, rec, { services: a.services }));
    ctx.emit('servicesSet', { id: a.id, count: a.services.length });
  },
});

/** `setControllers {id, controllers}`: replace the controller DIDs (ids). */
const setControllers = legacyMethod<{ id: string; controllers: string[] }>({
  parse: (v) => {
    const r = args(v, ['id', 'controllers']);
    const id = readId(r);
    return { id, controllers: readControllers(r.raw('controllers'), id) };
  },
  check: (ctx, a) => {
    const rec = liveDid(ctx.state, a.id);
    assertController(ctx, rec);
    assertControllersLive(ctx.state, a.controllers);
    assertControllable(ctx, rec.keys, a.controllers);
  },
  apply: (ctx, a) => {
    const rec = readDid(ctx.state, a.id) as DidRecord;
    writeDid(ctx.state, bump(ctx, rec, { controllers: a.controllers }));
    ctx.emit('controllersSet', { id: a.id, count: a.controllers.length });
  },
});

/** `deactivate {id}`: permanent; the DID resolves with no keys or services afterwards. */
const deactivate = legacyMethod<{ id: string }>({
  parse: (v) => ({ id: readId(args(v, ['id'])) }),
  check: (ctx, a) => assertController(ctx, liveDid(ctx.state, a.id)),
  apply: (ctx, a) => {
    const rec = readDid(ctx.state, a.id) as DidRecord;
    writeDid(ctx.state, bump(ctx, rec, { deactivated: at(ctx) }));
    ctx.emit('deactivated', { id: a.id });
  },
});

// ---------------------------------------------------------------- issuer registry

interface IssuerArgs {
  readonly id: string;
  readonly category: IssuerCategory;
  readonly reason?: string;
}

function isOpen(periods: readonly IssuerPeriod[]): boolean {
  const last = periods[periods.length - 1];
  return last !== undefined && last.until === undefined;
}

/**
 * `recognizeIssuer {id, category}`: permitted (genesis permissions) to the governance role
 * `identity-registrar`, which the committee grants by vote (`governance` action grantRole).
 */
const recognizeIssuer = legacyMethod<IssuerArgs>({
  parse: (v) => {
    const r = args(v, ['id', 'category']);
    return { id: readId(r), category: readCategory(r) };
  },
  check: (ctx, a) => {
    liveDid(ctx.state, a.id);
    if (isOpen(readIssuerPeriods(ctx.state, a.id, a.category))) {
      throw new GongzhiError('IDENTITY_ALREADY_RECOGNISED', 'issuer is already recognised in this category', {
        id: a.id,
        category: a.category,
      });
    }
    if (readIssuerPeriods(ctx.state, a.id, a.category).length >= 64) {
      throw new GongzhiError('IDENTITY_LIMIT', 'too many recognition periods');
    }
  },
  apply: (ctx, a) => {
    const periods = readIssuerPeriods(ctx.state, a.id, a.category);
    writeIssuerPeriods(ctx.state, a.id, a.category, [...periods, { from: at(ctx), by: ctx.sender }]);
    const index = readIssuerIndex(ctx.state, a.category);
    if (!index.includes(a.id)) writeIssuerIndex(ctx.state, a.category, [...index, a.id]);
    ctx.emit('issuerRecognized', { id: a.id, category: a.category, by: ctx.sender });
  },
});

/** `derecognizeIssuer {id, category, reason}`: closes the open recognition period. */
const derecognizeIssuer = legacyMethod<IssuerArgs & { reason: string }>({
  parse: (v) => {
    const r = args(v, ['id', 'category', 'reason']);
    return { id: readId(r), category: readCategory(r), reason: r.str('reason', LIMITS.reason) };
  },
  check: (ctx, a) => {
    if (!isOpen(readIssuerPeriods(ctx.state, a.id, a.category))) {
      throw new GongzhiError('IDENTITY_NOT_RECOGNISED', 'issuer is not recognised in this category', {
        id: a.id,
        category: a.category,
      });
    }
  },
  apply: (ctx, a) => {
    const periods = readIssuerPeriods(ctx.state, a.id, a.category);
    const last = periods[periods.length - 1] as IssuerPeriod;
    writeIssuerPeriods(ctx.state, a.id, a.category, [
      ...periods.slice(0, -1),
      { ...last, until: { ...at(ctx), by: ctx.sender, reason: a.reason } },
    ]);
    ctx.emit('issuerDerecognized', { id: a.id, category: a.category, by: ctx.sender });
  },
});

function recognisedAnywhere(state: StateReader, id: string): boolean {
  return ISSUER_CATEGORIES.some((c) => isOpen(readIssuerPeriods(state, id, c)));
}

// ---------------------------------------------------------------- schemas (CPT)

interface SchemaArgs {
  readonly schemaId: number;
  readonly issuer: string;
  readonly name: string;
  readonly schema: string;
}

/** A JSON Schema document: an object with `"type": "object"` and `properties` (IDENTITY_BAD_SCHEMA). */
function checkSchemaText(text: string): void {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new GongzhiError('IDENTITY_BAD_SCHEMA', 'schema is not JSON');
  }
  const o = v as Record<string, unknown>;
  if (
    typeof v !== 'object' ||
    v === null ||
    Array.isArray(v) ||
    o.type !== 'object' ||
    typeof o.properties !== 'object'
  ) {
    throw new GongzhiError(
      'IDENTITY_BAD_SCHEMA',
      'schema must be a JSON Schema object with type "object" and properties',
    );
  }
}

/**
 * `registerSchema {schemaId, issuer, name, schema}`: the first registration creates version 1
 * owned by DID `issuer` (sender must control it); later registrations by the same owner add a
 * version. Versions are immutable. Id ranges: system (registrar role only), authority (issuer
 * currently recognised in some category), open.
 */
const registerSchema = legacyMethod<SchemaArgs>({
  parse: (v) => {
    const r = args(v, ['schemaId', 'issuer', 'name', 'schema']);
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
    if (utf8(a.schema).length > LIMITS.schemaBytes) bad('schema too large');
    assertController(ctx, liveDid(ctx.state, a.issuer));
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
      if (latest >= 1000) throw new GongzhiError('IDENTITY_LIMIT', 'too many schema versions');
    }
  },
  apply: (ctx, a) => {
    const version = readSchemaLatest(ctx.state, a.schemaId) + 1;
    writeSchema(ctx.state, {
      ...a,
      version,
      digest: ctx.suite.hash(utf8(a.schema)),
      registered: at(ctx),
    });
    ctx.emit('schemaRegistered', { schemaId: a.schemaId, version, issuer: a.issuer });
  },
});

// ---------------------------------------------------------------- status lists

interface StatusListArgs {
  readonly issuer: string;
  readonly list: string;
  readonly purpose: StatusPurpose;
  readonly size: number;
}

/** `createStatusList {issuer, list, purpose, size?}` (size: multiple of 8192, 131072..1048576). */
const createStatusList = legacyMethod<StatusListArgs>({
  parse: (v) => {
    const r = args(v, ['issuer', 'list', 'purpose', 'size']);
    const size = r.has('size') ? r.uint('size', LIMITS.statusMaxBits) : LIMITS.statusMinBits;
    if (size < LIMITS.statusMinBits || size % STATUS_CHUNK_BITS !== 0) {
      bad(
        `size must be a multiple of ${STATUS_CHUNK_BITS} in ${LIMITS.statusMinBits}..${LIMITS.statusMaxBits}`,
      );
    }
    return { issuer: readId(r, 'issuer'), list: readListName(r), purpose: readPurpose(r), size };
  },
  check: (ctx, a) => {
    assertController(ctx, liveDid(ctx.state, a.issuer));
    if (readStatusList(ctx.state, a.issuer, a.list) !== undefined) {
      throw new GongzhiError('IDENTITY_STATUS_LIST_EXISTS', 'status list exists', { list: a.list });
    }
  },
  apply: (ctx, a) => {
    writeStatusList(ctx.state, { ...a, created: at(ctx), updates: 0 });
    ctx.emit('statusListCreated', { issuer: a.issuer, list: a.list, purpose: a.purpose, size: a.size });
  },
});

interface SetStatusArgs {
  readonly issuer: string;
  readonly list: string;
  readonly indexes: number[];
  readonly value: boolean;
}

/** `setStatus {issuer, list, indexes, value}`: set (revoke/suspend) or clear bits; the issuer's controllers only. */
const setStatus = legacyMethod<SetStatusArgs>({
  parse: (v) => {
    const r = args(v, ['issuer', 'list', 'indexes', 'value']);
    const indexes = r.array('indexes', LIMITS.statusIndexesPerTx).map((i) => {
      if (typeof i !== 'number' || !Number.isSafeInteger(i) || i < 0)
        bad('indexes must be unsigned integers');
      return i;
    });
    if (indexes.length === 0) bad('indexes must not be empty');
    return { issuer: readId(r, 'issuer'), list: readListName(r), indexes, value: r.bool('value') };
  },
  check: (ctx, a) => {
    assertController(ctx, liveDid(ctx.state, a.issuer));
    const l = readStatusList(ctx.state, a.issuer, a.list);
    if (l === undefined)
      throw new GongzhiError('IDENTITY_STATUS_LIST_NOT_FOUND', 'no such status list', { list: a.list });
    const over = a.indexes.find((i) => i >= l.size);
    if (over !== undefined)
      throw new GongzhiError('IDENTITY_STATUS_INDEX', 'index beyond the list size', { index: over });
  },
  apply: (ctx, a) => {
    const l = readStatusList(ctx.state, a.issuer, a.list);
    if (l === undefined) return;
    const chunks = new Map<number, Uint8Array>();
    for (const i of a.indexes) {
      const c = Math.floor(i / STATUS_CHUNK_BITS);
      let bits = chunks.get(c);
      if (bits === undefined) {
        bits = readChunk(ctx.state, a.issuer, a.list, c);
        chunks.set(c, bits);
      }
      setBit(bits, i % STATUS_CHUNK_BITS, a.value);
    }
    for (const [c, bits] of chunks) writeChunk(ctx.state, a.issuer, a.list, c, bits);
    writeStatusList(ctx.state, { ...l, updates: l.updates + 1 });
    ctx.emit('statusSet', { issuer: a.issuer, list: a.list, count: a.indexes.length, value: a.value });
  },
});

// ---------------------------------------------------------------- queries

function qstr(a: Readonly<Record<string, unknown>>, name: string): string {
  const v = a[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > 256) {
    throw new GongzhiError('API_BAD_REQUEST', `query parameter ${name} is required`, { name });
  }
  return v;
}

function qint(a: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const v = a[name];
  if (v === undefined) return undefined;
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]{1,15}$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new GongzhiError('API_BAD_REQUEST', `query parameter ${name} must be an unsigned integer`, {
      name,
    });
  }
  return n;
}

/** The DID's id, checking it names this group. */
function localId(group: string, did: string): string {
  const p = parseDid(did);
  if (p.group !== group) {
    throw new GongzhiError('IDENTITY_BAD_DID', 'the DID belongs to another group; ask a node of that group', {
      group: p.group,
    });
  }
  return p.id;
}

/** `resolve {did, atHeight?}` → DID resolution result, current or as it was after block `atHeight`. */
const resolve: LegacyQueryDef = ({ state, group, height }, a) => {
  const did = qstr(a, 'did');
  const id = localId(group, did);
  const h = qint(a, 'atHeight');
  if (h !== undefined && h > height) {
    throw new GongzhiError('API_BAD_REQUEST', 'atHeight is beyond the committed head', { head: height });
  }
  const r = h === undefined ? readDid(state, id) : readDidAtHeight(state, id, h);
  if (r === undefined || r.did !== did) {
    throw new GongzhiError('IDENTITY_NOT_FOUND', 'no such DID', {
      did,
      ...(h === undefined ? {} : { atHeight: h }),
    });
  }
  return resolutionJson(r);
};

/**
 * `issuer {did, category, at?, atHeight?}` → whether the DID is a recognised issuer of the
 * category now, at block time `at` (ms) and/or after block `atHeight`, with the full history.
 */
const issuer: LegacyQueryDef = ({ state, group }, a) => {
  const did = qstr(a, 'did');
  const id = localId(group, did);
  const category = qstr(a, 'category');
  if (!(ISSUER_CATEGORIES as readonly string[]).includes(category)) {
    throw new GongzhiError('API_BAD_REQUEST', 'unknown category', { category });
  }
  const periods = readIssuerPeriods(state, id, category);
  const t = qint(a, 'at');
  const h = qint(a, 'atHeight');
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
};

/** `issuers {category}` → DIDs ever recognised in the category and whether they are now. */
const issuers: LegacyQueryDef = ({ state, group }, a) => {
  const category = qstr(a, 'category');
  const ids = readIssuerIndex(state, category);
  const sample = ids[0] === undefined ? undefined : readDid(state, ids[0]);
  const prefix = sample?.did.split(':').slice(0, 4).join(':') ?? `did:gongzhi:?:${group}`;
  return {
    category,
    issuers: ids.map((id) => ({
      did: `${prefix}:${id}`,
      recognised: isOpen(readIssuerPeriods(state, id, category)),
    })),
  };
};

/** `schema {schemaId, version?}` → the schema (latest version by default). */
const schema: LegacyQueryDef = ({ state }, a) => {
  const schemaId = qint(a, 'schemaId');
  if (schemaId === undefined) throw new GongzhiError('API_BAD_REQUEST', 'schemaId is required');
  const latest = readSchemaLatest(state, schemaId);
  const version = qint(a, 'version') ?? latest;
  const s = readSchema(state, schemaId, version);
  if (s === undefined)
    throw new GongzhiError('IDENTITY_SCHEMA_NOT_FOUND', 'no such schema', { schemaId, version });
  const owner = readDid(state, s.issuer);
  return {
    schemaId,
    version,
    latest,
    issuer: owner?.did ?? s.issuer,
    name: s.name,
    schema: JSON.parse(s.schema) as unknown,
    digest: toHex(s.digest),
    registered: atJson(s.registered),
  };
};

function statusListOf(state: StateReader, group: string, a: Readonly<Record<string, unknown>>) {
  const did = qstr(a, 'did');
  const id = localId(group, did);
  const list = qstr(a, 'list');
  const l = readStatusList(state, id, list);
  if (l === undefined)
    throw new GongzhiError('IDENTITY_STATUS_LIST_NOT_FOUND', 'no such status list', { did, list });
  return { id, did, list, l };
}

/** `status {did, list, index}` → the bit (1 = revoked/suspended). */
const status: LegacyQueryDef = ({ state, group }, a) => {
  const { id, did, list, l } = statusListOf(state, group, a);
  const index = qint(a, 'index');
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
};

/** `statusList {did, list}` → Bitstring Status List `encodedList` (gzip, base64url with multibase 'u'). */
const statusList: LegacyQueryDef = ({ state, group }, a) => {
  const { id, did, list, l } = statusListOf(state, group, a);
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
};

const IDENTITY_METHOD_ROLES: Readonly<Record<string, readonly string[]>> = {
  create: ['*'],
  addKey: ['*'],
  revokeKey: ['*'],
  rotateKey: ['*'],
  setServices: ['*'],
  setControllers: ['*'],
  deactivate: ['*'],
  recognizeIssuer: [REGISTRAR_ROLE],
  derecognizeIssuer: [REGISTRAR_ROLE],
  registerSchema: ['*'],
  createStatusList: ['*'],
  setStatus: ['*'],
};

/**
 * The identity module: `did:gongzhi` DIDs (create by subject or user agent, keys, rotation,
 * services, controllers, deactivation, history), the issuer trust registry, credential
 * schemas (CPT) and Bitstring Status Lists. Only public keys, ids, digests and bits on ledger.
 */
export const identityModule: LedgerModule = legacyModule({
  errors: IDENTITY_ERRORS,
  permissions: IDENTITY_METHOD_ROLES,
  name: MODULE,
  methods: {
    create,
    addKey,
    revokeKey,
    rotateKey,
    setServices,
    setControllers,
    deactivate,
    recognizeIssuer,
    derecognizeIssuer,
    registerSchema,
    createStatusList,
    setStatus,
  },
  queries: { resolve, issuer, issuers, schema, status, statusList },
});

/** Genesis permissions: issuer recognition for `identity-registrar`, everything else open (the module checks control). */
export const IDENTITY_PERMISSIONS: Readonly<Record<string, readonly string[]>> =
  identityModule.permissionRows;
