/** Position of one transaction in the stream: message sequence and index inside its pack. */
export type StreamPosition = readonly [seq: number, idx: number];

/** A transaction taken from the stream. */
export interface StreamEntry {
  readonly bytes: Uint8Array;
  readonly pos: StreamPosition;
}

/** A block's worth of stream entries, with the deterministic timestamp and position range. */
export interface CutBlock {
  readonly height: number;
  readonly entries: readonly StreamEntry[];
  readonly timestamp: number;
  readonly from: StreamPosition;
  readonly to: StreamPosition;
}

/** Compare stream positions. */
export function comparePos(a: StreamPosition, b: StreamPosition): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

/**
 * Kafka-era Fabric block cutting, as a pure state machine every node runs over the same stream:
 * a block closes when it holds `maxBlockTxs` transactions, or at a "cut N" marker when N is the next
 * height (any other marker is ignored). The timestamp is the closing message's stream timestamp,
 * forced strictly above the previous block's. Same stream in, same blocks out, on every node.
 */
export class BlockCutter {
  private current: StreamEntry[] = [];

  constructor(
    private nextHeight: number,
    private lastTimestamp: number,
    /** Entries at or before this position were already cut into blocks (resume after restart). */
    private readonly resumeAfter: StreamPosition,
  ) {}

  get height(): number {
    return this.nextHeight;
  }

  get pending(): number {
    return this.current.length;
  }

  /** Offer one transaction; returns the block it closes, if any. `maxBlockTxs` is read per call. */
  offerTx(
    bytes: Uint8Array,
    pos: StreamPosition,
    timestampMs: number,
    maxBlockTxs: number,
  ): CutBlock | undefined {
    if (comparePos(pos, this.resumeAfter) <= 0) return undefined;
    this.current.push({ bytes, pos });
    return this.current.length >= maxBlockTxs ? this.close(timestampMs) : undefined;
  }

  /** Offer a cut marker; closes the current block only if it names the next height and the block is not empty. */
  offerCut(height: number, pos: StreamPosition, timestampMs: number): CutBlock | undefined {
    if (comparePos(pos, this.resumeAfter) <= 0) return undefined;
    if (height !== this.nextHeight || this.current.length === 0) return undefined;
    return this.close(timestampMs);
  }

  private close(timestampMs: number): CutBlock {
    const entries = this.current;
    this.current = [];
    const timestamp = Math.max(Math.floor(timestampMs), this.lastTimestamp + 1);
    this.lastTimestamp = timestamp;
    const block: CutBlock = {
      height: this.nextHeight,
      entries,
      timestamp,
      from: (entries[0] as StreamEntry).pos,
      to: (entries[entries.length - 1] as StreamEntry).pos,
    };
    this.nextHeight++;
    return block;
  }
}
