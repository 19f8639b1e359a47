export { type AuditReport, auditProgram } from './audit.js';
export { Books, classOf, type JournalEntry, lotExpired, parseJournal } from './books.js';
export {
  type Activity,
  type Measurement,
  measure,
  methodologyHash,
  parseMethodologyDef,
} from './methodology.js';
export { type ClaimArgs, parseClaim } from './ops-earn.js';
export { type CreateProgramArgs, parseCreateProgram } from './ops-program.js';
export { POINTS_PERMISSIONS, pointsModule } from './points-module.js';
export { jsonOf, totalsOf } from './queries.js';
export {
  bookIdOf,
  holderBalance,
  keys as pointsKeys,
  parseHolder,
  parseProgram,
  readNumMap,
} from './state.js';
export * from './types.js';
