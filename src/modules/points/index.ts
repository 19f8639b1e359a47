export { type AuditReport, auditProgram } from './audit.js';
export { type Book, bookCodec } from './book.js';
export { Books } from './books.js';
export { type ClaimRecord, claimCodec } from './claim.js';
export { type CreateProgramArgs, parseCreateProgram } from './create-program.js';
export { type Effects, PendingState } from './effects.js';
export { POINTS_ERRORS } from './errors.js';
export { holderBalance, holderCodec } from './holder.js';
export { type JournalEntry, journalCodec } from './journal.js';
export { bookIdOf, keys as pointsKeys } from './keys.js';
export { lotExpired } from './lots.js';
export {
  type Activity,
  type Measurement,
  measure,
  methodologyCodec,
  methodologyHash,
  parseMethodologyDef,
} from './methodology.js';
export { numMapCodec } from './num-map.js';
export { type ClaimArgs, parseClaim } from './ops-earn.js';
export { periodCodec } from './period.js';
export { POINTS_PERMISSIONS, pointsModule } from './points-module.js';
export { programCodec } from './program.js';
export { jsonOf } from './queries.js';
export { totalsOf } from './queries-books.js';
export { READ_DOMAIN, READ_WINDOW, readMessage } from './queries-private.js';
export { RECORD_CODECS, recordCodecOf } from './records.js';
export { serviceCodec } from './service.js';
export { statementCodec } from './statement.js';
export * from './types.js';
