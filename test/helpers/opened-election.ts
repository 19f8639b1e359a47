import { ballotContext } from '../../src/modules/voting/fingerprint.js';
import type { Election } from '../../src/modules/voting/types.js';
import { seedOf } from '../../src/testing/index.js';
import type { BallotWire } from '../../src/voting-crypto/index.js';
import { createBallot, credentialFromSeed, voteGroup } from '../../src/voting-crypto/index.js';

/** An opened ed25519 election as stored (key and fingerprint made up: no ledger needed). */
export function openedElection(id = 'jobs'): Election {
  const grp = voteGroup('ed25519');
  return {
    id,
    kind: 'election',
    title: 't',
    registrar: 'r',
    ledger: { chain: 'c', group: 'g' },
    group: 'ed25519',
    maxWeight: 100,
    questions: [{ question: 'q', answers: ['a', 'b', 'c'], min: 0, max: 2 }],
    trustees: ['t1'],
    threshold: 1,
    phase: 'open',
    electorate: { count: 1, totalWeight: 1, root: new Uint8Array(32) },
    created: { height: 1, tx: new Uint8Array(32) },
    fingerprint: seedOf(`${id}/fingerprint`),
    publicKey: grp.encode(grp.gpow(12345n)),
  };
}

/** A ballot of credential `who` choosing `sel` (one list per question). */
export function ballotFor(
  e: Election,
  who: string,
  sel: readonly (readonly number[])[] = [[1, 0, 1]],
): BallotWire {
  const c = credentialFromSeed(voteGroup('ed25519'), seedOf(who));
  return createBallot(ballotContext(e), c.secret, sel, seedOf(`${who}/ballot`));
}

/** The ballot with its first 0/1 proof's first byte flipped. */
export function tampered(b: BallotWire): BallotWire {
  const a0 = b.answers[0];
  if (a0 === undefined) throw new Error('no answers');
  const p = (a0.proofs[0] as readonly Uint8Array[]).map((x) => x.slice());
  const first = p[0] as Uint8Array;
  first[0] = (first[0] ?? 0) ^ 1;
  return { ...b, answers: [{ ...a0, proofs: [p, ...a0.proofs.slice(1)] }, ...b.answers.slice(1)] };
}
