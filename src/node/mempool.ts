import type { GongzhiError } from '../errors/index.js';
import type { AdmissionScope, CandidateTx, DroppedTx } from '../execution/index.js';

/** Outcome of admitting one encoded transaction: its hash, or why it was refused. */
export type AdmitResult =
  | { readonly hash: string }
  | { readonly hash?: string; readonly error: GongzhiError };

/** An admitted transaction waiting to be committed. */
export interface PendingTx {
  /** Lower-case hex of the transaction hash (the key everywhere in the node). */
  readonly hex: string;
  /** Decoded, signature-verified candidate, handed to the orderer as is. */
  readonly candidate: CandidateTx;
  /** process.hrtime of admission, for the commit-latency metric. */
  readonly admittedAt: bigint;
  /** Set once the ordering service acknowledged it: it is in the ordered stream and will be cut into a block. */
  ordered?: boolean;
}

/** A pending transaction that left the pool without being committed, and why. */
export interface RemovedTx {
  readonly tx: PendingTx;
  readonly error: GongzhiError;
}

/** What `update` took out of the pool after a block commit. */
export interface MempoolUpdate {
  /** Pending transactions the block included (remote ones the pool never held are not listed). */
  readonly included: readonly PendingTx[];
  /** Pending transactions the block builder dropped, or that can no longer enter any block. */
  readonly removed: readonly RemovedTx[];
}

/**
 * The node's pending transactions between admission and commit (the seam cometbft calls the mempool).
 * Admission runs every check that does not need the block (chain, group, size, window, nonce,
 * duplicate, signature), so the orderer only ever sees transactions that may still commit; the block
 * builder checks them again, deterministically, since other nodes' transactions did not pass here.
 */
export interface Mempool {
  /** Number of pending transactions (admitted, neither committed nor dropped yet). */
  readonly size: number;
  /**
   * Check and admit encoded transactions, one result per input in the same order. A refused
   * transaction leaves no trace (size, nonces and reap queue unchanged). `scope.height` is the height
   * of the next block.
   */
  admit(encoded: readonly Uint8Array[], scope: AdmissionScope): Promise<AdmitResult[]>;
  /**
   * Take up to `max` admitted transactions not yet reaped, in admission order, for the orderer. They
   * stay pending (and keep their nonce) until `update` or `remove` takes them out.
   */
  reap(max?: number): CandidateTx[];
  /**
   * After block `height` is committed: take out what it included and dropped, then expire what can
   * no longer enter a block (validUntil below the next height).
   */
  update(height: number, included: readonly CandidateTx[], dropped: readonly DroppedTx[]): MempoolUpdate;
  /** Take transactions out without a block (the orderer could not order them, the group halted). */
  remove(hashes: readonly string[]): PendingTx[];
  /** The pending transaction admitted longest ago, if any. */
  oldest?(): PendingTx | undefined;
  /** The pending transaction with this hash, if any. */
  get(hashHex: string): PendingTx | undefined;
  has(hashHex: string): boolean;
  /** Refuse every admission from now on (NODE_SHUTTING_DOWN), including those verifying now. */
  close(): void;
}
