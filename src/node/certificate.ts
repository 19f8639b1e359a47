import type { CryptoSuite } from '../crypto/index.js';
import { fromHex } from '../encoding/index.js';
import type { BlockSignature } from '../ledger/index.js';
import { listNodes } from '../modules/governance/index.js';
import type { StateReader } from '../state/index.js';

/** Outcome of checking a finality certificate. */
export interface CertificateCheck {
  readonly ok: boolean;
  /** Organisations with at least one valid node signature. */
  readonly orgs: readonly string[];
  readonly orgCount: number;
}

/**
 * Check a block certificate against the node identities registered in `state`: count the distinct
 * organisations with a valid signature over `hash`; final when they are at least `quorumPercent` %.
 */
export function checkCertificate(
  state: StateReader,
  suite: CryptoSuite,
  hash: Uint8Array,
  signatures: readonly BlockSignature[],
  quorumPercent: number,
): CertificateCheck {
  const nodes = listNodes(state);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const orgs = new Set<string>();
  for (const s of signatures) {
    const n = byId.get(s.node);
    if (n && suite.verify(fromHex(n.publicKey), hash, s.sig)) orgs.add(n.org);
  }
  const orgCount = new Set(nodes.map((n) => n.org)).size;
  return {
    ok: orgCount > 0 && orgs.size * 100 >= quorumPercent * orgCount,
    orgs: [...orgs].sort(),
    orgCount,
  };
}
