import { describe, expect, it } from 'vitest';
import { getSuite } from '../../src/crypto/index.js';
import { toHex } from '../../src/encoding/index.js';
import type { AdmissionScope, AdmitJob, AdmitJobOutcome, AdmitJobRunner } from '../../src/execution/index.js';
import { ModuleRegistry } from '../../src/execution/index.js';
import { DEFAULT_PARAMS, encodeTx, signTx } from '../../src/ledger/index.js';
import { BUILTIN_MODULES } from '../../src/modules/index.js';
import { ballotContext } from '../../src/modules/voting/fingerprint.js';
import { ballotAdmitJob, verifiedBallot } from '../../src/modules/voting/verified-ballots.js';
import { poolJobRunner } from '../../src/node/admit-job-runner.js';
import { runAdmitJobEntry } from '../../src/node/admit-jobs-entry.js';
import { FifoMempool } from '../../src/node/fifo-mempool.js';
import { encodeCt, verifyBallot, voteGroup } from '../../src/voting-crypto/index.js';
import { ballotFor, openedElection, tampered } from '../helpers/opened-election.js';

const registry = new ModuleRegistry(BUILTIN_MODULES);
const suite = getSuite('ed25519');
const scope: AdmissionScope = { chain: 'c', group: 'g', suite, params: DEFAULT_PARAMS, height: 1 };

/** A runner that runs jobs through the worker-side table on this thread, recording what it got. */
function recordingRunner(): AdmitJobRunner & { got: string[][] } {
  const got: string[][] = [];
  return {
    got,
    async run(jobs) {
      got.push(jobs.map((j) => j.kind));
      return jobs.map((j) => runAdmitJobEntry(j) as AdmitJobOutcome);
    },
  };
}

describe('admission jobs (ballot proofs off the admitting thread)', () => {
  it('the worker-side table verifies a good ballot and refuses bad ones with their codes', () => {
    const e = openedElection('table');
    const good = ballotFor(e, 'v1');
    expect(runAdmitJobEntry({ kind: 'voting.ballot', input: { election: e, ballot: good } })).toEqual({
      ok: true,
      output: null,
    });
    const bad = runAdmitJobEntry({ kind: 'voting.ballot', input: { election: e, ballot: tampered(good) } });
    expect(bad).toMatchObject({ ok: false, code: 'VOTING_BAD_PROOF' });
    // A ballot made for another election (another fingerprint) does not verify in this one.
    const other = ballotFor(openedElection('elsewhere'), 'v2');
    expect(runAdmitJobEntry({ kind: 'voting.ballot', input: { election: e, ballot: other } })).toMatchObject({
      ok: false,
      code: 'VOTING_BAD_PROOF',
    });
    expect(runAdmitJobEntry({ kind: 'nomodule.job', input: null })).toBeNull();
  });

  it('an accepted job fills the memo with the ciphertexts inline verification gives', () => {
    const e = openedElection('memo');
    const b = ballotFor(e, 'v3');
    const job = ballotAdmitJob(e, b) as AdmitJob;
    expect(job.kind).toBe('voting.ballot');
    const o = runAdmitJobEntry(job) as AdmitJobOutcome;
    expect(o.ok).toBe(true);
    if (o.ok) job.accept(o.output);
    // Seen: no second job, and the memo's ciphertexts are those a full verification returns.
    expect(ballotAdmitJob(e, b)).toBeUndefined();
    const grp = voteGroup('ed25519');
    const inline = verifyBallot(ballotContext(e), b)
      .flat()
      .map((c) => toHex(encodeCt(grp, c)));
    expect(verifiedBallot(e, b).map((c) => toHex(c))).toEqual(inline);
  });

  it('the mempool runs jobs on its runner in one batch; a refused job leaves no trace', async () => {
    const e = openedElection('pool');
    const good = ballotFor(e, 'v4');
    const bad = tampered(ballotFor(e, 'v5'));
    const k = suite.generateKeyPair();
    const txs = [0, 1].map((i) =>
      encodeTx(
        signTx(suite, k.secretKey, {
          chain: 'c',
          group: 'g',
          sender: k.publicKey,
          nonce: `j${i}`,
          validUntil: 100,
          module: 'voting',
          method: 'cast',
          args: { seq: i },
        }),
      ),
    );
    const ballots = [good, bad];
    const prechecked: string[] = [];
    const runner = recordingRunner();
    const rejected: string[] = [];
    const mp = new FifoMempool({
      limit: 10,
      committedNonces: { has: () => false },
      isCommitted: () => false,
      onReject: (c) => rejected.push(c),
      precheck: (c) => {
        prechecked.push(c.tx.body.nonce);
        // What the node's precheck does with a job still to run: run it here. After the pool,
        // the memo has the good ballot, so there is none.
        const ballot = ballots[Number(c.tx.body.nonce.slice(1))];
        if (ballot && ballotAdmitJob(e, ballot) !== undefined) throw new Error('job ran on the main thread');
      },
      jobs: {
        collect: (c) => ballotAdmitJob(e, ballots[Number(c.tx.body.nonce.slice(1))] ?? good),
        runner,
      },
    });
    const [r0, r1] = await mp.admit(txs, scope);
    expect(runner.got).toEqual([['voting.ballot', 'voting.ballot']]);
    expect(r0 && 'error' in r0).toBe(false);
    expect(r1 && 'error' in r1 ? r1.error.code : undefined).toBe('VOTING_BAD_PROOF');
    expect(rejected).toEqual(['VOTING_BAD_PROOF']);
    expect(prechecked).toEqual(['j0']);
    expect(mp.size).toBe(1);
  });

  it('a pool that fails, or lacks a kind, leaves the jobs to this thread with the same outcomes', async () => {
    const e = openedElection('fallback');
    const jobs = [ballotFor(e, 'v6'), tampered(ballotFor(e, 'v7'))].map((ballot) => ({
      kind: 'voting.ballot',
      input: { election: e, ballot },
    }));
    const places: string[] = [];
    const ran = (p: string, n: number) => places.push(`${p}:${n}`);
    const failing = poolJobRunner({ callEach: () => Promise.reject(new Error('gone')) }, registry, ran);
    const a = await failing.run(jobs);
    const unknown = poolJobRunner({ callEach: async (_u, _f, xs) => xs.map(() => null) }, registry, ran);
    const b = await unknown.run(jobs);
    const worker = poolJobRunner(
      {
        callEach: async (_u, _f, xs) =>
          xs.map((x) => runAdmitJobEntry(x as { kind: string; input: unknown })),
      },
      registry,
      ran,
    );
    const c = await worker.run(jobs);
    for (const out of [a, b, c]) {
      expect(out.map((o) => (o.ok ? 'ok' : o.code))).toEqual(['ok', 'VOTING_BAD_PROOF']);
    }
    expect(places).toEqual(['worker:0', 'main:2', 'worker:0', 'main:2', 'worker:2']);
  });
});
