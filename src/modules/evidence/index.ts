export { type AnchorArgs, parseAnchorArgs } from './anchor.js';
export type { CosignArgs } from './cosign.js';
export { EVIDENCE_ERRORS } from './errors.js';
export { evidenceModule } from './evidence-module.js';
export { type NoteArgs, parseNoteArgs } from './note.js';
export { MAX_QUERY_LIMIT } from './queries.js';
export {
  type EvidenceNote,
  type EvidenceRecord,
  type EvidenceRevocation,
  type EvidenceSigner,
  keys as evidenceKeys,
  MAX_NOTE_LENGTH,
  MAX_NOTES,
  MAX_REASON_LENGTH,
  MAX_SIGNERS,
  META_LIMITS,
  MODULE as EVIDENCE_MODULE,
  parseRecord,
  readRecord,
  recordCodec,
  recordJson,
  recordValue,
} from './record.js';
export type { RevokeArgs } from './revoke.js';
