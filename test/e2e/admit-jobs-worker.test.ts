import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ballotFor, openedElection, tampered } from '../helpers/opened-election.js';

const DIST = new URL('../../dist/', import.meta.url);
const built = existsSync(new URL('node/admit-jobs-entry.js', DIST));

interface Outcome {
  readonly ok: boolean;
  readonly code?: string;
}
interface Runner {
  run(jobs: readonly { kind: string; input: unknown }[]): Promise<Outcome[]>;
}

/**
 * The built node's admission job runner on a real VerifyPool worker thread (dist/): a good ballot
 * passes and a bad one is refused with its code, and both ran on the worker, none on this thread.
 */
describe.skipIf(!built)('admission jobs on the verify pool’s worker thread', () => {
  it('verifies ballots on the worker, with the codes the main thread would give', async () => {
    const crypto = await import(new URL('crypto/index.js', DIST).href);
    const execution = await import(new URL('execution/index.js', DIST).href);
    const modules = await import(new URL('modules/index.js', DIST).href);
    const runnerMod = await import(new URL('node/admit-job-runner.js', DIST).href);
    const pool = new crypto.VerifyPool(1);
    try {
      const places: string[] = [];
      const runner: Runner = runnerMod.poolJobRunner(
        pool,
        new execution.ModuleRegistry(modules.BUILTIN_MODULES),
        (p: string, n: number) => places.push(`${p}:${n}`),
      );
      const e = openedElection('worker');
      const good = ballotFor(e, 'w1');
      const out = await runner.run(
        [good, tampered(ballotFor(e, 'w2')), ballotFor(openedElection('other'), 'w3')].map((ballot) => ({
          kind: 'voting.ballot',
          input: { election: e, ballot },
        })),
      );
      expect(out.map((o) => (o.ok ? 'ok' : o.code))).toEqual(['ok', 'VOTING_BAD_PROOF', 'VOTING_BAD_PROOF']);
      expect(places).toEqual(['worker:3']);
    } finally {
      await pool.close();
    }
  }, 30_000);
});
