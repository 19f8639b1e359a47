import { credential, voteArgs } from '../modules/voting/index.js';
import type { Demo } from './demo.js';
import { freshSeed, VoteNet } from './vote-net.js';

/** Units of weight: 0.01 m² of exclusive floor area (专有部分面积). */
const AREAS_M2 = [89.5, 120.25, 75.0, 143.8, 98.6, 110.0, 65.4, 132.1, 88.0, 101.3];
const units = (m2: number): number => Math.round(m2 * 100);

/**
 * An owners' assembly (业主大会) of a residential compound: the housing bureau enrols ten owners'
 * voting credentials weighted by floor area, freezes the electorate, and runs two open
 * resolutions under PRC Civil Code art. 278 — an ordinary matter (new property-management
 * contract) that passes, and a major matter (using the maintenance fund) that fails on
 * participation. Each record is then verified offline. The electorate comes from verified owners:
 * the housing bureau is a recognised issuer (identity module) whose owner credentials point into
 * its status list, each voter is enrolled with her credential's status index, and the ledger
 * checks each against that list — the previous owner of a sold flat, whose credential the bureau
 * revoked, is refused.
 */
export const ownersVoteDemo: Demo = {
  name: 'owners-vote',
  description: 'Owners’ assembly: area-weighted open resolutions under art. 278 (one ordinary, one major)',
  async run(ctx) {
    const v = await VoteNet.start(ctx, {
      'housing-bureau': ['voting-registrar'],
      'street-office': ['identity-registrar'],
      arbitration: [],
    });
    try {
      // The bureau issues owner credentials (off-ledger) pointing into its status list `owners`;
      // the street office, as identity registrar, recognises it as a government issuer.
      const issuer = v.address('housing-bureau');
      await v.net.createDid('housing-bureau');
      await v.net.ok('street-office', 'identity', 'recognizeIssuer', { id: issuer, category: 'government' });
      await v.net.ok('housing-bureau', 'identity', 'createStatusList', {
        issuer,
        list: 'owners',
        purpose: 'revocation',
      });
      const SOLD = 99;
      await v.net.ok('housing-bureau', 'identity', 'setStatus', {
        issuer,
        list: 'owners',
        indexes: [SOLD],
        value: true,
      });
      const ownerSource = { issuer, category: 'government', list: 'owners' };
      // Each owner's phone keeps its credential seed; the bureau sees only the public keys.
      const owners = AREAS_M2.map((m2) => ({ seed: freshSeed(), weight: units(m2) }));
      const voters = owners.map((o, i) => ({
        credential: credential({ group: 'ed25519' }, o.seed).publicKey,
        weight: o.weight,
        owner: 100 + i,
      }));
      const total = owners.reduce((s, o) => s + o.weight, 0);
      const results: Record<string, unknown> = {};
      const matters = [
        {
          id: 'pm-contract',
          matter: 'ordinary',
          title: 'Sign the 2027 property-management contract',
          votes: ['yes', 'yes', 'no', 'yes', 'abstain', 'yes', 'no', 'yes', 'yes', undefined],
        },
        {
          id: 'lift-fund',
          matter: 'major',
          title: 'Use the maintenance fund to replace lifts 2 and 3',
          votes: ['yes', 'yes', 'yes', 'yes', 'yes', 'no', undefined, undefined, undefined, undefined],
        },
      ] as const;
      for (const m of matters) {
        await v.ok('housing-bureau', 'create', {
          id: m.id,
          kind: 'resolution',
          title: m.title,
          matter: m.matter,
          owners: ownerSource,
        });
        // The previous owner of a sold flat still holds a credential, revoked by the bureau.
        const sold = await v.net.send('housing-bureau', 'voting', 'enrol', {
          election: m.id,
          voters: [
            {
              credential: credential({ group: 'ed25519' }, freshSeed()).publicKey,
              weight: 9000,
              owner: SOLD,
            },
          ],
        });
        ctx.log(`${m.id}: a revoked owner credential (sold flat) is refused at enrolment: ${sold.status}`);
        results[`${m.id}-sold`] = sold.status;
        await v.ok('housing-bureau', 'enrol', { election: m.id, voters });
        await v.ok('housing-bureau', 'freeze', { election: m.id });
        await v.ok('housing-bureau', 'open', { election: m.id });
        ctx.log(
          `${m.id} (${m.matter}): ${voters.length} owners, ${(total / 100).toFixed(2)} m² enrolled and frozen; voting open`,
        );
        const e = v.record(m.id).election;
        let n = 0;
        for (const [i, choice] of m.votes.entries()) {
          if (choice === undefined) continue;
          const owner = owners[i] as (typeof owners)[number];
          const r = await v.relay('vote', voteArgs(e, owner.seed, 1, choice, freshSeed()));
          if (r.status !== 'ok') throw new Error(`vote ${i}: ${r.status}`);
          n++;
        }
        await v.ok('housing-bureau', 'close', { election: m.id });
        const rec = v.record(m.id);
        const out = rec.result?.outcome;
        const part = rec.result?.participation;
        ctx.log(
          `${m.id}: ${n} of ${voters.length} owners voted (${((part?.weight ?? 0) / 100).toFixed(2)} m²); ` +
            `participation area ${out?.quorumArea} owners ${out?.quorumOwners}; majority area ${out?.passArea} owners ${out?.passOwners} → ${out?.passed ? 'PASSED' : 'NOT PASSED'}`,
        );
        const check = v.verify(m.id);
        results[m.id] = {
          ...rec.result?.counts,
          participation: part,
          outcome: out,
          verified: check.valid,
          record: check.file,
        };
      }
      return results;
    } finally {
      await v.stop();
    }
  },
};
