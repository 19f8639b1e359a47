import { GongzhiError } from '../errors/index.js';
import type { CborMap } from '../ledger/index.js';
import {
  badShares,
  castArgs,
  computeResult,
  credential,
  decryptArgs,
  revealArgs,
  trusteeKeyArgs,
  trusteeSharesArgs,
} from '../modules/voting/index.js';
import { withBadShare } from '../testing/index.js';
import { committeeElectionBelenios } from './committee-election-belenios.js';
import type { Demo } from './demo.js';
import { freshSeed, VoteNet } from './vote-net.js';

const TRUSTEES = ['housing-bureau', 'street-office', 'arbitration'] as const;
const CANDIDATES = ['Chen Jie', 'Liu Fang', 'Zhao Lei', 'Sun Min'];

/**
 * The key generation's complaint round as the demo runs it: the housing bureau (trustee 1) opens
 * its shares and finds the street office's bad; it complains; the street office answers with a
 * share that does not match its commitments (refused), and the registrar disqualifies it.
 */
async function complaintRound(v: VoteNet, id: string, seeds: readonly Uint8Array[]) {
  const rec = v.record(id);
  const bad = badShares(rec.election, 1, rec.trustees, seeds[0] as Uint8Array);
  for (const j of bad) await v.ok('housing-bureau', 'trusteeComplain', { election: id, against: j });
  // A share, but the one meant for the arbitration committee: it does not match f(1)'s commitment.
  const wrong = { ...revealArgs(rec.election, 3, seeds[1] as Uint8Array), complainer: 1 };
  const wrongReveal = (await v.net.send('street-office', 'voting', 'trusteeReveal', wrong)).status;
  for (const j of bad) await v.ok('housing-bureau', 'trusteeDisqualify', { election: id, trustee: j });
  return { bad, wrongReveal, disqualified: v.record(id).dkg?.disqualified ?? [] };
}

/**
 * An owners'-committee election by secret ballot: three trustees from three organisations run the
 * key generation (threshold 2) — one sends a bad share, is complained about and disqualified, so
 * the key is the other two's — the housing bureau enrols nine owners weighted by area, each owner
 * encrypts a ballot on her phone (up to two candidates; yes/no on a by-law), one owner re-votes,
 * the vote closes, two trustees decrypt the tallies (never a ballot), the result is published and
 * checked by the ledger, and the whole record is verified offline.
 */
