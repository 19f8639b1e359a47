import { readStored, stateKey, uintCodec, writeStored } from '../../execution/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import {
  didCodec,
  issuerIndexCodec,
  issuerPeriodsCodec,
  STATUS_CHUNK_BYTES,
  schemaCodec,
  statusChunkCodec,
  statusListCodec,
} from './codecs.js';
import {
  type DidRecord,
  type IssuerPeriod,
  MODULE,
  type SchemaRecord,
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

// Every read below goes through the record's strict codec: CHAIN_INVALID for a stored value that
// does not decode, undefined (or the documented empty value) only when the key is absent.

/** The current DID record, or undefined. */
export function readDid(state: StateReader, id: string): DidRecord | undefined {
  return readStored(state, identityKeys.did(id), didCodec);
}

/** Version `version` of a DID record, or undefined. */
export function readDidVersion(state: StateReader, id: string, version: number): DidRecord | undefined {
  return readStored(state, identityKeys.didVersion(id, version), didCodec);
}

/** Write the current record and its immutable version snapshot. */
export function writeDid(state: StateOverlay, r: DidRecord): void {
  writeStored(state, identityKeys.did(r.id), didCodec, r);
  writeStored(state, identityKeys.didVersion(r.id, r.version), didCodec, r);
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

/** The recognition periods of `id` in `category`, oldest first (empty when never recognised). */
export function readIssuerPeriods(state: StateReader, id: string, category: string): IssuerPeriod[] {
  return readStored(state, identityKeys.issuer(id, category), issuerPeriodsCodec) ?? [];
}

export function writeIssuerPeriods(
  state: StateOverlay,
  id: string,
  category: string,
  periods: readonly IssuerPeriod[],
): void {
  writeStored(state, identityKeys.issuer(id, category), issuerPeriodsCodec, [...periods]);
}

/** The DIDs ever recognised in `category` (empty when none). */
export function readIssuerIndex(state: StateReader, category: string): string[] {
  return readStored(state, identityKeys.issuerIndex(category), issuerIndexCodec) ?? [];
}

export function writeIssuerIndex(state: StateOverlay, category: string, ids: readonly string[]): void {
  writeStored(state, identityKeys.issuerIndex(category), issuerIndexCodec, [...ids]);
}

/** The latest version of schema `schemaId` (0 when never registered). */
export function readSchemaLatest(state: StateReader, schemaId: number): number {
  return readStored(state, identityKeys.schemaLatest(schemaId), uintCodec) ?? 0;
}

export function readSchema(state: StateReader, schemaId: number, version: number): SchemaRecord | undefined {
  return readStored(state, identityKeys.schema(schemaId, version), schemaCodec);
}

/** Write a schema version and make it the latest. */
export function writeSchema(state: StateOverlay, s: SchemaRecord): void {
  writeStored(state, identityKeys.schema(s.schemaId, s.version), schemaCodec, s);
  writeStored(state, identityKeys.schemaLatest(s.schemaId), uintCodec, s.version);
}

export function readStatusList(
  state: StateReader,
  issuer: string,
  list: string,
): StatusListRecord | undefined {
  return readStored(state, identityKeys.statusList(issuer, list), statusListCodec);
}

export function writeStatusList(state: StateOverlay, r: StatusListRecord): void {
  writeStored(state, identityKeys.statusList(r.issuer, r.list), statusListCodec, r);
}

/**
 * A copy of chunk `chunk` of a status list's bits (all zero when never written), MSB-first per
 * the Bitstring Status List spec. A copy, so callers may flip bits before writing it back.
 */
export function readChunk(state: StateReader, issuer: string, list: string, chunk: number): Uint8Array {
  return (
    readStored(state, identityKeys.statusChunk(issuer, list, chunk), statusChunkCodec) ??
    new Uint8Array(STATUS_CHUNK_BYTES)
  );
}

export function writeChunk(
  state: StateOverlay,
  issuer: string,
  list: string,
  chunk: number,
  bits: Uint8Array,
): void {
  writeStored(state, identityKeys.statusChunk(issuer, list, chunk), statusChunkCodec, bits);
}

export function getBit(bits: Uint8Array, i: number): boolean {
  return ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0;
}

export function setBit(bits: Uint8Array, i: number, value: boolean): void {
  const byte = bits[i >> 3] ?? 0;
  bits[i >> 3] = value ? byte | (0x80 >> (i & 7)) : byte & ~(0x80 >> (i & 7));
}
