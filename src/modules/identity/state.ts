import type { CborValue } from '../../encoding/index.js';
import { stateKey } from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import {
  type At,
  type DidKey,
  type DidRecord,
  type IssuerPeriod,
  MODULE,
  type SchemaRecord,
  STATUS_CHUNK_BITS,
  type StatusListRecord,
} from './types.js';

/** State keys of the identity module. */
export const identityKeys = {
  did: (id: string): string => stateKey(MODULE, 'did', id),
  didVersion: (id: string, version: number): string => stateKey(MODULE, 'didv', id, String(version)),
  issuer: (id: string, category: string): string => stateKey(MODULE, 'issuer', id, category),
  issuerIndex: (category: string): string => stateKey(MODULE, 'issuers', category),
  schema: (schemaId: number, version: number): string =>
    stateKey(MODULE, 'schema', String(schemaId), String(version)),
  schemaLatest: (schemaId: number): string => stateKey(MODULE, 'schema', String(schemaId), 'latest'),
  statusList: (issuer: string, list: string): string => stateKey(MODULE, 'status', issuer, list),
  statusChunk: (issuer: string, list: string, chunk: number): string =>
    stateKey(MODULE, 'status', issuer, list, 'c', String(chunk)),
};

/** Records are written only by this module; reading trusts their shape (CBOR → typed view). */
function read<T>(state: StateReader, key: string): T | undefined {
  const v = state.get(key);
  return v === undefined ? undefined : (v as unknown as T);
}

function put(state: StateOverlay, key: string, v: unknown): void {
  state.set(key, v as CborValue);
}

export function atValue(a: At): CborMap {
  return { height: a.height, timestamp: a.timestamp, tx: a.tx };
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

function didValue(r: DidRecord): CborMap {
  return {
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
  };
}

export function readDid(state: StateReader, id: string): DidRecord | undefined {
  return read<DidRecord>(state, identityKeys.did(id));
}

export function readDidVersion(state: StateReader, id: string, version: number): DidRecord | undefined {
  return read<DidRecord>(state, identityKeys.didVersion(id, version));
}

/** Write the current record and its immutable version snapshot. */
export function writeDid(state: StateOverlay, r: DidRecord): void {
  const v = didValue(r);
  put(state, identityKeys.did(r.id), v);
  put(state, identityKeys.didVersion(r.id, r.version), v);
}

/** The record as it was after block `height` (undefined if it did not exist yet). */
export function readDidAtHeight(state: StateReader, id: string, height: number): DidRecord | undefined {
  const cur = readDid(state, id);
  if (cur === undefined) return undefined;
  if (cur.updated.height <= height) return cur;
  // Versions are written in height order; binary search for the last with updated.height ≤ height.
  let lo = 1;
  let hi = cur.version;
  let found: DidRecord | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = readDidVersion(state, id, mid);
    if (r !== undefined && r.updated.height <= height) {
      found = r;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function readIssuerPeriods(state: StateReader, id: string, category: string): IssuerPeriod[] {
  return read<IssuerPeriod[]>(state, identityKeys.issuer(id, category)) ?? [];
}

export function writeIssuerPeriods(
  state: StateOverlay,
  id: string,
  category: string,
  periods: readonly IssuerPeriod[],
): void {
  put(
    state,
    identityKeys.issuer(id, category),
    periods.map((p) => ({
      from: atValue(p.from),
      by: p.by,
      ...(p.until === undefined
        ? {}
        : { until: { ...atValue(p.until), by: p.until.by, reason: p.until.reason } }),
    })),
  );
}

export function readIssuerIndex(state: StateReader, category: string): string[] {
  return read<string[]>(state, identityKeys.issuerIndex(category)) ?? [];
}

export function writeIssuerIndex(state: StateOverlay, category: string, ids: readonly string[]): void {
  put(state, identityKeys.issuerIndex(category), [...ids]);
}

export function readSchemaLatest(state: StateReader, schemaId: number): number {
  return read<number>(state, identityKeys.schemaLatest(schemaId)) ?? 0;
}

export function readSchema(state: StateReader, schemaId: number, version: number): SchemaRecord | undefined {
  return read<SchemaRecord>(state, identityKeys.schema(schemaId, version));
}

export function writeSchema(state: StateOverlay, s: SchemaRecord): void {
  put(state, identityKeys.schema(s.schemaId, s.version), {
    schemaId: s.schemaId,
    version: s.version,
    issuer: s.issuer,
    name: s.name,
    schema: s.schema,
    digest: s.digest,
    registered: atValue(s.registered),
  });
  put(state, identityKeys.schemaLatest(s.schemaId), s.version);
}

export function readStatusList(
  state: StateReader,
  issuer: string,
  list: string,
): StatusListRecord | undefined {
  return read<StatusListRecord>(state, identityKeys.statusList(issuer, list));
}

export function writeStatusList(state: StateOverlay, r: StatusListRecord): void {
  put(state, identityKeys.statusList(r.issuer, r.list), {
    issuer: r.issuer,
    list: r.list,
    purpose: r.purpose,
    size: r.size,
    created: atValue(r.created),
    updates: r.updates,
  });
}

/** The chunk of bits holding `index` (all zero when never written). MSB-first per the Bitstring Status List spec. */
export function readChunk(state: StateReader, issuer: string, list: string, chunk: number): Uint8Array {
  const d = state.get(identityKeys.statusChunk(issuer, list, chunk));
  return d instanceof Uint8Array ? Uint8Array.from(d) : new Uint8Array(STATUS_CHUNK_BITS / 8);
}

export function writeChunk(
  state: StateOverlay,
  issuer: string,
  list: string,
  chunk: number,
  bits: Uint8Array,
): void {
  state.set(identityKeys.statusChunk(issuer, list, chunk), bits);
}

export function getBit(bits: Uint8Array, i: number): boolean {
  return ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0;
}

export function setBit(bits: Uint8Array, i: number, value: boolean): void {
  const byte = bits[i >> 3] ?? 0;
  bits[i >> 3] = value ? byte | (0x80 >> (i & 7)) : byte & ~(0x80 >> (i & 7));
}
