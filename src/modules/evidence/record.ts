import { type CborValue, toHex } from '../../encoding/index.js';
import {
  type Codec,
  defineCodec,
  digestCodec,
  readStored,
  stateKey,
  uintCodec,
  writeStored,
} from '../../execution/index.js';
import type { CborMap, ShapeReader } from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import {
  EVIDENCE_ALGS,
  type EvidenceAlg,
  type EvidenceMeta,
  type EvidenceRecordJson,
  MAX_BATCH_COUNT,
} from './types.js';

/** Module name, also the state key prefix. */
export const MODULE = 'evidence';

/** Most signers (anchoring account included) one record may collect. */
export const MAX_SIGNERS = 64;
/** Most notes one record may collect. */
export const MAX_NOTES = 256;
/** Longest note text (UTF-16 code units). */
export const MAX_NOTE_LENGTH = 1024;
/** Longest revocation reason (UTF-16 code units). */
export const MAX_REASON_LENGTH = 256;

/** Length limits of the meta fields (UTF-16 code units). */
export const META_LIMITS = { type: 64, capturedBy: 128, method: 64, ref: 256 } as const;

/** A revocation of one signature. */
export interface EvidenceRevocation {
  readonly height: number;
  readonly tx: Uint8Array;
  readonly reason: string;
}

/** An account that anchored or co-signed. */
export interface EvidenceSigner {
  readonly account: string;
  readonly height: number;
  readonly tx: Uint8Array;
  readonly revoked?: EvidenceRevocation;
}

/** An append-only note. */
export interface EvidenceNote {
  readonly account: string;
  readonly height: number;
  readonly tx: Uint8Array;
  readonly text: string;
}

/** An evidence record as stored under `evidence/record/<digest hex>`. */
export interface EvidenceRecord {
  readonly digest: Uint8Array;
  readonly alg: EvidenceAlg;
  readonly meta: EvidenceMeta;
  readonly batch?: { readonly count: number };
  readonly anchoredAt: { readonly height: number; readonly timestamp: number; readonly tx: Uint8Array };
  readonly signers: readonly EvidenceSigner[];
  readonly notes: readonly EvidenceNote[];
}

/** State keys of the module. */
export const keys = {
  /** The record of a digest. */
  record: (digestHex: string): string => stateKey(MODULE, 'record', digestHex),
  /** How many digests an account has signed (anchor or cosign). */
  signerCount: (account: string): string => stateKey(MODULE, 'signer', account, 'count'),
  /** The `index`-th (0-based) digest an account signed. */
  signerItem: (account: string, index: number): string => stateKey(MODULE, 'signer', account, String(index)),
};

const META_FIELDS = ['type', 'capturedBy', 'capturedAt', 'method', 'ref'] as const;

/** Meta as a CBOR value (`ref` omitted when absent). */
export function metaValue(m: EvidenceMeta): CborMap {
  return {
    type: m.type,
    capturedBy: m.capturedBy,
    capturedAt: m.capturedAt,
    method: m.method,
    ...(m.ref === undefined ? {} : { ref: m.ref }),
  };
}

/**
 * Read meta fields strictly (exact fields, bounded strings). `r` is the reader of the enclosing
 * structure, so the same function reads arguments (EXEC_BAD_ARGS) and stored records (CHAIN_INVALID).
 */
export function readMeta(r: ShapeReader): EvidenceMeta {
  const m = r.nested('meta', META_FIELDS);
  const meta = {
    type: m.str('type', META_LIMITS.type),
    capturedBy: m.str('capturedBy', META_LIMITS.capturedBy),
    capturedAt: m.uint('capturedAt'),
    method: m.str('method', META_LIMITS.method),
  };
  return m.has('ref') ? { ...meta, ref: m.str('ref', META_LIMITS.ref) } : meta;
}

/** Read the optional batch descriptor `{count: 1..MAX_BATCH_COUNT}` of the enclosing structure. */
export function readBatch(r: ShapeReader): { count: number } | undefined {
  if (!r.has('batch')) return undefined;
  const b = r.nested('batch', ['count']);
  const count = b.uint('count', MAX_BATCH_COUNT);
  if (count < 1) b.fail('count', `1..${MAX_BATCH_COUNT}`);
  return { count };
}

function readSigner(r: ShapeReader, v: CborValue, path: string): EvidenceSigner {
  const s = r.sub(v, path, ['account', 'height', 'tx', 'revoked']);
  const signer = { account: s.str('account', 128), height: s.uint('height'), tx: s.digest('tx') };
  if (!s.has('revoked')) return signer;
  const rv = s.nested('revoked', ['height', 'tx', 'reason']);
  return {
    ...signer,
    revoked: { height: rv.uint('height'), tx: rv.digest('tx'), reason: rv.str('reason', MAX_REASON_LENGTH) },
  };
}

