import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { StateReader } from '../../state/index.js';
import { type EvidenceRecord, type EvidenceSigner, readRecord } from './record.js';

/** The record of `digest`, or EVIDENCE_NOT_FOUND. */
export function foundRecord(state: StateReader, digest: Uint8Array): EvidenceRecord {
  const r = readRecord(state, digest);
  if (r === undefined) {
    throw new GongzhiError('EVIDENCE_NOT_FOUND', 'no evidence anchored with this digest', {
      digest: toHex(digest),
    });
  }
  return r;
}

/** The signer entry of `account`, revoked or not. */
export function signerOf(record: EvidenceRecord, account: string): EvidenceSigner | undefined {
  return record.signers.find((s) => s.account === account);
}

/** An active (non-revoked) signer of `record`, or EVIDENCE_NOT_SIGNER / EVIDENCE_REVOKED. */
export function activeSigner(record: EvidenceRecord, account: string): EvidenceSigner {
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
