import type { VerifyPool } from '../crypto/index.js';
import {
  type AdmitJobOutcome,
  type AdmitJobRunner,
  type ModuleRegistry,
  runAdmitJobFn,
} from '../execution/index.js';

/** The worker-side table (./admit-jobs-entry.ts), next to this file in dist/. */
const ENTRY = new URL('./admit-jobs-entry.js', import.meta.url);

/** Where each job ran, for the node's metrics: `worker`, or `main` when the worker could not. */
export type JobPlace = 'worker' | 'main';

/**
 * Admission jobs (a ballot's proofs) on the node's verify pool, so that a burst of ballots does
 * not hold the thread that serves HTTP. A job the workers cannot run — a kind of a module that is
 * not built in, or a pool that failed — runs here instead: the outcome is the same pure function.
 */
export function poolJobRunner(
  pool: Pick<VerifyPool, 'callEach'>,
  registry: ModuleRegistry,
  ran?: (place: JobPlace, n: number) => void,
): AdmitJobRunner {
  return {
    async run(jobs) {
      let outs: unknown[];
      try {
        outs = await pool.callEach(
          ENTRY,
          'runAdmitJobEntry',
          jobs.map((j) => ({ kind: j.kind, input: j.input })),
        );
      } catch {
        outs = jobs.map(() => null);
      }
      let here = 0;
      const outcomes = jobs.map((j, i): AdmitJobOutcome => {
        const o = outs[i];
        if (o !== null && o !== undefined) return o as AdmitJobOutcome;
        here++;
        const fn = registry.admitJob(j.kind);
        return fn === undefined
          ? { ok: false, code: 'EXEC_INTERNAL', message: `no admission job ${j.kind}`, details: {} }
          : runAdmitJobFn(fn, j.input);
      });
      ran?.('worker', jobs.length - here);
      if (here > 0) ran?.('main', here);
      return outcomes;
    },
  };
}
