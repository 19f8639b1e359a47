import { sha256 } from '@noble/hashes/sha2';
import { encodeCanonical } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type AnyGroup, type BallotContext, DOMAIN, preparedKey } from '../../voting-crypto/index.js';
import { electionCodec } from './codecs.js';
import { groupOf } from './common.js';
import type { Election } from './types.js';

/** The electorate's hash chain step: `SHA-256(CBOR [DOMAIN, "electorate", root, credential, weight])`. */
export function electorateStep(root: Uint8Array, credential: Uint8Array, weight: number): Uint8Array {
  return sha256(encodeCanonical([DOMAIN, 'electorate', root, credential, weight]));
}

/** The empty electorate's root. */
export const EMPTY_ROOT = new Uint8Array(32);

/**
 * The election fingerprint, fixed when voting opens: SHA-256 of CBOR
 * `[DOMAIN, "election", <election record (its ledger chain and group included) with phase "open"
 * and no fingerprint>, <every trustee's Feldman commitments, index order>]`. Every Fiat–Shamir challenge
 * and signature of the election starts with it, so a proof made for one election (or one chain,
 * electorate, question set or key) verifies in no other.
 */
export function fingerprintOf(e: Election, commitments: readonly (readonly Uint8Array[])[]): Uint8Array {
  const { fingerprint: _f, ...rest } = e;
  const fields = electionCodec.encode({ ...rest, phase: 'open' });
  return sha256(encodeCanonical([DOMAIN, 'election', fields, commitments.map((c) => [...c])]));
}

/** Flattened position of answer `a` of question `q` in the tally. */
export function positions(e: Election): number {
  return e.questions.reduce((n, q) => n + q.answers.length, 0);
}

/** What a ballot of an open election is checked against. */
export function ballotContext(e: Election): BallotContext<unknown> {
  const grp: AnyGroup = groupOf(e);
  if (e.fingerprint === undefined || e.publicKey === undefined) {
    throw new GongzhiError('VOTING_BAD_PHASE', 'the election has not opened', { id: e.id });
  }
  return {
    grp,
    fingerprint: e.fingerprint,
    y: preparedKey(grp, e.publicKey),
    questions: e.questions.map((q) => ({ answers: q.answers.length, min: q.min, max: q.max })),
  };
}