export const committeeElectionDemo: Demo = {
  name: 'committee-election',
  description:
    'Owners’ committee election by secret ballot: 2-of-3 trustees, re-vote, weighted + head-count tally',
  async run(ctx) {
    const group = ctx.options?.voteGroup ?? 'ed25519';
    if (group === 'BELENIOS-2048') return committeeElectionBelenios(ctx);
    if (group !== 'ed25519') {
      throw new GongzhiError('CONFIG_INVALID', `--vote-group ${group}: ed25519 or BELENIOS-2048`);
    }
    const v = await VoteNet.start(ctx, {
      'housing-bureau': ['voting-registrar'],
      'street-office': [],
      arbitration: [],
    });
    try {
      const id = 'committee-2027';
      await v.ok('housing-bureau', 'create', {
        id,
        kind: 'election',
        title: 'Owners’ committee 2027',
        questions: [
          { question: 'Committee members (up to two)', answers: CANDIDATES, min: 0, max: 2 },
          { question: 'Adopt the revised parking by-law?', answers: ['yes'], min: 0, max: 1 },
        ],
        trustees: TRUSTEES.map((t) => v.address(t)),
        threshold: 2,
        rule: { quorum: { num: 2, den: 3 }, pass: { num: 1, den: 2 }, strict: true },
      });
      const areas = [9050, 12025, 7500, 14380, 9860, 11000, 6540, 13210, 8800];
      const owners = areas.map((w) => ({ seed: freshSeed(), weight: w }));
      await v.ok('housing-bureau', 'enrol', {
        election: id,
        voters: owners.map((o) => ({
          credential: credential({ group: 'ed25519' }, o.seed).publicKey,
          weight: o.weight,
        })),
      });
      const trusteeSeeds = TRUSTEES.map(() => freshSeed());
      for (const [i, t] of TRUSTEES.entries())
        await v.ok(
          t,
          'trusteeKey',
          trusteeKeyArgs(v.record(id).election, i + 1, trusteeSeeds[i] as Uint8Array),
        );
      for (const [i, t] of TRUSTEES.entries()) {
        const rec = v.record(id);
        const args = trusteeSharesArgs(rec.election, i + 1, rec.trustees, trusteeSeeds[i] as Uint8Array);
        // The street office's software is faulty: its share for the housing bureau is wrong.
        await v.ok(t, 'trusteeShares', t === 'street-office' ? withBadShare(args, 1) : args);
      }
      ctx.log(
        `trustees ${TRUSTEES.join(', ')} ran the key generation (threshold 2 of 3); no one holds the election key`,
      );
      const dkg = await complaintRound(v, id, trusteeSeeds);
      ctx.log(
        `complaint round: the housing bureau found trustee(s) ${dkg.bad.join(', ')}'s share bad and complained; the street office's wrong reveal was refused (${dkg.wrongReveal}); it was disqualified — the key is formed from the housing bureau and the arbitration committee`,
      );
      await v.ok('housing-bureau', 'freeze', { election: id });
      await v.ok('housing-bureau', 'open', { election: id });
      const e = v.record(id).election;
      ctx.log(
        `electorate frozen: ${owners.length} owners, ${areas.reduce((s, a) => s + a, 0) / 100} m²; fingerprint ${Buffer.from(
          e.fingerprint ?? [],
        )
          .toString('hex')
          .slice(0, 16)}…`,
      );
      const choices = [
        [[1, 1, 0, 0], [1]],
        [[0, 1, 1, 0], [1]],
        [[1, 0, 0, 1], [0]],
        [[0, 1, 0, 0], [1]],
        [[1, 1, 0, 0], [0]],
        [[0, 0, 1, 1], [1]],
        [[1, 0, 0, 0], [1]],
      ];
      for (const [i, sel] of choices.entries()) {
        const r = await v.relay(
          'cast',
          castArgs(e, (owners[i] as { seed: Uint8Array }).seed, sel, freshSeed()),
        );
        if (r.status !== 'ok') throw new Error(`ballot ${i}: ${r.status} ${r.message ?? ''}`);
      }
      ctx.log(
        `${choices.length} encrypted ballots admitted (every 0/1 and 0..2 proof and signature checked)`,
      );
      // Owner 2 changes her mind: a second ballot with a larger seq replaces the first.
      const revote = await v.relay(
        'cast',
        castArgs(e, (owners[2] as { seed: Uint8Array }).seed, [[0, 1, 0, 1], [1]], freshSeed(), 2),
      );
      ctx.log(`owner 3 re-voted: ${revote.status}; only her last ballot counts`);
      // A forged ballot (someone else's ballot resubmitted under a stranger's credential) is refused.
      const stranger = await v.relay('cast', castArgs(e, freshSeed(), [[1, 0, 0, 0], [0]], freshSeed()));
      ctx.log(`a ballot from a credential outside the electorate: ${stranger.status}`);
      // A ballot whose 0/1 proofs were swapped never reaches a block: the node refuses it.
      const good = castArgs(e, (owners[3] as { seed: Uint8Array }).seed, [[1, 0, 0, 0], [1]], freshSeed(), 2);
      const b = good.ballot as { answers: { proofs: Uint8Array[][] }[] } & CborMap;
      const q0 = b.answers[0] as { proofs: Uint8Array[][] } & CborMap;
      const forged = await v.refusedCode('cast', {
        ...good,
        ballot: { ...b, answers: [{ ...q0, proofs: [...q0.proofs].reverse() }, ...b.answers.slice(1)] },
      });
      ctx.log(`a ballot with a wrong proof is refused at admission: ${forged}`);
      await v.ok('housing-bureau', 'close', { election: id });
      for (const j of [1, 3]) {
        await v.ok(
          TRUSTEES[j - 1] as string,
          'decrypt',
          decryptArgs(v.record(id), j, trusteeSeeds[j - 1] as Uint8Array),
        );
      }
      ctx.log(
        'housing bureau and arbitration committee posted partial decryptions with proofs (street office not needed)',
      );
      const res = computeResult(v.record(id));
      await v.ok('street-office', 'tally', { election: id, plain: res.plain, weighted: res.weighted });
      const rec = v.record(id);
      for (const [i, c] of CANDIDATES.entries()) {
        ctx.log(`  ${c}: ${res.plain[0]?.[i]} votes, ${(res.weighted[0]?.[i] ?? 0) / 100} m²`);
      }
      const bylaw = rec.result?.outcomes?.[1]?.[0];
      ctx.log(
        `  parking by-law: ${res.plain[1]?.[0]} owners / ${(res.weighted[1]?.[0] ?? 0) / 100} m² yes → ${bylaw?.passed ? 'PASSED' : 'NOT PASSED'}`,
      );
      const check = v.verify(id);
      return {
        plain: res.plain,
        weighted: res.weighted,
        participation: rec.result?.participation,
        bylawPassed: bylaw?.passed,
        revote: revote.status,
        stranger: stranger.status,
        forged,
        complaint: dkg,
        verified: check.valid,
        errors: check.errors,
        record: check.file,
      };
    } finally {
      await v.stop();
    }
  },
};
