import { credential, type Outcome, recordFromJson, voteArgs } from '../modules/voting/index.js';
import type { IdentityNet } from './health-pass.js';
import { freshSeed } from './vote-net.js';

/** An owner's phone: its voting-credential seed (never on the ledger) and floor-area weight. */
export interface Owner {
  readonly seed: Uint8Array;
  readonly weight: number;
}

/**
 * An owners' assembly resolution in the voting module on the fund's own node: the organiser (a
 * `voting-registrar`) creates it with the motion tag in its title, enrols the owners' credentials
 * by area, freezes, opens; each owner's vote is relayed (its credential signature is what
 * counts); the organiser closes it. The art. 278 outcome.
 */
export async function holdOwnersResolution(
  f: { readonly net: IdentityNet },
  o: {
    readonly id: string;
    readonly title: string;
    readonly organiser: string;
    readonly owners: readonly Owner[];
    readonly votes: readonly ('yes' | 'no' | 'abstain' | undefined)[];
    readonly matter?: 'ordinary' | 'major';
  },
): Promise<Outcome | undefined> {
  const call = (method: string, args: Parameters<IdentityNet['ok']>[3]) =>
    f.net.ok(o.organiser, 'voting', method, args);
  await call('create', { id: o.id, kind: 'resolution', title: o.title, matter: o.matter ?? 'ordinary' });
  await call('enrol', {
    election: o.id,
    voters: o.owners.map((w) => ({
      credential: credential({ group: 'ed25519' }, w.seed).publicKey,
      weight: w.weight,
    })),
  });
  await call('freeze', { election: o.id });
  await call('open', { election: o.id });
  const record = () => recordFromJson(f.net.group.query('voting', 'record', { election: o.id }));
  const e = record().election;
  for (const [i, choice] of o.votes.entries()) {
    const owner = o.owners[i];
    if (choice === undefined || owner === undefined) continue;
    await f.net.ok(`owner-${i}`, 'voting', 'vote', voteArgs(e, owner.seed, 1, choice, freshSeed()));
  }
  await call('close', { election: o.id });
  return record().result?.outcome;
}

/** Owners of a small compound, weighted by exclusive floor area in 0.01 m² (专有部分面积). */
export function compoundOwners(areasM2: readonly number[]): Owner[] {
  return areasM2.map((m2) => ({ seed: freshSeed(), weight: Math.round(m2 * 100) }));
}
