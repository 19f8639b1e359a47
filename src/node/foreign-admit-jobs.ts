import type { AdmitJob, AdmitJobRunner, CandidateTx } from '../execution/index.js';

/**
 * Before a block runs, the admission jobs (a ballot's proofs, an open vote's signature) of its
 * transactions this node did not admit — a block another node's transactions fill — on the
 * verify pool, so that the block's `check` finds their results memoised instead of verifying them
 * on this thread. Only what passed is accepted into the memos; a refused job is left alone, so
 * `check` verifies that transaction again itself and fails it with the same code as without a
 * pool. The memos are of pure functions of their inputs, so this changes where the checks run,
 * never what they decide. Returns the number of jobs run.
 */
export async function runForeignAdmitJobs(
  txs: readonly CandidateTx[],
  /** The transaction's job against committed state, or undefined (none, already memoised, or refused). */
  collect: (c: CandidateTx) => AdmitJob | undefined,
  runner: AdmitJobRunner,
  /** Whether this node admitted it (its job ran then). */
  admittedHere: (c: CandidateTx) => boolean,
): Promise<number> {
  const jobs: AdmitJob[] = [];
  for (const c of txs) {
    if (admittedHere(c)) continue;
    const job = collect(c);
    if (job !== undefined) jobs.push(job);
  }
  if (jobs.length === 0) return 0;
  const outcomes = await runner.run(jobs);
  jobs.forEach((job, i) => {
    const o = outcomes[i];
    if (o?.ok === true) job.accept(o.output);
  });
  return jobs.length;
}
