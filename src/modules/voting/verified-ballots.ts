import { toHex } from '../../encoding/index.js';
import { type AdmitJob, defineAdmitJob } from '../../execution/index.js';
import { type BallotWire, ballotHash, checkBallot } from '../../voting-crypto/index.js';
import { cryptoCheck } from './common.js';
import { ballotContext } from './fingerprint.js';
import type { Election } from './types.js';

const MAX = 4096;
/** `fingerprint ‖ ballot hash` → the ballot's ciphertexts (`α ‖ β` each), for ballots that verified. */
const verified = new Map<string, readonly Uint8Array[]>();

const memoKey = (e: Election, ballot: BallotWire): string =>
  `${toHex(ballotContext(e).fingerprint)}:${toHex(ballotHash(ballot))}`;

/** The ballot's ciphertexts in tally order (question by question, answer by answer). */
export const ballotCiphertexts = (ballot: BallotWire): Uint8Array[] =>
  ballot.answers.flatMap((q) => [...q.choices]);

function remember(key: string, cts: readonly Uint8Array[]): readonly Uint8Array[] {
  if (verified.size >= MAX) verified.delete(verified.keys().next().value as string);
  verified.set(key, cts);
  return cts;
}

/**
 * Verify a ballot of election `e` completely (VOTING_BAD_PROOF, VOTING_BAD_SIGNATURE, …) and
 * return its ciphertexts (their encodings: the tally folds them as bytes). The result is a pure function of the fingerprint (which fixes the key
 * and the questions) and the ballot's bytes (its hash covers every field and the signature), so a
 * ballot this node verified at admission is not verified a second time when its block runs: the
 * memo cannot change an outcome, only skip recomputing it. Failures are not memoised.
 */
export function verifiedBallot(e: Election, ballot: BallotWire): readonly Uint8Array[] {
  const key = memoKey(e, ballot);
  const hit = verified.get(key);
  if (hit !== undefined) return hit;
  cryptoCheck('ballot', () => checkBallot(ballotContext(e), ballot));
  return remember(key, ballotCiphertexts(ballot));
}

/** What the ballot job is given: the open election and the ballot (both structured-clonable). */
interface BallotJobInput {
  readonly election: Election;
  readonly ballot: BallotWire;
}

/** `voting.ballot`: the admission job — every proof and the signature, nothing of state. */
export const ballotJob = defineAdmitJob<BallotJobInput>(({ election, ballot }) => {
  cryptoCheck('ballot', () => checkBallot(ballotContext(election), ballot));
  return null;
});

/**
 * At admission: the ballot's verification as a job for the node's worker pool, or nothing when
 * this node verified the same ballot already. Once the job passed, the memo holds the ballot's
 * ciphertexts, so the block's `check` reads them.
 */
export function ballotAdmitJob(e: Election, ballot: BallotWire): AdmitJob | undefined {
  const key = memoKey(e, ballot);
  if (verified.has(key)) return undefined;
  return {
    kind: 'voting.ballot',
    input: { election: e, ballot } satisfies BallotJobInput,
    accept: () => {
      remember(key, ballotCiphertexts(ballot));
    },
  };
}
