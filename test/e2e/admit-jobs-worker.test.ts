import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  beleniosCastArgs,
  beleniosCredential,
  beleniosTrusteeArgs,
  credentialStringFromSeed,
  voteArgs,
} from '../../src/modules/voting/index.js';
import { seedOf, VotingSandbox } from '../../src/testing/index.js';
import { checkBallot, seededRand } from '../../src/voting-crypto/belenios/index.js';
import { ballotFor, openedElection, tampered } from '../helpers/opened-election.js';

/** An open BELENIOS-2048 election with one enrolled credential; its election JSON and a ballot. */
function belenios(): { json: string; ballot: string } {
  const sb = new VotingSandbox(1);
  const id = 'bw';
  sb.ok(sb.registrar, 'create', {
    id,
    kind: 'election',
    group: 'BELENIOS-2048',
    title: 't',
    questions: [{ question: 'q', answers: ['a', 'b'], min: 0, max: 1 }],
    trustees: [sb.address(sb.trustees[0] as (typeof sb.trustees)[0])],
    threshold: 1,
  });
  const view = () =>
    sb.query('beleniosTrustees', { election: id }) as Parameters<typeof beleniosTrusteeArgs>[1];
  const cred = credentialStringFromSeed(seedOf('bw-voter'));
  sb.ok(sb.registrar, 'enrol', {
    election: id,
    voters: [{ credential: beleniosCredential(view().uuid, cred).publicKey, weight: 1 }],
  });
  for (const step of ['cert', 'poly', 'vkey'] as const) {
    const args = beleniosTrusteeArgs(id, view(), 1, step, 'bw-trustee', seededRand(`bw/${step}`));
    sb.ok(sb.trustees[0] as (typeof sb.trustees)[0], 'beleniosTrustee', args);
  }
  sb.ok(sb.registrar, 'freeze', { election: id });
  sb.ok(sb.registrar, 'open', { election: id });
  const json = (sb.query('belenios', { election: id }) as { election: string }).election;
  const args = beleniosCastArgs(id, json, cred, [[1, 0]], seededRand('bw/ballot'));
  return { json, ballot: args.ballot as string };
}

const DIST = new URL('../../dist/', import.meta.url);
const built = existsSync(new URL('node/admit-jobs-entry.js', DIST));

interface Outcome {
  readonly ok: boolean;
  readonly code?: string;
  readonly output?: unknown;
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

      // A Belenios ballot: the worker returns the checked ballot (bigints cross the thread), the
      // same value the checks give here; a changed proof is refused with its code.
      const bel = belenios();
      const forged = bel.ballot.replace(
        /"response":"(\d)/,
        (_m, d: string) => `"response":"${d === '1' ? '2' : '1'}`,
      );
      const [ok, bad] = await runner.run(
        [bel.ballot, forged].map((ballot) => ({
          kind: 'voting.beleniosBallot',
          input: { json: bel.json, ballot },
        })),
      );
      expect(ok).toEqual({
        ok: true,
        output: checkBallot(bel.json, JSON.parse(bel.json), JSON.parse(bel.ballot)),
      });
      expect(bad?.ok ? 'ok' : bad?.code).toBe('VOTING_BAD_PROOF');
      expect(places).toEqual(['worker:3', 'worker:2']);

      // An open resolution's vote: the credential signature on the worker; a flipped bit, a vote
      // signed for another election's fingerprint and a Belenios-group election are refused with
      // VOTING_BAD_SIGNATURE, as the main thread refuses them.
      const res = { ...e, kind: 'resolution' as const };
      const v = voteArgs(res, seedOf('v1'), 1, 'yes', seedOf('v1/nonce'));
      const input = (over: Record<string, unknown> = {}) => ({
        group: 'ed25519',
        fingerprint: res.fingerprint,
        credential: v.credential,
        seq: v.seq,
        choice: v.choice,
        signature: v.signature,
        ...over,
      });
      const flipped = Uint8Array.from(v.signature as Uint8Array);
      flipped[3] = (flipped[3] as number) ^ 1;
      const votes = await runner.run(
        [
          input(),
          input({ signature: flipped }),
          input({ fingerprint: openedElection('other').fingerprint }),
          input({ choice: 'no' }),
          input({ group: 'BELENIOS-2048' }),
        ].map((i) => ({ kind: 'voting.openVote', input: i })),
      );
      expect(votes.map((o) => (o.ok ? 'ok' : o.code))).toEqual([
        'ok',
        'VOTING_BAD_SIGNATURE',
        'VOTING_BAD_SIGNATURE',
        'VOTING_BAD_SIGNATURE',
        'VOTING_BAD_SIGNATURE',
      ]);
      expect(places).toEqual(['worker:3', 'worker:2', 'worker:5']);
    } finally {
      await pool.close();
    }
  }, 120_000);
});