/** The one codec of a stored evidence record (CHAIN_INVALID when a stored record does not decode). */
export const recordCodec: Codec<EvidenceRecord> = defineCodec<EvidenceRecord>(
  'evidence record',
  ['digest', 'alg', 'meta', 'batch', 'anchoredAt', 'signers', 'notes'],
  (r) => ({
    digest: r.digest,
    alg: r.alg,
    meta: metaValue(r.meta),
    ...(r.batch === undefined ? {} : { batch: { count: r.batch.count } }),
    anchoredAt: { height: r.anchoredAt.height, timestamp: r.anchoredAt.timestamp, tx: r.anchoredAt.tx },
    signers: r.signers.map((s) => ({
      account: s.account,
      height: s.height,
      tx: s.tx,
      ...(s.revoked === undefined
        ? {}
        : { revoked: { height: s.revoked.height, tx: s.revoked.tx, reason: s.revoked.reason } }),
    })),
    notes: r.notes.map((n) => ({ account: n.account, height: n.height, tx: n.tx, text: n.text })),
  }),
  (r) => {
    const at = r.nested('anchoredAt', ['height', 'timestamp', 'tx']);
    const batch = readBatch(r);
    const signers = r.list('signers', MAX_SIGNERS, (v, path) => readSigner(r, v, path));
    const notes = r.list('notes', MAX_NOTES, (v, path) => {
      const n = r.sub(v, path, ['account', 'height', 'tx', 'text']);
      return {
        account: n.str('account', 128),
        height: n.uint('height'),
        tx: n.digest('tx'),
        text: n.str('text', MAX_NOTE_LENGTH),
      };
    });
    return {
      digest: r.digest('digest'),
      alg: r.oneOf('alg', EVIDENCE_ALGS),
      meta: readMeta(r),
      ...(batch === undefined ? {} : { batch }),
      anchoredAt: { height: at.uint('height'), timestamp: at.uint('timestamp'), tx: at.digest('tx') },
      signers,
      notes,
    };
  },
);

/** The record of `digest`, or undefined (CHAIN_INVALID if the stored value does not decode). */
export function readRecord(state: StateReader, digest: Uint8Array): EvidenceRecord | undefined {
  return readStored(state, keys.record(toHex(digest)), recordCodec);
}

/** Store a record under its digest. */
export function writeRecord(state: StateOverlay, r: EvidenceRecord): void {
  writeStored(state, keys.record(toHex(r.digest)), recordCodec, r);
}

/** The stored CBOR value of a record (tests, certificate building). */
export function recordValue(r: EvidenceRecord): CborValue {
  return recordCodec.encode(r);
}

/** Decode a stored record value strictly (CHAIN_INVALID). */
export function parseRecord(v: CborValue): EvidenceRecord {
  return recordCodec.decode(v);
}

/** JSON form of a record (bytes as hex), as returned by the `get` query. */
export function recordJson(r: EvidenceRecord): EvidenceRecordJson {
  return {
    digest: toHex(r.digest),
    alg: r.alg,
    meta: { ...r.meta },
    ...(r.batch === undefined ? {} : { batch: { count: r.batch.count } }),
    anchoredAt: {
      height: r.anchoredAt.height,
      timestamp: r.anchoredAt.timestamp,
      tx: toHex(r.anchoredAt.tx),
    },
    signers: r.signers.map((s) => ({
      account: s.account,
      height: s.height,
      tx: toHex(s.tx),
      ...(s.revoked === undefined
        ? {}
        : { revoked: { height: s.revoked.height, tx: toHex(s.revoked.tx), reason: s.revoked.reason } }),
    })),
    notes: r.notes.map((n) => ({ account: n.account, height: n.height, tx: toHex(n.tx), text: n.text })),
  };
}

/** Number of digests `account` has signed. */
export function signerCount(state: StateReader, account: string): number {
  return readStored(state, keys.signerCount(account), uintCodec) ?? 0;
}

/** Append `digest` to the list of digests signed by `account`. */
export function indexSigner(state: StateOverlay, account: string, digest: Uint8Array): void {
  const n = signerCount(state, account);
  state.set(keys.signerItem(account, n), digest);
  writeStored(state, keys.signerCount(account), uintCodec, n + 1);
}

/** The `index`-th digest signed by `account` (hex), or undefined. */
export function signedDigestAt(state: StateReader, account: string, index: number): string | undefined {
  const v = readStored(state, keys.signerItem(account, index), digestCodec);
  return v === undefined ? undefined : toHex(v);
}
