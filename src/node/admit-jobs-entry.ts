import { type AdmitJobFn, type AdmitJobOutcome, runAdmitJobFn } from '../execution/index.js';
import { BUILTIN_MODULES } from '../modules/index.js';

/**
 * Loaded by the verify pool's worker threads (dist/node/admit-jobs-entry.js): the built-in
 * modules' admission job functions by kind. A kind this table lacks (a module the node was given
 * that is not built in) answers `null`, and the admitting thread runs that job itself.
 */
const TABLE = new Map<string, AdmitJobFn>(BUILTIN_MODULES.flatMap((m) => Object.entries(m.admitJobs ?? {})));

/** The worker-side function `VerifyPool.callEach` maps a job through. */
export function runAdmitJobEntry(job: { kind: string; input: unknown }): AdmitJobOutcome | null {
  const fn = TABLE.get(job.kind);
  return fn === undefined ? null : runAdmitJobFn(fn, job.input);
}
