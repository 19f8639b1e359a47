import { GongzhiError } from '../../errors/index.js';
import {
  type Codec,
  defineCodec,
  readStored,
  stateKey,
  uintCodec,
  writeStored,
} from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import { readRoles } from '../governance/index.js';

/** Module name, also the state key prefix. */
export const MODULE = 'datashare';

export const SHARING_CLASSES = ['open', 'conditional', 'not-shared'] as const;
export type SharingClass = (typeof SHARING_CLASSES)[number];
export const FIELD_TYPES = ['string', 'integer', 'decimal', 'boolean', 'date', 'datetime', 'binary'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const REQUEST_KINDS = ['data', 'answer'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export type RequestStatus = 'pending' | 'granted' | 'refused' | 'revoked';

/** Bounds of stored strings and lists. */
export const LIMITS = {
  title: 256,
  text: 512,
  fieldName: 64,
  fields: 256,
  versions: 100_000,
  deliveries: 1_000_000,
} as const;

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
}

/** A catalogue entry. Only the description and the versions' digests: the data stays with its owner. */
export interface Dataset {
  readonly id: string;
  readonly title: string;
  /** The owning department (a governance organisation id). */
  readonly owner: string;
  readonly fields: readonly FieldDef[];
  readonly class: SharingClass;
  readonly legalBasis: string;
  readonly frequency: string;
  readonly versions: number;
}

export interface DatasetVersion {
  readonly version: number;
  readonly digest: Uint8Array;
  readonly size: number;
  readonly height: number;
  readonly timestamp: number;
}

export interface Decision {
  readonly by: string;
  readonly height: number;
  readonly timestamp: number;
  readonly reason?: string;
}

export interface DataRequest {
  readonly id: number;
  readonly dataset: string;
  readonly owner: string;
  /** The requesting department and the account that filed it. */
  readonly requester: string;
  readonly account: string;
  readonly kind: RequestKind;
  readonly fields: readonly string[];
  readonly purpose: string;
  readonly legalBasis: string;
  readonly question?: string;
  readonly status: RequestStatus;
  readonly height: number;
  readonly timestamp: number;
  /** Grant: fields in scope (⊆ requested), expiry (block time, ms), most deliveries. */
  readonly scope?: readonly string[];
  readonly expiresAt?: number;
  readonly maxDeliveries?: number;
  readonly decided?: Decision;
  readonly revoked?: Decision;
  readonly deliveries: number;
}

/** One logged delivery (or answer): the access audit. */
export interface Delivery {
  readonly id: number;
  readonly request: number;
  readonly dataset: string;
  /** 0 for an answer. */
  readonly version: number;
  readonly digest: Uint8Array;
  readonly size: number;
  readonly owner: string;
  readonly grantee: string;
  /** The account that opened it (grantee) or answered (owner). */
  readonly account: string;
  readonly height: number;
  readonly timestamp: number;
  readonly tx: Uint8Array;
  readonly confirmed?: { readonly height: number; readonly tx: Uint8Array };
}

export const keys = {
  dataset: (id: string) => stateKey(MODULE, 'dataset', id),
  version: (id: string, v: number) => stateKey(MODULE, 'version', id, String(v)),
  datasetCount: () => stateKey(MODULE, 'datasets'),
  datasetAt: (i: number) => stateKey(MODULE, 'datasets', String(i)),
  request: (id: number) => stateKey(MODULE, 'request', String(id)),
  nextRequest: () => stateKey(MODULE, 'nextRequest'),
  delivery: (id: number) => stateKey(MODULE, 'delivery', String(id)),
  nextDelivery: () => stateKey(MODULE, 'nextDelivery'),
  /** Access-audit indexes: by dataset and by department (owner or grantee). */
  auditCount: (kind: 'dataset' | 'dept', id: string) => stateKey(MODULE, 'audit', kind, id),
  auditAt: (kind: 'dataset' | 'dept', id: string, i: number) =>
    stateKey(MODULE, 'audit', kind, id, String(i)),
};

const decisionFields = ['by', 'height', 'timestamp', 'reason'];
function readDecision(r: ShapeReader, field: string): Decision {
  const d = r.nested(field, decisionFields);
  const reason = d.optStr('reason', LIMITS.text);
  const base = { by: d.str('by', 128), height: d.uint('height'), timestamp: d.uint('timestamp') };
  return reason === undefined ? base : { ...base, reason };
}
const decisionValue = (d: Decision) => ({
  by: d.by,
  height: d.height,
  timestamp: d.timestamp,
  ...(d.reason === undefined ? {} : { reason: d.reason }),
});

const opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } =>
  (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };

