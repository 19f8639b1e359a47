import { type CborValue, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { stateKey } from '../../execution/index.js';
import { type CborMap, ShapeReader } from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import {
  type EvidenceAlg,
  type EvidenceMeta,
  type EvidenceRecordJson,
  isEvidenceAlg,
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

/** Read meta fields strictly (exact fields, bounded strings) with `code` on failure. */
export function parseMeta(v: CborValue | undefined, code: 'EXEC_BAD_ARGS' | 'EXEC_INTERNAL'): EvidenceMeta {
  const r = ShapeReader.of(v, ['type', 'capturedBy', 'capturedAt', 'method', 'ref'], code, 'meta');
  const meta = {
    type: r.str('type', META_LIMITS.type),
    capturedBy: r.str('capturedBy', META_LIMITS.capturedBy),
    capturedAt: r.uint('capturedAt'),
    method: r.str('method', META_LIMITS.method),
  };
  return r.has('ref') ? { ...meta, ref: r.str('ref', META_LIMITS.ref) } : meta;
}

/** Read a batch descriptor `{count: 1..MAX_BATCH_COUNT}`. */
export function parseBatch(
  v: CborValue | undefined,
  code: 'EXEC_BAD_ARGS' | 'EXEC_INTERNAL',
): { count: number } {
  const r = ShapeReader.of(v, ['count'], code, 'batch');
  const count = r.uint('count', MAX_BATCH_COUNT);
  if (count < 1)
    throw new GongzhiError(code, `batch.count must be 1..${MAX_BATCH_COUNT}`, { field: 'count' });
  return { count };
}

/** The record as a CBOR value. */
export function recordValue(r: EvidenceRecord): CborValue {
  return {
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
  };
}

/** Parse a stored record; a malformed one is a bug (EXEC_INTERNAL). */
export function parseRecord(v: CborValue | undefined): EvidenceRecord {
  const code = 'EXEC_INTERNAL';
  const r = ShapeReader.of(
    v,
    ['digest', 'alg', 'meta', 'batch', 'anchoredAt', 'signers', 'notes'],
    code,
    'evidence record',
  );
  const alg = r.str('alg', 16);
  if (!isEvidenceAlg(alg)) throw new GongzhiError(code, 'stored record has an unknown alg', { alg });
  const at = ShapeReader.of(r.raw('anchoredAt'), ['height', 'timestamp', 'tx'], code, 'anchoredAt');
  const signers = r.array('signers', MAX_SIGNERS).map((s): EvidenceSigner => {
    const sr = ShapeReader.of(s, ['account', 'height', 'tx', 'revoked'], code, 'signer');
    const signer = { account: sr.str('account', 128), height: sr.uint('height'), tx: sr.bytes('tx', 32) };
    if (!sr.has('revoked')) return signer;
    const rr = ShapeReader.of(sr.raw('revoked'), ['height', 'tx', 'reason'], code, 'revoked');
    return {
      ...signer,
      revoked: {
        height: rr.uint('height'),
        tx: rr.bytes('tx', 32),
        reason: rr.str('reason', MAX_REASON_LENGTH),
      },
    };
  });
  const notes = r.array('notes', MAX_NOTES).map((n): EvidenceNote => {
    const nr = ShapeReader.of(n, ['account', 'height', 'tx', 'text'], code, 'note');
    return {
      account: nr.str('account', 128),
      height: nr.uint('height'),
      tx: nr.bytes('tx', 32),
      text: nr.str('text', MAX_NOTE_LENGTH),
    };
  });
  return {
    digest: r.bytes('digest', 32),
    alg,
    meta: parseMeta(r.raw('meta'), code),
    ...(r.has('batch') ? { batch: parseBatch(r.raw('batch'), code) } : {}),
    anchoredAt: { height: at.uint('height'), timestamp: at.uint('timestamp'), tx: at.bytes('tx', 32) },
    signers,
    notes,
  };
}

/** The record of `digest`, or undefined. */
export function readRecord(state: StateReader, digest: Uint8Array): EvidenceRecord | undefined {
  const v = state.get(keys.record(toHex(digest)));
  return v === undefined ? undefined : parseRecord(v);
}

/** Store a record under its digest. */
export function writeRecord(state: StateOverlay, r: EvidenceRecord): void {
  state.set(keys.record(toHex(r.digest)), recordValue(r));
}

/** Number of digests `account` has signed. */
export function signerCount(state: StateReader, account: string): number {
  const v = state.get(keys.signerCount(account));
  return typeof v === 'number' ? v : 0;
}

/** Append `digest` to the list of digests signed by `account`. */
export function indexSigner(state: StateOverlay, account: string, digest: Uint8Array): void {
  const n = signerCount(state, account);
  state.set(keys.signerItem(account, n), digest);
  state.set(keys.signerCount(account), n + 1);
}

/** The `index`-th digest signed by `account` (hex), or undefined. */
export function signedDigestAt(state: StateReader, account: string, index: number): string | undefined {
  const v = state.get(keys.signerItem(account, index));
  return v instanceof Uint8Array ? toHex(v) : undefined;
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
