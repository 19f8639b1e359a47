import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import { bad, readId, readListName, readStatusPurpose, schemas } from './args.js';
import { at, controlledDid } from './control.js';
import { readChunk, readStatusList, setBit, writeChunk, writeStatusList } from './state.js';
import {
  LIMITS,
  STATUS_CHUNK_BITS,
  STATUS_PURPOSES,
  type StatusListRecord,
  type StatusPurpose,
} from './types.js';

/**
 * Bitstring Status Lists: an issuer's revocation or suspension bits, one per credential index,
 * stored in chunks of STATUS_CHUNK_BITS (an absent chunk is all zero).
 */

/** Arguments of `identity.createStatusList`. */
export interface StatusListArgs {
  readonly issuer: string;
  readonly list: string;
  readonly purpose: StatusPurpose;
  readonly size: number;
}

/** `createStatusList {issuer, list, purpose, size?}` (size: multiple of 8192, 131072..1048576). */
export const createStatusList = defineMethod<StatusListArgs, StatusListRecord>({
  summary: 'Create a revocation or suspension status list of an issuer DID the sender controls',
  args: S.Object(
    {
      issuer: schemas.id,
      list: schemas.list,
      purpose: S.Union(STATUS_PURPOSES.map((p) => S.Literal(p))),
      size: S.Optional(
        S.Integer({
          minimum: LIMITS.statusMinBits,
          maximum: LIMITS.statusMaxBits,
          multipleOf: STATUS_CHUNK_BITS,
          description: `bits (default ${LIMITS.statusMinBits}, the herd-privacy minimum)`,
        }),
      ),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['issuer', 'list', 'purpose', 'size']);
    const size = r.has('size') ? r.uint('size', LIMITS.statusMaxBits) : LIMITS.statusMinBits;
    if (size < LIMITS.statusMinBits || size % STATUS_CHUNK_BITS !== 0) {
      bad(
        `size must be a multiple of ${STATUS_CHUNK_BITS} in ${LIMITS.statusMinBits}..${LIMITS.statusMaxBits}`,
      );
    }
    return { issuer: readId(r, 'issuer'), list: readListName(r), purpose: readStatusPurpose(r), size };
  },
  check: (ctx, a) => {
    controlledDid(ctx, a.issuer);
    if (readStatusList(ctx.state, a.issuer, a.list) !== undefined) {
      throw new GongzhiError('IDENTITY_STATUS_LIST_EXISTS', 'status list exists', { list: a.list });
    }
    return { issuer: a.issuer, list: a.list, purpose: a.purpose, size: a.size, created: at(ctx), updates: 0 };
  },
  apply: (ctx, a, list) => {
    writeStatusList(ctx.state, list);
    ctx.emit('statusListCreated', { issuer: a.issuer, list: a.list, purpose: a.purpose, size: a.size });
  },
});

/** Arguments of `identity.setStatus`. */
export interface SetStatusArgs {
  readonly issuer: string;
  readonly list: string;
  readonly indexes: number[];
  readonly value: boolean;
}

/** What `setStatus` writes: the changed chunks (by chunk number) and the list's header. */
export interface StatusChange {
  readonly chunks: ReadonlyMap<number, Uint8Array>;
  readonly list: StatusListRecord;
}

/**
 * `setStatus {issuer, list, indexes, value}`: set (revoke/suspend) or clear bits; the issuer's
 * controllers only. `check` computes the changed chunks (copies) and the header with one more update.
 */
export const setStatus = defineMethod<SetStatusArgs, StatusChange>({
  summary: 'Set (revoke or suspend) or clear bits of a status list of an issuer the sender controls',
  args: S.Object(
    {
      issuer: schemas.id,
      list: schemas.list,
      indexes: S.Array(S.Uint(), { minItems: 1, maxItems: LIMITS.statusIndexesPerTx }),
      value: S.Boolean({ description: 'true sets the bits, false clears them' }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['issuer', 'list', 'indexes', 'value']);
    const indexes = r.array('indexes', LIMITS.statusIndexesPerTx).map((i) => {
      if (typeof i !== 'number' || !Number.isSafeInteger(i) || i < 0)
        bad('indexes must be unsigned integers');
      return i;
    });
    if (indexes.length === 0) bad('indexes must not be empty');
    return { issuer: readId(r, 'issuer'), list: readListName(r), indexes, value: r.bool('value') };
  },
  check: (ctx, a) => {
    controlledDid(ctx, a.issuer);
    const l = readStatusList(ctx.state, a.issuer, a.list);
    if (l === undefined) {
      throw new GongzhiError('IDENTITY_STATUS_LIST_NOT_FOUND', 'no such status list', { list: a.list });
    }
    const over = a.indexes.find((i) => i >= l.size);
    if (over !== undefined) {
      throw new GongzhiError('IDENTITY_STATUS_INDEX', 'index beyond the list size', { index: over });
    }
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
    return { chunks, list: { ...l, updates: l.updates + 1 } };
  },
  apply: (ctx, a, change) => {
    for (const [c, bits] of change.chunks) writeChunk(ctx.state, a.issuer, a.list, c, bits);
    writeStatusList(ctx.state, change.list);
    ctx.emit('statusSet', { issuer: a.issuer, list: a.list, count: a.indexes.length, value: a.value });
  },
});
