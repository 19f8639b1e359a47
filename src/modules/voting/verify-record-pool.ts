import { toHex } from '../../encoding/index.js';
import type { AdmitJobRunner } from '../../execution/index.js';
import type { VerificationResult } from '../../ledger/index.js';
import { ballotHash } from '../../voting-crypto/index.js';
import type { ElectionRecord } from './record.js';
import { verifyElectionRecord } from './verify-record.js';

/**
 * `verifyElectionRecord` with the ballots' proofs checked on a job runner first — the node's
 * verify pool, one chunk per worker — as the `voting.ballot` admission job (the same
 * `checkBallot`, against the record's own election). Ballots the jobs passed are not checked
 * again; a refused one is checked again on this thread and fails the record with the same check
 * and message as without the pool. Everything else (electorate, tallies, decryptions, result)
 * runs here as before, so the verdict is the same function of the record.
 */
export async function verifyElectionRecordOn(
  rec: ElectionRecord,
  runner: AdmitJobRunner,
): Promise<VerificationResult> {
  if (rec.election.kind !== 'election' || rec.ballots.length === 0) return verifyElectionRecord(rec);
  const outs = await runner.run(
    rec.ballots.map((b) => ({ kind: 'voting.ballot', input: { election: rec.election, ballot: b.ballot } })),
  );
  const checked = new Set<string>();
  rec.ballots.forEach((b, i) => {
    if (outs[i]?.ok === true) checked.add(toHex(ballotHash(b.ballot)));
  });
  return verifyElectionRecord(rec, { checked });
}
