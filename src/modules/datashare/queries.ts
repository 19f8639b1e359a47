import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineQuery, type QueryArgs, S } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import {
  type DataRequest,
  type Dataset,
  type Delivery,
  foundDataset,
  foundRequest,
  keys,
  readCounter,
  readDataset,
  readDelivery,
  readVersion,
} from './state.js';
import type { DatasetJson, DeliveryJson, RequestJson } from './types.js';

/** Largest page a list query returns. */
export const MAX_PAGE = 500;

function datasetJson(state: StateReader, d: Dataset, withVersions: boolean): DatasetJson {
  const versions = [];
  if (withVersions) {
    for (let v = Math.max(1, d.versions - MAX_PAGE + 1); v <= d.versions; v++) {
      const x = readVersion(state, d.id, v);
      if (x !== undefined) {
        versions.push({
          version: x.version,
          digest: toHex(x.digest),
          size: x.size,
          height: x.height,
          timestamp: x.timestamp,
        });
      }
    }
  }
  return {
    id: d.id,
    title: d.title,
    owner: d.owner,
    fields: d.fields.map((f) => ({ ...f })),
    class: d.class,
    legalBasis: d.legalBasis,
    frequency: d.frequency,
    latest: d.versions,
    versions,
  };
}

export function requestJson(q: DataRequest): RequestJson {
  const dec = (d: DataRequest['decided']) =>
    d === undefined
      ? undefined
      : {
          by: d.by,
          height: d.height,
          timestamp: d.timestamp,
          ...(d.reason === undefined ? {} : { reason: d.reason }),
        };
  const decided = dec(q.decided);
  const revoked = dec(q.revoked);
  return {
    id: q.id,
    dataset: q.dataset,
    owner: q.owner,
    requester: q.requester,
    account: q.account,
    kind: q.kind,
    fields: [...q.fields],
    purpose: q.purpose,
    legalBasis: q.legalBasis,
    ...(q.question === undefined ? {} : { question: q.question }),
    status: q.status,
    height: q.height,
    timestamp: q.timestamp,
    ...(q.scope === undefined ? {} : { scope: [...q.scope] }),
    ...(q.expiresAt === undefined ? {} : { expiresAt: q.expiresAt }),
    ...(q.maxDeliveries === undefined ? {} : { maxDeliveries: q.maxDeliveries }),
    ...(decided === undefined ? {} : { decided }),
    ...(revoked === undefined ? {} : { revoked }),
    deliveries: q.deliveries,
  };
}

export function deliveryJson(d: Delivery): DeliveryJson {
  return {
    id: d.id,
    request: d.request,
    dataset: d.dataset,
    version: d.version,
    digest: toHex(d.digest),
    size: d.size,
    owner: d.owner,
    grantee: d.grantee,
    account: d.account,
    height: d.height,
    timestamp: d.timestamp,
    tx: toHex(d.tx),
    ...(d.confirmed === undefined
      ? {}
      : { confirmed: { height: d.confirmed.height, tx: toHex(d.confirmed.tx) } }),
  };
}

const page = (q: QueryArgs) => ({ offset: q.uint('offset', 0), limit: q.uint('limit', 100, MAX_PAGE) });
const pageArgs = {
  offset: S.Optional(S.UintParam('first item, 0-based (default 0)')),
  limit: S.Optional(S.UintParam(`page size ≤ ${MAX_PAGE} (default 100)`)),
};
const open = (description: string) => S.Object({}, { additionalProperties: true, description });

/** `dataset {dataset}` → the catalogue entry with its latest versions. */
export const dataset = defineQuery<DatasetJson>({
  summary: 'A catalogue entry: fields, sharing class, legal basis, versions (digest, size)',
  args: S.Object({ dataset: S.Id() }),
  result: open('DatasetJson'),
  run: ({ state }, q) => datasetJson(state, foundDataset(state, q.id('dataset')), true),
});

/** `catalogue {owner?, offset?, limit?}` → the catalogue, oldest first. */
export const catalogue = defineQuery({
  summary: 'The data catalogue (optionally one department’s entries), oldest first',
  args: S.Object({ owner: S.Optional(S.Id('owning department')), ...pageArgs }),
  result: S.Object({ total: S.Integer(), datasets: S.Array(open('DatasetJson')) }),
  run: ({ state }, q) => {
    const owner = q.has('owner') ? q.id('owner') : undefined;
    const { offset, limit } = page(q);
    const total = readCounter(state, keys.datasetCount());
    const out: DatasetJson[] = [];
    let seen = 0;
    for (let i = 0; i < total && out.length < limit; i++) {
      const id = state.get(keys.datasetAt(i));
      const d = typeof id === 'string' ? readDataset(state, id) : undefined;
      if (d === undefined || (owner !== undefined && d.owner !== owner)) continue;
      if (seen++ >= offset) out.push(datasetJson(state, d, false));
    }
    return { total, datasets: out };
  },
});

/** `request {request}` → the request with its decision. */
export const requestQuery = defineQuery<RequestJson>({
  summary: 'A data request: fields, purpose, legal basis, decision (grant scope and expiry), revocation',
  args: S.Object({ request: S.UintParam() }),
  result: open('RequestJson'),
  run: ({ state }, q) => requestJson(foundRequest(state, q.uint('request', undefined))),
});

/** `delivery {delivery}` → one audit entry. */
export const delivery = defineQuery<DeliveryJson>({
  summary: 'One logged delivery: who, which version, when, digest, confirmation',
  args: S.Object({ delivery: S.UintParam() }),
  result: open('DeliveryJson'),
  run: ({ state }, q) => {
    const id = q.uint('delivery', undefined);
    const d = readDelivery(state, id);
    if (d === undefined) throw new GongzhiError('DATASHARE_NOT_FOUND', 'no such delivery', { delivery: id });
    return deliveryJson(d);
  },
});

/** `audit {dataset | dept, offset?, limit?}` → the access audit of a dataset or a department. */
export const audit = defineQuery({
  summary: 'The access audit (deliveries and answers) of a dataset or a department, oldest first',
  args: S.Object({ dataset: S.Optional(S.Id()), dept: S.Optional(S.Id()), ...pageArgs }),
  result: S.Object({ total: S.Integer(), deliveries: S.Array(open('DeliveryJson')) }),
  run: ({ state }, q) => {
    const byDataset = q.has('dataset');
    if (byDataset === q.has('dept')) {
      throw new GongzhiError('EXEC_BAD_ARGS', 'give exactly one of dataset and dept', { name: 'dataset' });
    }
    const kind = byDataset ? 'dataset' : 'dept';
    const id = q.id(kind);
    const { offset, limit } = page(q);
    const total = readCounter(state, keys.auditCount(kind, id));
    const out: DeliveryJson[] = [];
    for (let i = offset; i < total && out.length < limit; i++) {
      const d = readDelivery(state, readCounter(state, keys.auditAt(kind, id, i)));
      if (d !== undefined) out.push(deliveryJson(d));
    }
    return { total, deliveries: out };
  },
});
