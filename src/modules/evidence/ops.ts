import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type CborMap, ShapeReader } from '../../ledger/index.js';
import {
  type EvidenceRecord,
  type EvidenceSigner,
  MAX_NOTE_LENGTH,
  MAX_NOTES,
  MAX_REASON_LENGTH,
  MAX_SIGNERS,
  parseBatch,
  parseMeta,
} from './record.js';
import { type EvidenceAlg, type EvidenceMeta, isEvidenceAlg } from './types.js';

/** Arguments of `evidence.anchor`. */
export interface AnchorArgs {
  readonly digest: Uint8Array;
  readonly alg: EvidenceAlg;
  readonly meta: EvidenceMeta;
  readonly batch?: { readonly count: number };
}

/** Arguments of `evidence.cosign`. */
export interface CosignArgs {
  readonly digest: Uint8Array;
}

/** Arguments of `evidence.note`. */
export interface NoteArgs {
  readonly digest: Uint8Array;
  readonly text: string;
}

/** Arguments of `evidence.revoke`. */
export interface RevokeArgs {
  readonly digest: Uint8Array;
  readonly reason: string;
}

function readDigest(r: ShapeReader): Uint8Array {
  const v = r.raw('digest');
  if (!(v instanceof Uint8Array) || v.length !== 32) {
    throw new GongzhiError('EVIDENCE_BAD_DIGEST', 'digest must be 32 bytes', {
      length: v instanceof Uint8Array ? v.length : -1,
    });
  }
  return v;
}

function args(v: CborMap, allowed: readonly string[]): ShapeReader {
  return ShapeReader.of(v, allowed, 'EXEC_BAD_ARGS', 'args');
}

/** Parse anchor arguments (EXEC_BAD_ARGS, EVIDENCE_BAD_DIGEST). */
export function parseAnchorArgs(v: CborMap): AnchorArgs {
  const r = args(v, ['digest', 'alg', 'meta', 'batch']);
  const digest = readDigest(r);
  const alg = r.str('alg', 16);
  if (!isEvidenceAlg(alg)) {
    throw new GongzhiError('EXEC_BAD_ARGS', 'alg must be "sha256" or "sm3"', { field: 'alg', alg });
  }
  const meta = parseMeta(r.raw('meta'), 'EXEC_BAD_ARGS');
  return r.has('batch')
    ? { digest, alg, meta, batch: parseBatch(r.raw('batch'), 'EXEC_BAD_ARGS') }
    : { digest, alg, meta };
}

/** Parse cosign arguments. */
export function parseCosignArgs(v: CborMap): CosignArgs {
  return { digest: readDigest(args(v, ['digest'])) };
}

/** Parse note arguments (text: 1..MAX_NOTE_LENGTH). */
export function parseNoteArgs(v: CborMap): NoteArgs {
  const r = args(v, ['digest', 'text']);
  return { digest: readDigest(r), text: r.str('text', MAX_NOTE_LENGTH) };
}

/** Parse revoke arguments (reason: 1..MAX_REASON_LENGTH). */
export function parseRevokeArgs(v: CborMap): RevokeArgs {
  const r = args(v, ['digest', 'reason']);
  return { digest: readDigest(r), reason: r.str('reason', MAX_REASON_LENGTH) };
}

function found(record: EvidenceRecord | undefined, digest: Uint8Array): EvidenceRecord {
  if (record === undefined) {
    throw new GongzhiError('EVIDENCE_NOT_FOUND', 'no evidence anchored with this digest', {
      digest: toHex(digest),
    });
  }
  return record;
}

function signerOf(record: EvidenceRecord, account: string): EvidenceSigner | undefined {
  return record.signers.find((s) => s.account === account);
}

/** An active (non-revoked) signer of `record`, or EVIDENCE_NOT_SIGNER / EVIDENCE_REVOKED. */
function activeSigner(record: EvidenceRecord, account: string): EvidenceSigner {
  const s = signerOf(record, account);
  if (s === undefined) {
    throw new GongzhiError('EVIDENCE_NOT_SIGNER', 'only a signer of this evidence may do this', { account });
  }
  if (s.revoked !== undefined) {
    throw new GongzhiError('EVIDENCE_REVOKED', 'this signature has been revoked', {
      account,
      height: s.revoked.height,
    });
  }
  return s;
}

/** Anchoring requires that the digest is not anchored yet (EVIDENCE_EXISTS). */
export function assertCanAnchor(existing: EvidenceRecord | undefined, a: AnchorArgs): void {
  if (existing !== undefined) {
    throw new GongzhiError('EVIDENCE_EXISTS', 'this digest is already anchored', {
      digest: toHex(a.digest),
      height: existing.anchoredAt.height,
    });
  }
}

/**
 * Co-signing requires the record (EVIDENCE_NOT_FOUND), that `account` never signed it —
 * revoked or not (EVIDENCE_ALREADY_SIGNED) — and room for one more signer (EVIDENCE_LIMIT).
 */
export function assertCanCosign(record: EvidenceRecord | undefined, a: CosignArgs, account: string): void {
  const r = found(record, a.digest);
  const s = signerOf(r, account);
  if (s !== undefined) {
    throw new GongzhiError('EVIDENCE_ALREADY_SIGNED', 'account already signed this evidence', {
      account,
      revoked: s.revoked !== undefined,
    });
  }
  if (r.signers.length >= MAX_SIGNERS) {
    throw new GongzhiError('EVIDENCE_LIMIT', `a record holds at most ${MAX_SIGNERS} signers`, {
      max: MAX_SIGNERS,
    });
  }
}

/**
 * Adding a note requires the record, that `account` is a signer (EVIDENCE_NOT_SIGNER) whose
 * signature is not revoked (EVIDENCE_REVOKED), and room for one more note (EVIDENCE_LIMIT).
 */
export function assertCanNote(record: EvidenceRecord | undefined, a: NoteArgs, account: string): void {
  const r = found(record, a.digest);
  activeSigner(r, account);
  if (r.notes.length >= MAX_NOTES) {
    throw new GongzhiError('EVIDENCE_LIMIT', `a record holds at most ${MAX_NOTES} notes`, { max: MAX_NOTES });
  }
}

/** Revoking requires the record, that `account` is a signer, and not revoked already (EVIDENCE_REVOKED). */
export function assertCanRevoke(record: EvidenceRecord | undefined, a: RevokeArgs, account: string): void {
  activeSigner(found(record, a.digest), account);
}
