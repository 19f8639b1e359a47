import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type AdmitJob, defineAdmitJob } from '../../execution/index.js';
import { type OpenChoice, verifyOpenVote } from '../../voting-crypto/index.js';
import { groupOf } from './common.js';
import type { Election, ElectionGroup } from './types.js';

/** What an open vote's signature check needs (structured-clonable: it crosses to a worker). */
interface OpenVoteInput {
  readonly group: ElectionGroup;
  readonly fingerprint: Uint8Array;
  readonly credential: Uint8Array;
  readonly seq: number;
  readonly choice: OpenChoice;
  readonly signature: Uint8Array;
}

/** The part of `voting.vote`'s arguments the signature covers. */
type SignedVote = Pick<OpenVoteInput, 'credential' | 'seq' | 'choice' | 'signature'>;

/**
 * The credential signature verifies (VOTING_BAD_SIGNATURE). A group the open protocol cannot use
 * (BELENIOS-2048) or a credential that does not decode is a bad signature too, as it always was.
 */
function assertSigned(i: OpenVoteInput): void {
  let ok = false;
  try {
    ok = verifyOpenVote(groupOf(i), i.fingerprint, i.credential, i.seq, i.choice, i.signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new GongzhiError('VOTING_BAD_SIGNATURE', 'the credential signature does not verify', {});
}

const MAX = 4096;
/** Memo keys of votes whose signature verified (a pure function of the key's fields). */
const verified = new Set<string>();

function inputOf(e: Election, v: SignedVote): OpenVoteInput {
  // Fixed at open: an open election without one is a damaged state, not a bad vote.
  if (e.fingerprint === undefined)
    throw new GongzhiError('CHAIN_INVALID', 'open election without a fingerprint', { id: e.id });
  const { credential, seq, choice, signature } = v;
  return { group: e.group, fingerprint: e.fingerprint, credential, seq, choice, signature };
}

const memoKey = (i: OpenVoteInput): string =>
  `${i.group}:${toHex(i.fingerprint)}:${toHex(i.credential)}:${i.seq}:${i.choice}:${toHex(i.signature)}`;

function remember(key: string): void {
  if (verified.size >= MAX) verified.delete(verified.values().next().value as string);
  verified.add(key);
}

/**
 * The vote's signature verifies, for the block's `check`: a vote this node verified at admission
 * is not verified again (the memo holds only successes of a pure check, so it cannot change an
 * outcome); a block from another node verifies here.
 */
export function assertVoteSigned(e: Election, v: SignedVote): void {
  const i = inputOf(e, v);
  const key = memoKey(i);
  if (verified.has(key)) return;
  assertSigned(i);
  remember(key);
}

/** `voting.openVote`: the admission job — the credential signature, nothing of state. */
export const openVoteJob = defineAdmitJob<OpenVoteInput>((i) => {
  assertSigned(i);
  return null;
});

/**
 * At admission: the signature check as a job for the node's verify pool, or nothing when this
 * node verified the same vote already. Once the job passed, the memo records it.
 */
export function openVoteAdmitJob(e: Election, v: SignedVote): AdmitJob | undefined {
  const input = inputOf(e, v);
  const key = memoKey(input);
  if (verified.has(key)) return undefined;
  return { kind: 'voting.openVote', input, accept: () => remember(key) };
}
