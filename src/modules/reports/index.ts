export { REPORTS_ERRORS } from './errors.js';
export type { AdmitArgs, RegisterOfficeArgs } from './offices.js';
export {
  buildInclusionProof,
  childrenRoot,
  entryHash,
  entryJson,
  type ProofLevel,
  type ReportEntry,
  recordsRoot,
  verifyInclusionProof,
} from './proof.js';
export { reportsModule } from './reports-module.js';
export {
  keys as reportsKeys,
  MAX_CHILDREN,
  MAX_DEPTH,
  MODULE as REPORTS_MODULE,
  type Totals,
} from './state.js';
export type { AggregateArgs, SubmitArgs } from './submit.js';
export * from './types.js';
