import type { CryptoSuite } from '../crypto/index.js';
import { GongzhiError } from '../errors/index.js';
import type { ChainParams, SignedTx } from '../ledger/index.js';

/** Answers whether a sender already used a nonce in a committed block. */
export interface NonceIndex {
  has(sender: string, nonce: string): boolean;
}

/**
 * The one key for "this sender used this nonce", in every nonce set (mempool, block builder, replay).
 * Addresses never contain NUL, so no sender/nonce pair can collide with another.
 */
export function nonceKey(sender: string, nonce: string): string {
  return `${sender}\u0000${nonce}`;
}

/** A transaction on its way into a block. `verified` is set once its signature checked out. */
export interface CandidateTx {
  readonly tx: SignedTx;
  readonly hash: Uint8Array;
  readonly bytes: Uint8Array;
  readonly sender: string;
  verified: boolean;
}

/** Where a transaction is being checked: the chain, and the height of the block it would enter. */
export interface AdmissionScope {
  readonly chain: string;
  readonly group: string;
  readonly suite: CryptoSuite;
  readonly params: ChainParams;
  /** Height of the block the transaction would be included in. */
  readonly height: number;
}

/**
 * The stateless and replay checks every transaction passes before ordering and again,
 * deterministically, when a block is built: chain, group, size, validity window, nonce, signature.
 */
export function assertAdmissible(
  c: CandidateTx,
  scope: AdmissionScope,
  nonces: NonceIndex,
  opts: { readonly skipSignature?: boolean } = {},
): void {
  const b = c.tx.body;
  if (b.chain !== scope.chain) {
    throw new GongzhiError('TX_WRONG_CHAIN', 'transaction is for another chain', {
      expected: scope.chain,
      got: b.chain,
    });
  }
  if (b.group !== scope.group) {
    throw new GongzhiError('TX_WRONG_GROUP', 'transaction is for another group', {
      expected: scope.group,
      got: b.group,
    });
  }
  if (c.bytes.length > scope.params.maxTxBytes) {
    throw new GongzhiError('TX_TOO_LARGE', 'transaction exceeds maxTxBytes', {
      size: c.bytes.length,
      max: scope.params.maxTxBytes,
    });
  }
  if (b.validUntil < scope.height) {
    throw new GongzhiError('TX_EXPIRED', 'validity window has passed', {
      validUntil: b.validUntil,
      height: scope.height,
    });
  }
  if (b.validUntil > scope.height - 1 + scope.params.maxValidityWindow) {
    throw new GongzhiError('TX_WINDOW_TOO_LONG', 'validUntil is too far ahead', {
      validUntil: b.validUntil,
      max: scope.height - 1 + scope.params.maxValidityWindow,
    });
  }
  if (nonces.has(c.sender, b.nonce)) {
    throw new GongzhiError('TX_NONCE_REPLAYED', 'nonce already used by this sender', { nonce: b.nonce });
  }
  if (!c.verified && opts.skipSignature !== true) {
    if (!scope.suite.verify(b.sender, c.hash, c.tx.sig)) {
      throw new GongzhiError('TX_BAD_SIGNATURE', 'signature does not verify');
    }
    c.verified = true;
  }
}