export const datasetCodec: Codec<Dataset> = defineCodec<Dataset>(
  'datashare dataset',
  ['id', 'title', 'owner', 'fields', 'class', 'legalBasis', 'frequency', 'versions'],
  (d) => ({
    id: d.id,
    title: d.title,
    owner: d.owner,
    fields: d.fields.map((f) => ({ name: f.name, type: f.type })),
    class: d.class,
    legalBasis: d.legalBasis,
    frequency: d.frequency,
    versions: d.versions,
  }),
  (r) => ({
    id: r.id('id'),
    title: r.str('title', LIMITS.title),
    owner: r.id('owner'),
    fields: r.list('fields', LIMITS.fields, (v, at) => {
      const f = r.sub(v, at, ['name', 'type']);
      return { name: f.str('name', LIMITS.fieldName), type: f.oneOf('type', FIELD_TYPES) };
    }),
    class: r.oneOf('class', SHARING_CLASSES),
    legalBasis: r.str('legalBasis', LIMITS.text),
    frequency: r.str('frequency', LIMITS.title),
    versions: r.uint('versions'),
  }),
);

const versionCodec: Codec<DatasetVersion> = defineCodec<DatasetVersion>(
  'datashare version',
  ['version', 'digest', 'size', 'height', 'timestamp'],
  (v) => ({ version: v.version, digest: v.digest, size: v.size, height: v.height, timestamp: v.timestamp }),
  (r) => ({
    version: r.uint('version'),
    digest: r.digest('digest'),
    size: r.uint('size'),
    height: r.uint('height'),
    timestamp: r.uint('timestamp'),
  }),
);

const REQUEST_FIELDS = [
  'id',
  'dataset',
  'owner',
  'requester',
  'account',
  'kind',
  'fields',
  'purpose',
  'legalBasis',
  'question',
  'status',
  'height',
  'timestamp',
  'scope',
  'expiresAt',
  'maxDeliveries',
  'decided',
  'revoked',
  'deliveries',
];

const requestCodec: Codec<DataRequest> = defineCodec<DataRequest>(
  'datashare request',
  REQUEST_FIELDS,
  (q) => ({
    id: q.id,
    dataset: q.dataset,
    owner: q.owner,
    requester: q.requester,
    account: q.account,
    kind: q.kind,
    fields: [...q.fields],
    purpose: q.purpose,
    legalBasis: q.legalBasis,
    ...opt('question', q.question),
    status: q.status,
    height: q.height,
    timestamp: q.timestamp,
    ...opt('scope', q.scope === undefined ? undefined : [...q.scope]),
    ...opt('expiresAt', q.expiresAt),
    ...opt('maxDeliveries', q.maxDeliveries),
    ...opt('decided', q.decided === undefined ? undefined : decisionValue(q.decided)),
    ...opt('revoked', q.revoked === undefined ? undefined : decisionValue(q.revoked)),
    deliveries: q.deliveries,
  }),
  (r) => ({
    id: r.uint('id'),
    dataset: r.id('dataset'),
    owner: r.id('owner'),
    requester: r.id('requester'),
    account: r.str('account', 128),
    kind: r.oneOf('kind', REQUEST_KINDS),
    fields: r.strs('fields', LIMITS.fields, LIMITS.fieldName),
    purpose: r.str('purpose', LIMITS.text),
    legalBasis: r.str('legalBasis', LIMITS.text),
    ...opt('question', r.has('question') ? r.str('question', LIMITS.text) : undefined),
    status: r.oneOf('status', ['pending', 'granted', 'refused', 'revoked'] as const),
    height: r.uint('height'),
    timestamp: r.uint('timestamp'),
    ...opt('scope', r.has('scope') ? r.strs('scope', LIMITS.fields, LIMITS.fieldName) : undefined),
    ...opt('expiresAt', r.has('expiresAt') ? r.uint('expiresAt') : undefined),
    ...opt('maxDeliveries', r.has('maxDeliveries') ? r.uint('maxDeliveries') : undefined),
    ...opt('decided', r.has('decided') ? readDecision(r, 'decided') : undefined),
    ...opt('revoked', r.has('revoked') ? readDecision(r, 'revoked') : undefined),
    deliveries: r.uint('deliveries'),
  }),
);

const deliveryCodec: Codec<Delivery> = defineCodec<Delivery>(
  'datashare delivery',
  [
    'id',
    'request',
    'dataset',
    'version',
    'digest',
    'size',
    'owner',
    'grantee',
    'account',
    'height',
    'timestamp',
    'tx',
    'confirmed',
  ],
  (d) => ({
    id: d.id,
    request: d.request,
    dataset: d.dataset,
    version: d.version,
    digest: d.digest,
    size: d.size,
    owner: d.owner,
    grantee: d.grantee,
    account: d.account,
    height: d.height,
    timestamp: d.timestamp,
    tx: d.tx,
    ...opt(
      'confirmed',
      d.confirmed === undefined ? undefined : { height: d.confirmed.height, tx: d.confirmed.tx },
    ),
  }),
  (r) => {
    const c = r.has('confirmed') ? r.nested('confirmed', ['height', 'tx']) : undefined;
    return {
      id: r.uint('id'),
      request: r.uint('request'),
      dataset: r.id('dataset'),
      version: r.uint('version'),
      digest: r.digest('digest'),
      size: r.uint('size'),
      owner: r.id('owner'),
      grantee: r.id('grantee'),
      account: r.str('account', 128),
      height: r.uint('height'),
      timestamp: r.uint('timestamp'),
      tx: r.digest('tx'),
      ...opt('confirmed', c === undefined ? undefined : { height: c.uint('height'), tx: c.digest('tx') }),
    };
  },
);

