import { createHash } from 'node:crypto';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { GongzhiError } from '../../errors/index.js';
import type { CandidateTx } from '../../execution/index.js';
import type { BatchSink, DropSink, OrderedSink, Orderer, OrderingHealth } from '../orderer.js';
import { BlockCutter, type CutBlock, type StreamPosition } from './block-cutter.js';
import {
  decodeStreamMessage,
  encodeStreamMessage,
  openStreamEnvelope,
  type StreamSeal,
  sealStreamMessage,
} from './messages.js';
import { DEFAULT_PUBLISH_BUDGET_MS, publishWithRetry } from './publish.js';
import { StreamReader } from './stream-reader.js';

export interface JetStreamOrdererOptions {
  readonly nc: NatsConnection;
  readonly group: string;
  readonly maxBlockTxs: () => number;
  readonly blockIntervalMs: () => number;
  /** Height of the next block to cut. */
  readonly nextHeight: number;
  /** Stream position of the last transaction already in a block ([0, 0] for none). */
  readonly resumeAfter: StreamPosition;
  /** Build a candidate from stream bytes; undefined (undecodable) is skipped by every node alike. */
  readonly toCandidate: (bytes: Uint8Array) => CandidateTx | undefined;
  /** Seal what this node publishes (its node id and signature over H(message)). */
  readonly seal: (message: Uint8Array) => StreamSeal;
  /**
   * Whether a seal is by a node registered in the group, checked against the state after the last
   * block (the same state on every node at this stream position). Unsealed or foreign messages are
   * skipped by every node: only member nodes can order transactions or cut blocks.
   */
  readonly isMemberSeal: (message: Uint8Array, seal: StreamSeal) => boolean;
  readonly logger: Logger;
  /**
   * How long a transaction pack is retried before its transactions are dropped (default
   * DEFAULT_PUBLISH_BUDGET_MS). Cut markers are retried for as long as their block is open.
   */
  readonly publishBudgetMs?: number;
  /**
   * Cut early when the group is quiet (default true; node config `cutWhenIdle: false` turns it off): the cut marker is posted as soon as the
   * stream has been silent for QUIET_MS after the open block's last message and `quietGapMs` has
   * passed since the last block closed — a lone transaction does not wait
   * the whole interval. Under steady load the stream is never quiet, and blocks close once per
   * interval as before (false: always wait the interval after the block opened). It was off by
   * default for one stop after a finality stall seen once with it on; that stall now repairs itself
   * (FinalityTracker's repair round takes a missing certificate from peers). Safe for
   * determinism: every node cuts at the marker's place in the stream, whoever posted it and whenever.
   */
  readonly cutWhenIdle?: boolean;
}

/** How often the orderer checks that an open block has a cut marker coming, and probes the stream. */
const CHECK_MS = 1000;
/**
 * Silence after a block's last stream message that counts as "nothing else is coming" (a burst's
 * messages are read well under a millisecond apart).
 */
const QUIET_MS = 3;
/**
 * The shortest gap between two blocks cut early: a quarter of the block interval, at most 50 ms —
 * enough for moderate load to batch, short enough that a lone transaction hardly waits.
 */
const quietGapMs = (intervalMs: number): number => Math.min(intervalMs / 4, 50);
const PROBE_EVERY = 2;

/** Stream and subject names of a group. */
export function streamNames(group: string): {
  stream: string;
  subject: string;
  sigStream: string;
  sigSubject: string;
} {
  const g = group.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return {
    stream: `GZ_${g}`,
    subject: `gz.${group}.ord`,
    sigStream: `GZS_${g}`,
    sigSubject: `gz.${group}.sig`,
  };
}

/** Stream settings shared by every node of a group. */
export interface StreamSettings {
  readonly replicas: number;
  readonly duplicateWindowMs: number;
  /** 0 keeps every message. */
  readonly maxAgeMs: number;
}

