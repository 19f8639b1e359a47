import { toHex } from '../../encoding/index.js';
import { type BallotWire, ballotHash, type Ct, verifyBallot } from '../../voting-crypto/index.js';
import { cryptoCheck } from './common.js';
import { ballotContext } from './fingerprint.js';
import type { Election } from './types.js';

const MAX = 4096;
/** `fingerprint ‖ ballot hash` → the ballot's ciphertexts, for ballots that verified. */
const verified = new Map<string, Ct<unknown>[]>();

/**
 * Verify a ballot of election `e` completely (VOTING_BAD_PROOF, VOTING_BAD_SIGNATURE, …) and
 * return its ciphertexts. The result is a pure function of the fingerprint (which fixes the key
 * and the questions) and the ballot's bytes (its hash covers every field and the signature), so a
 * ballot this node verified at admission is not verified a second time when its block runs: the
 * memo cannot change an outcome, only skip recomputing it. Failures are not memoised.
 */
export function verifiedBallot(e: Election, ballot: BallotWire): Ct<unknown>[] {
  const bc = ballotContext(e);
  const key = `${toHex(bc.fingerprint)}:${toHex(ballotHash(ballot))}`;
  const hit = verified.get(key);
  if (hit !== undefined) return hit;
  const cts = cryptoCheck('ballot', () => verifyBallot(bc, ballot)).flat();
  if (verified.size >= MAX) verified.delete(verified.keys().next().value as string);
  verified.set(key, cts);
  return cts;
}