export const readDataset = (s: StateReader, id: string) => readStored(s, keys.dataset(id), datasetCodec);
export const writeDataset = (s: StateOverlay, d: Dataset) =>
  writeStored(s, keys.dataset(d.id), datasetCodec, d);
export const readVersion = (s: StateReader, id: string, v: number) =>
  readStored(s, keys.version(id, v), versionCodec);
export const writeVersion = (s: StateOverlay, id: string, v: DatasetVersion) =>
  writeStored(s, keys.version(id, v.version), versionCodec, v);
export const readRequest = (s: StateReader, id: number) => readStored(s, keys.request(id), requestCodec);
export const writeRequest = (s: StateOverlay, q: DataRequest) =>
  writeStored(s, keys.request(q.id), requestCodec, q);
export const readDelivery = (s: StateReader, id: number) => readStored(s, keys.delivery(id), deliveryCodec);
export const writeDelivery = (s: StateOverlay, d: Delivery) =>
  writeStored(s, keys.delivery(d.id), deliveryCodec, d);
export const readCounter = (s: StateReader, key: string) => readStored(s, key, uintCodec) ?? 0;
export const writeCounter = (s: StateOverlay, key: string, n: number) => writeStored(s, key, uintCodec, n);

/** Append `id` to an audit index (by dataset or by department). */
export function indexAudit(s: StateOverlay, kind: 'dataset' | 'dept', key: string, id: number): void {
  const n = readCounter(s, keys.auditCount(kind, key));
  writeCounter(s, keys.auditAt(kind, key, n), id);
  writeCounter(s, keys.auditCount(kind, key), n + 1);
}

/** True when `account` acts for department `dept` (governance role `org:<dept>`). */
export function actsFor(state: StateReader, account: string, dept: string): boolean {
  return readRoles(state, account).includes(`org:${dept}`);
}

/** The dataset `id`, or DATASHARE_NOT_FOUND. */
export function foundDataset(state: StateReader, id: string): Dataset {
  const d = readDataset(state, id);
  if (d === undefined) throw new GongzhiError('DATASHARE_NOT_FOUND', 'no such dataset', { dataset: id });
  return d;
}

/** The dataset `id` owned by a department `account` acts for, or DATASHARE_NOT_OWNER. */
export function ownedDataset(state: StateReader, id: string, account: string): Dataset {
  const d = foundDataset(state, id);
  if (!actsFor(state, account, d.owner)) {
    throw new GongzhiError('DATASHARE_NOT_OWNER', 'only the owning department may do this', {
      dataset: id,
      owner: d.owner,
    });
  }
  return d;
}

/** The request `id`, or DATASHARE_NOT_FOUND. */
export function foundRequest(state: StateReader, id: number): DataRequest {
  const q = readRequest(state, id);
  if (q === undefined) throw new GongzhiError('DATASHARE_NOT_FOUND', 'no such request', { request: id });
  return q;
}

/** The request `id` whose dataset `account`'s department owns, or DATASHARE_NOT_OWNER. */
export function ownedRequest(state: StateReader, id: number, account: string): DataRequest {
  const q = foundRequest(state, id);
  if (!actsFor(state, account, q.owner)) {
    throw new GongzhiError('DATASHARE_NOT_OWNER', 'only the owning department may decide', {
      request: id,
      owner: q.owner,
    });
  }
  return q;
}

/**
 * The grant of `q` is live at block time `now`: granted, not revoked, not expired, deliveries left.
 * Each failure has its own code, so the audit shows why a delivery was refused.
 */
export function assertLive(q: DataRequest, now: number): void {
  if (q.status === 'revoked') {
    throw new GongzhiError('DATASHARE_REVOKED', 'the grant was revoked', {
      request: q.id,
      height: q.revoked?.height ?? 0,
    });
  }
  if (q.status !== 'granted') {
    throw new GongzhiError('DATASHARE_NOT_GRANTED', 'no live grant for this request', {
      request: q.id,
      status: q.status,
    });
  }
  if (q.expiresAt !== undefined && now >= q.expiresAt) {
    throw new GongzhiError('DATASHARE_EXPIRED', 'the grant has expired', {
      request: q.id,
      expiresAt: q.expiresAt,
    });
  }
  if (q.maxDeliveries !== undefined && q.deliveries >= q.maxDeliveries) {
    throw new GongzhiError('DATASHARE_LIMIT', 'no deliveries left under this grant', {
      request: q.id,
      max: q.maxDeliveries,
    });
  }
}
