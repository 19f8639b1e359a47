import type { GongzhiError } from '../errors/index.js';
import type { CandidateTx } from '../execution/index.js';
import type { CborMap } from '../ledger/index.js';

/** What the orderer decided for one block: which transactions, in which order, with which timestamp. */
export interface OrderedBatch {
  readonly txs: readonly CandidateTx[];
  /** ms since epoch; strictly greater than the previous block's. */
  readonly timestamp: number;
  /** Orderer metadata copied into the header (e.g. stream positions). */
  readonly order: CborMap;
}

/** Consumer of ordered batches; the orderer awaits it before delivering the next one. */
export type BatchSink = (batch: OrderedBatch) => Promise<void> | void;

/** Told about admitted transactions the orderer could not order (e.g. the ordering service is down). */
export type DropSink = (txs: readonly CandidateTx[], error: GongzhiError) => void;

/**
 * Told about admitted transactions the ordering service has taken (JetStream acknowledged them):
 * they are in the ordered stream and will be cut into a block on every node.
 */
export type OrderedSink = (txs: readonly CandidateTx[]) => void;

/** What the orderer knows of the ordering service's health. */
export interface OrderingHealth {
  /** Whether the ordering service answered its last check (or its last publish). */
  readonly reachable: boolean;
  /** Date.now() of its last good answer; undefined before the first. */
  readonly lastOkAt: number | undefined;
  /** The last error when unreachable. */
  readonly error?: string;
  /** The server leading the ordering stream, when the service says (JetStream cluster metadata). */
  readonly leader?: string;
  /** Where this node's reading of the ordered stream stands (stream orderers only). */
  readonly reader?: ReaderStatus;
}

/** This node's side of a stream orderer: what it has read, holds and is still publishing. */
export interface ReaderStatus {
  /** The next stream sequence this node will read. */
  readonly nextSeq: number;
  /** The last message read had nothing after it in the stream. */
  readonly caughtUp: boolean;
  /** ms since the reader last handled a message. */
  readonly idleMs: number;
  /** ms the message in hand has been handled for (a block executing), when one is. */
  readonly busyMs?: number;
  /** Transactions read into the block not yet cut. */
  readonly openTxs: number;
  /** Transactions being published, not yet acknowledged by the stream. */
  readonly publishing: number;
}

/**
 * Ordering is a replaceable component: the node hands it admitted transactions and receives
 * ordered batches back. Execution never depends on which orderer runs.
 */
export interface Orderer {
  /** Start delivering batches to `sink`, after the block with timestamp `lastTimestamp`. */
  start(sink: BatchSink, lastTimestamp: number, onDrop?: DropSink, onOrdered?: OrderedSink): void;
  /** Queue admitted transactions for ordering. */
  submit(txs: readonly CandidateTx[]): void;
  /** Transactions accepted but not yet delivered. */
  readonly pending: number;
  /** The ordering service's health (absent: treated as reachable, e.g. in process). */
  health?(): OrderingHealth;
  /** Deliver what is queued, wait for the batch in flight, then stop. */
  stop(): Promise<void>;
}

/**
 * Wait for `p`, but at most `ms`: true when it settled in time (a rejection counts, and is
 * swallowed), false when the wait was cut. Every close() waits through this, so a stop that hangs
 * (a NATS request to a dead cluster, a handler that never returns) cannot hold a shutdown forever.
 */
export async function settleWithin(p: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (!p) return true;
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      p.then(
        () => true,
        () => true,
      ),
      cut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
