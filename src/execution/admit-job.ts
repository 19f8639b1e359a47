import { type ErrorCode, type ErrorDetails, GongzhiError, isErrorCode } from '../errors/index.js';

/**
 * The costly, state-free part of a method's admission check (e.g. a ballot's proofs), handed by
 * `admit` to the node so that it can run on the verify worker pool instead of the thread that
 * serves HTTP. `run(input)` must be a pure function of `input`: it returns an output (any
 * structured-clonable value) or throws a GongzhiError to refuse the transaction. `accept(output)`
 * runs on the admitting thread once the function returned, e.g. to fill a memo that the block's
 * `check` reads (a memo of a pure result cannot change an outcome, only skip recomputing it).
 */
export interface AdmitJob {
  /** `<module>.<name>`: a function in the module manifest's `admitJobs`. */
  readonly kind: string;
  /** Structured-clonable (it is copied to a worker thread). */
  readonly input: unknown;
  accept(output: unknown): void;
}

/** A module's admission job function: pure, throws a GongzhiError to refuse. */
export type AdmitJobFn = (input: unknown) => unknown;

/** How a job ended: its output, or the refusal (a GongzhiError's fields, as they cross threads). */
export type AdmitJobOutcome =
  | { readonly ok: true; readonly output: unknown }
  | {
      readonly ok: false;
      readonly code: ErrorCode;
      readonly message: string;
      readonly details: ErrorDetails;
    };

/** Runs jobs somewhere (the node's worker pool); outcome i belongs to job i. */
export interface AdmitJobRunner {
  run(jobs: readonly { readonly kind: string; readonly input: unknown }[]): Promise<AdmitJobOutcome[]>;
}

/** Run `fn` on `input` and report how it ended; a non-Gongzhi throw is a bug: EXEC_INTERNAL. */
export function runAdmitJobFn(fn: AdmitJobFn, input: unknown): AdmitJobOutcome {
  try {
    return { ok: true, output: fn(input) };
  } catch (e) {
    const err =
      e instanceof GongzhiError
        ? e
        : new GongzhiError('EXEC_INTERNAL', e instanceof Error ? e.message : String(e));
    return { ok: false, code: err.code, message: err.message, details: err.details };
  }
}

/** The refusal an outcome carries, as a GongzhiError (its hint from the one code table). */
export function outcomeError(o: AdmitJobOutcome): GongzhiError | undefined {
  if (o.ok) return undefined;
  // The code crossed a thread as a string: anything not in this thread's table is a bug.
  return isErrorCode(o.code)
    ? new GongzhiError(o.code, o.message, o.details)
    : new GongzhiError('EXEC_INTERNAL', o.message, { code: o.code });
}
