export { TRACE_ERRORS } from './errors.js';
export { type ItemKind, itemKeys, MAX_IDS } from './items.js';
export { MAX_GRAMS, parseRecordArgs, type RecordArgs } from './record-args.js';
export {
  DEFAULT_TRACE_PARAMS,
  type Garden,
  MODULE as TRACE_MODULE,
  type Participant,
  type Product,
  registryKeys,
  type TraceParams,
} from './registry.js';
export { resolverReads } from './resolver-reads.js';
export { SCAN_PLACE } from './scan.js';
export { recordArgsFromSummary } from './summary-args.js';
export { traceModule } from './trace-module.js';
export {
  bizStepUri,
  CBV_BIZSTEPS,
  GZ_BIZSTEP,
  GZ_BIZSTEPS,
  PARTICIPANT_KINDS,
  type ParticipantKind,
} from './vocabulary.js';
