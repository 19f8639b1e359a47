import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { VerifyPool } from '../crypto/index.js';
import { type AdmitJobRunner, ModuleRegistry, runAdmitJobFn } from '../execution/index.js';
import { BUILTIN_MODULES } from '../modules/index.js';
import { ballotContext, type Election } from '../modules/voting/index.js';
import { poolJobRunner } from '../node/admit-job-runner.js';
import { seedOf } from '../testing/index.js';
import { createBallot, credentialFromSeed, RISTRETTO } from '../voting-crypto/index.js';
import { benchForeignBlock } from './voting-foreign-block.js';

/** An opened ed25519 election (made-up key and fingerprint) with three questions. */
function election(): Election {
  return {
    id: 'bench-admit',
    kind: 'election',
    title: 'bench',
    registrar: 'r',
    ledger: { chain: 'c', group: 'g' },
    group: 'ed25519',
    maxWeight: 100,
    questions: [
      { question: 'a', answers: ['1', '2', '3', '4'], min: 0, max: 2 },
      { question: 'b', answers: ['yes'], min: 0, max: 1 },
      { question: 'c', answers: ['x', 'y', 'z'], min: 1, max: 1 },
    ],
    trustees: ['t'],
    threshold: 1,
    phase: 'open',
    electorate: { count: 1, totalWeight: 1, root: new Uint8Array(32) },
    created: { height: 1, tx: new Uint8Array(32) },
    fingerprint: seedOf('bench-admit/fingerprint'),
    publicKey: RISTRETTO.encode(RISTRETTO.gpow(0x5eedn)),
  };
}

export interface AdmitSide {
  readonly ballotsPerSec: number;
  /** The admitting thread's event-loop delay while the burst was admitted (ms). */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

/**
 * `npm run bench -- --only-voting-admit [--voting-ballots N] [--admit-workers W]`: a burst of N
 * ballots' admission jobs in batches of 8, on this thread (as without a pool) and on a VerifyPool
 * of W workers (as a node with `--verify-workers W`), alternating per batch so both see the same
 * load; for each, ballots/s and how long the event loop (the HTTP server's) was held. With
 * `--foreign-block-ballots N`: ./voting-foreign-block.ts instead.
 */
export async function benchVotingAdmit(n: number, workers: number) {
  const e = election();
  const ctx = ballotContext(e);
  const jobs = Array.from({ length: n }, (_, i) => ({
    kind: 'voting.ballot',
    input: {
      election: e,
      ballot: createBallot(
        ctx,
        credentialFromSeed(RISTRETTO, seedOf(`admit-v${i}`)).secret,
        [[i % 2, (i >> 1) % 2, 0, 0], [i % 3 === 0 ? 1 : 0], [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0))],
        seedOf(`admit-b${i}`),
      ),
    },
  }));
  const registry = new ModuleRegistry(BUILTIN_MODULES);
  const fn = registry.admitJob('voting.ballot');
  if (fn === undefined) throw new Error('voting.ballot job missing');
  const inline: AdmitJobRunner = { run: async (js) => js.map((j) => runAdmitJobFn(fn, j.input)) };
  const pool = new VerifyPool(workers);
  try {
    const pooled = poolJobRunner(pool, registry);
    // Warm-up, not measured: the worker loads the modules' job tables on its first job.
    await pooled.run(jobs.slice(0, 1));
    const side = () => ({ ms: 0, h: monitorEventLoopDelay({ resolution: 5 }) });
    const a = side();
    const b = side();
    const run = async (s: ReturnType<typeof side>, r: AdmitJobRunner, batch: typeof jobs) => {
      s.h.enable();
      const t = performance.now();
      const out = await r.run(batch);
      // Let a pending timer fire, so a held loop shows in the histogram.
      await yieldToLoop();
      s.ms += performance.now() - t;
      s.h.disable();
      if (out.some((o) => !o.ok)) throw new Error('a bench ballot was refused');
    };
    for (let i = 0; i < n; i += 8) {
      const batch = jobs.slice(i, i + 8);
      await run(a, inline, batch);
      await run(b, pooled, batch);
    }
    const view = (s: ReturnType<typeof side>): AdmitSide => ({
      ballotsPerSec: Math.round((n / s.ms) * 10_000) / 10,
      loopDelayP99Ms: Math.round(s.h.percentile(99) / 1e5) / 10,
      loopDelayMaxMs: Math.round(s.h.max / 1e5) / 10,
    });
    return { ballots: n, workers, inline: view(a), pool: view(b) };
  } finally {
    await pool.close();
  }
}

export async function reportVotingAdmit(
  report: (o: Record<string, unknown>, line: string) => void,
  arg: (name: string, dflt: number) => number,
): Promise<void> {
  const foreign = arg('--foreign-block-ballots', 0);
  if (foreign > 0) {
    const f = await benchForeignBlock(foreign, arg('--admit-workers', 1));
    report(
      { bench: 'voting-foreign-block', group: 'ed25519', ...f },
      `voting, blocks this node did not admit (ristretto255, 3 questions, ${f.ballots} ballots a side in blocks of ` +
        `${f.perBlock}, alternating): proofs checked by \`check\` on the main thread ${f.mainThreadPerSec} ballots/s, ` +
        `main thread busy ${f.mainThreadBusyMsPerBallot} ms a ballot; on ${f.workers} verify worker(s) before the ` +
        `block ${f.poolPerSec} ballots/s, main thread busy ${f.poolBusyMsPerBallot} ms a ballot`,
    );
    return;
  }
  const v = await benchVotingAdmit(arg('--voting-ballots', 40), arg('--admit-workers', 1));
  report(
    { bench: 'voting-admit', group: 'ed25519', ...v },
    `voting admission (ristretto255, 3 questions, ${v.ballots} ballots in batches of 8): on this thread ` +
      `${v.inline.ballotsPerSec}/s, event loop held up to ${v.inline.loopDelayMaxMs} ms (p99 ${v.inline.loopDelayP99Ms}); ` +
      `on ${v.workers} verify worker(s) ${v.pool.ballotsPerSec}/s, up to ${v.pool.loopDelayMaxMs} ms (p99 ${v.pool.loopDelayP99Ms})`,
  );
}
