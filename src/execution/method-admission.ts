import { GongzhiError } from '../errors/index.js';
import type { StateReader } from '../state/index.js';
import type { AdmissionScope, CandidateTx } from './admission-check.js';
import { type AdmitJob, outcomeError, runAdmitJobFn } from './admit-job.js';
import type { AdmitContext } from './module.js';
import type { ModuleRegistry } from './registry.js';

const internal = (e: unknown): GongzhiError =>
  e instanceof GongzhiError
    ? e
    : new GongzhiError('EXEC_INTERNAL', e instanceof Error ? e.message : String(e));

/**
 * Run the method's own admission check (`MethodDef.admit`), if it has one, against read-only
 * committed state: parse the arguments (EXEC_BAD_ARGS) and let the method refuse with its code.
 * The node calls this after the signature and role checks; methods without `admit` cost nothing
 * here (their arguments are parsed in the block, as before).
 *
 * A job the method hands back (`AdmitJob`) is returned when `defer` is set — the node then runs it
 * on its worker pool — and otherwise run here, on this thread, before returning.
 */
export function admitByMethod(
  registry: ModuleRegistry,
  c: CandidateTx,
  scope: AdmissionScope,
  state: StateReader,
  defer = false,
): AdmitJob | undefined {
  const b = c.tx.body;
  const def = registry.method(b.module, b.method);
  if (def.admit === undefined) return undefined;
  const ctx: AdmitContext = {
    chain: scope.chain,
    group: scope.group,
    height: scope.height,
    txHash: c.hash,
    sender: c.sender,
    senderKey: b.sender,
    suite: scope.suite,
    params: scope.params,
    state,
  };
  let job: AdmitJob | undefined;
  try {
    job = def.admit(ctx, def.parse(b.args)) ?? undefined;
  } catch (e) {
    // A non-Gongzhi throw is a bug in the method: refuse as the block would record it.
    throw internal(e);
  }
  if (job === undefined || defer) return job;
  runAdmitJob(registry, job);
  return undefined;
}

/** Run `job` on this thread: accept its output, or throw its refusal. */
export function runAdmitJob(registry: ModuleRegistry, job: AdmitJob): void {
  const fn = registry.admitJob(job.kind);
  if (fn === undefined) {
    throw new GongzhiError('EXEC_INTERNAL', `no admission job ${job.kind}`, { kind: job.kind });
  }
  const o = runAdmitJobFn(fn, job.input);
  const err = outcomeError(o);
  if (err !== undefined) throw err;
  if (o.ok) job.accept(o.output);
}