/** Create the group's ordering stream if it does not exist (every node asks for the same config). */
export async function ensureOrderingStream(
  nc: NatsConnection,
  group: string,
  s: StreamSettings,
): Promise<void> {
  const names = streamNames(group);
  await ensureStream(nc, {
    name: names.stream,
    subjects: [names.subject],
    num_replicas: s.replicas,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: s.duplicateWindowMs * 1_000_000,
    max_age: s.maxAgeMs * 1_000_000,
  });
}

/**
 * Create a stream unless it exists. Retries for up to `waitMs`: a cluster that just started
 * answers JetStream requests only once it has elected its meta leader.
 */
export async function ensureStream(
  nc: NatsConnection,
  cfg: Partial<StreamConfig> & { name: string },
  waitMs = 60_000,
): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    try {
      const jsm = await jetstreamManager(nc, { timeout: 5000 });
      try {
        await jsm.streams.info(cfg.name);
        return;
      } catch (e) {
        if (!(e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamNotFound)) throw e;
      }
      await jsm.streams.add(cfg);
      return;
    } catch (e) {
      if (Date.now() - t0 > waitMs) {
        throw new GongzhiError('ORDERING_UNAVAILABLE', `JetStream not available: ${(e as Error).message}`, {
          stream: cfg.name,
        });
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Transactions per published message: several per message is what makes JetStream fast. */
const PACK_TXS = 256;
const PACK_BYTES = 512 * 1024;

/**
 * Ordering by a replicated NATS JetStream stream (Fabric's Kafka-era design): every node publishes
 * the transactions it admitted, reads the same stream back and cuts blocks itself with
 * `BlockCutter`; a node whose block timer fires posts "cut N" (deduplicated by message id).
 */
export class JetStreamOrderer implements Orderer {
  private readonly js: JetStreamClient;
  private readonly names;
  private cutter: BlockCutter | undefined;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private timerHeight = 0;
  /** The early cut of a quiet group (see `cutWhenIdle`), re-armed by every stream message. */
  private quiet: NodeJS.Timeout | undefined;
  private reader: StreamReader | undefined;
  private onDrop: DropSink | undefined;
  private onOrdered: OrderedSink | undefined;
  private publishing = 0;
  /** The last message read left nothing pending in the stream: this node has seen everything. */
  private caughtUp = false;
  /** Height whose cut marker is being posted (retried until acknowledged or the block closes). */
  private cutPosting: number | undefined;
  private check: NodeJS.Timeout | undefined;
  private ticks = 0;
  /** Date.now() when the last block closed (0: none since start, so the first cut is not held). */
  private lastCloseAt = 0;
  private probing = false;
  private state: { reachable: boolean; lastOkAt: number | undefined; error?: string; leader?: string } = {
    reachable: true,
    lastOkAt: undefined,
  };

  constructor(private readonly opts: JetStreamOrdererOptions) {
    this.js = jetstream(opts.nc);
    this.names = streamNames(opts.group);
  }

  get pending(): number {
    return (this.cutter?.pending ?? 0) + this.publishing;
  }

  health(): OrderingHealth {
    const r = this.reader?.status();
    if (!r) return { ...this.state };
    return {
      ...this.state,
      reader: {
        nextSeq: r.next,
        caughtUp: this.caughtUp,
        idleMs: r.idleMs,
        ...(r.busyMs === undefined ? {} : { busyMs: r.busyMs }),
        openTxs: this.cutter?.pending ?? 0,
        publishing: this.publishing,
      },
    };
  }

  start(sink: BatchSink, lastTimestamp: number, onDrop?: DropSink, onOrdered?: OrderedSink): void {
    this.onDrop = onDrop;
    this.onOrdered = onOrdered;
    this.cutter = new BlockCutter(this.opts.nextHeight, lastTimestamp, this.opts.resumeAfter);
    this.check = setInterval(() => this.tick(), CHECK_MS);
    this.check.unref();
    void this.probe();
    void this.run(sink);
  }

  private async run(sink: BatchSink): Promise<void> {
    const cutter = this.cutter as BlockCutter;
    this.reader = new StreamReader(
      this.opts.nc,
      this.names.stream,
      this.opts.resumeAfter[0],
      this.opts.logger,
    );
    this.reader.start(async (m) => {
      const ts = m.timestampMs;
      this.caughtUp = m.pending === 0;
      let msg: ReturnType<typeof decodeStreamMessage>;
      const log = this.opts.logger;
      // Trace level: what each node read at each sequence, to compare nodes when blocks differ.
      const trace = log.isLevelEnabled('trace');
      try {
        const env = openStreamEnvelope(m.data);
        if (!this.opts.isMemberSeal(env.message, env.seal)) {
          if (trace) log.trace({ seq: m.seq, skipped: 'seal' }, 'stream message');
          return;
        }
        msg = decodeStreamMessage(env.message);
      } catch {
        if (trace) log.trace({ seq: m.seq, skipped: 'undecodable' }, 'stream message');
        return; // every node skips the same undecodable or foreign message
      }
      if (trace) {
        log.trace(
          {
            seq: m.seq,
            ts,
            kind: msg.kind,
            ...(msg.kind === 'cut' ? { height: msg.height } : { txs: msg.txs.length }),
            digest: createHash('sha256').update(m.data).digest('hex').slice(0, 12),
            open: cutter.height,
            pending: cutter.pending,
          },
          'stream message',
        );
      }
      if (msg.kind === 'cut') {
        const b = cutter.offerCut(msg.height, [m.seq, 0], ts);
        if (b) await this.deliver(sink, b);
      } else {
        for (let i = 0; i < msg.txs.length; i++) {
          const b = cutter.offerTx(msg.txs[i] as Uint8Array, [m.seq, i], ts, this.opts.maxBlockTxs());
          if (b) await this.deliver(sink, b);
        }
      }
      // Caught up with the stream and a block is open: arm the timer for its cut marker.
      if (cutter.pending > 0 && this.caughtUp) {
        this.arm(cutter.height);
        this.armQuiet(cutter.height);
      }
    });
  }

  /**
   * Once a second: a block that is open while this node has read the whole stream must get a cut
   * marker, whatever happened to the last attempt (it may have failed through a long NATS outage,
   * with no new message since to arm the timer again). Every other tick, probe the stream.
   */
  private tick(): void {
    if (this.stopping) return;
    const c = this.cutter;
    if (c && c.pending > 0 && this.caughtUp && !this.timer && this.cutPosting !== c.height) {
      this.arm(c.height);
    }
    if (++this.ticks % PROBE_EVERY === 0) void this.probe();
  }

  /** Ask the ordering stream for its info: reachable only while it has a leader (a quorum of servers). */
  private async probe(): Promise<void> {
    if (this.probing || this.stopping) return;
    this.probing = true;
    try {
      const jsm = await jetstreamManager(this.opts.nc, { timeout: 2000, checkAPI: false });
      const info = await jsm.streams.info(this.names.stream);
      const leader = info.cluster?.leader;
      // A server cut off from the others still answers stream info — with no leader in it (seen
      // with Debian's nats-server 2.9.10 after killing 2 of 3). No leader means nothing can be ordered.
      if (info.cluster && !leader)
        throw new Error('the ordering stream has no leader (quorum of servers lost)');
      this.state = { reachable: true, lastOkAt: Date.now(), ...(leader ? { leader } : {}) };
    } catch (e) {
      this.state = { reachable: false, lastOkAt: this.state.lastOkAt, error: (e as Error).message };
    } finally {
      this.probing = false;
    }
  }

  private async deliver(sink: BatchSink, b: CutBlock): Promise<void> {
    if (this.timer && this.timerHeight <= b.height) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.quiet) clearTimeout(this.quiet);
    this.quiet = undefined;
    this.lastCloseAt = Date.now();
    const txs: CandidateTx[] = [];
    for (const e of b.entries) {
      const c = this.opts.toCandidate(e.bytes);
      if (c) txs.push(c);
    }
    await sink({ txs, timestamp: b.timestamp, order: { from: [...b.from], to: [...b.to] } });
  }

  private arm(height: number): void {
    if (this.timer && this.timerHeight === height) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerHeight = height;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.postCut(height);
    }, this.opts.blockIntervalMs());
  }

  /**
   * A quiet group's early cut: QUIET_MS after this message, unless another arrives first, and no
   * sooner than `quietGapMs` after the last block closed (so moderate load still batches).
   */
  private armQuiet(height: number): void {
    if (this.opts.cutWhenIdle === false) return;
    if (this.quiet) clearTimeout(this.quiet);
    const gap = quietGapMs(this.opts.blockIntervalMs());
    const delay = Math.max(QUIET_MS, this.lastCloseAt + gap - Date.now());
    this.quiet = setTimeout(() => {
      this.quiet = undefined;
      this.postCut(height);
    }, delay);
  }

  /** Whether block `height` is still open (not cut yet, and holding transactions). */
  private isOpen(height: number): boolean {
    return !this.stopping && this.cutter?.height === height && this.cutter.pending > 0;
  }

  /**
   * Post "cut height" and retry it for as long as that block is open: an open block must never be
   * left uncut because the ordering service was away longer than a retry budget. Every node may
   * post it; the message id makes JetStream keep one, and the cutter ignores stale ones.
   */
  private postCut(height: number): void {
    if (!this.isOpen(height) || this.cutPosting === height) return;
    this.cutPosting = height;
    const log = this.opts.logger;
    this.publish(
      encodeStreamMessage({ kind: 'cut', height }),
      `cut-${this.opts.group}-${height}`,
      () => !this.isOpen(height),
      Number.POSITIVE_INFINITY,
      (err, attempt) => {
        if (attempt === 1 || attempt % 20 === 0)
          log.warn(
            { err, height, attempt },
            'cut marker not acknowledged yet; retrying while the block is open',
          );
      },
    )
      .catch(() => undefined) // the block closed (or the node stops): nothing left to post
      .finally(() => {
        if (this.cutPosting === height) this.cutPosting = undefined;
      });
  }

  submit(txs: readonly CandidateTx[]): void {
    let pack: CandidateTx[] = [];
    let size = 0;
    const flush = () => {
      if (pack.length === 0) return;
      const batch = pack;
      pack = [];
      size = 0;
      const id = createHash('sha256');
      for (const c of batch) id.update(c.hash);
      this.publishing += batch.length;
      this.publish(
        encodeStreamMessage({ kind: 'txs', txs: batch.map((c) => c.bytes) }),
        `txs-${id.digest('hex')}`,
        () => this.stopping,
        this.opts.publishBudgetMs ?? DEFAULT_PUBLISH_BUDGET_MS,
      )
        .then(() => this.onOrdered?.(batch))
        .catch((e: unknown) => {
          this.opts.logger.warn({ err: e, txs: batch.length }, 'could not publish transactions');
          this.onDrop?.(
            batch,
            new GongzhiError(
              'ORDERING_UNAVAILABLE',
              'the ordering service did not acknowledge the transaction in time; resubmit the same signed transaction',
            ),
          );
        })
        .finally(() => {
          this.publishing -= batch.length;
        });
    };
    for (const c of txs) {
      if (pack.length >= PACK_TXS || size + c.bytes.length > PACK_BYTES) flush();
      pack.push(c);
      size += c.bytes.length;
    }
    flush();
  }

  private async publish(
    message: Uint8Array,
    msgID: string,
    stopped: () => boolean,
    budgetMs: number,
    onFail?: (e: unknown, attempt: number) => void,
  ): Promise<void> {
    const data = sealStreamMessage(message, this.opts.seal(message));
    await publishWithRetry(this.js, this.names.subject, data, msgID, stopped, budgetMs, onFail);
    this.state = { ...this.state, reachable: true, lastOkAt: Date.now() };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.quiet) clearTimeout(this.quiet);
    this.quiet = undefined;
    if (this.check) clearInterval(this.check);
    this.check = undefined;
    await this.reader?.stop();
  }
}
