import { GongzhiError } from '../../errors/index.js';
import { type CryptoSuite, getSuite, SUITE_IDS } from '../suite.js';
import { type EvidenceAlg, isEvidenceAlg } from './types.js';

/** The part of a suite that batch trees and file digests need. */
export type EvidenceHasher = Pick<CryptoSuite, 'hash' | 'hashName'>;

/**
 * A hasher for `alg` (taken from the first suite whose hash it is). Throws EVIDENCE_BAD_DIGEST
 * for an unknown algorithm.
 */
export function hasherFor(alg: EvidenceAlg): EvidenceHasher {
  if (isEvidenceAlg(alg)) {
    for (const id of SUITE_IDS) {
      const s = getSuite(id);
      if (s.hashName === alg) return s;
    }
  }
  throw new GongzhiError('EVIDENCE_BAD_DIGEST', `unsupported digest algorithm ${String(alg)}`, {
    alg: String(alg),
  });
}

/** Digest of a file's bytes with `alg` (32 bytes). */
export function fileDigest(alg: EvidenceAlg, file: Uint8Array): Uint8Array {
  return hasherFor(alg).hash(file);
}
