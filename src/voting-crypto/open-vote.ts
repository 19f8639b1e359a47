import { sha256 } from '@noble/hashes/sha2';
import { encodeCanonical } from '../encoding/index.js';
import { type AnyGroup, deriveScalar } from './group.js';
import { decodePair, encodePair, schnorrProve, schnorrVerify } from './proofs.js';

/** The three answers of an open resolution. */
export const OPEN_CHOICES = ['yes', 'no', 'abstain'] as const;
export type OpenChoice = (typeof OPEN_CHOICES)[number];

/**
 * What an open vote's credential signs: SHA-256 of CBOR `[DOMAIN, "open", fingerprint, seq, choice]`
 * (`seq` grows with each re-vote, so a replayed older vote is refused).
 */
export function openVoteDigest(fingerprint: Uint8Array, seq: number, choice: OpenChoice): Uint8Array {
  return sha256(encodeCanonical(['gongzhi-vote/v1', 'open', fingerprint, seq, choice]));
}

/** Sign an open vote (Schnorr with the credential; nonce from the client's seed). */
export function signOpenVote(
  grp: AnyGroup,
  fingerprint: Uint8Array,
  secret: bigint,
  seq: number,
  choice: OpenChoice,
  seed: Uint8Array,
): Uint8Array {
  const p = schnorrProve(
    grp,
    'sig',
    [fingerprint],
    secret,
    grp.gpow(secret),
    openVoteDigest(fingerprint, seq, choice),
    deriveScalar(grp, seed, `open/${seq}/${choice}/w`),
  );
  return encodePair(grp, p);
}

export function verifyOpenVote(
  grp: AnyGroup,
  fingerprint: Uint8Array,
  credential: Uint8Array,
  seq: number,
  choice: OpenChoice,
  signature: Uint8Array,
): boolean {
  return schnorrVerify(
    grp,
    'sig',
    [fingerprint],
    grp.decode(credential),
    openVoteDigest(fingerprint, seq, choice),
    decodePair(grp, signature),
  );
}
