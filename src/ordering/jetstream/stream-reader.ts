import { DeliverPolicy, type JsMsg, jetstream, jetstreamManager, type StoredMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { settleWithin } from '../orderer.js';

/** One stream message as the reader hands it on, whether a consumer delivered it or it was fetched. */
export interface StreamRecord {
  readonly seq: number;
  readonly data: Uint8Array;
  /** The stream's timestamp of the message, ms (the same number on every node and either path). */
  readonly timestampMs: number;
  /** Messages after this one in the stream when it was read (0 for a fetched one). */
  readonly pending: number;
}

/** Handles one message; the reader waits for it before taking the next. */
export type MessageHandler = (m: StreamRecord) => Promise<void> | void;

/** A consumer's message; its timestamp is the nanosecond number of the ack subject, in ms. */
function delivered(m: JsMsg): StreamRecord {
  return {
    seq: m.seq,
    data: m.data,
    timestampMs: Number(m.info.timestampNanos / 1_000_000),
    pending: m.info.pending,
  };
}

/**
 * A message fetched by sequence. Its time is RFC 3339 with up to 9 fraction digits (UTC); the ms
 * are computed as for a delivered one — the nanoseconds as the nearest double, divided by 10^6 —
 * so a block closed by either has the same timestamp on every node.
 */
export function fetched(m: Pick<StoredMsg, 'seq' | 'data' | 'timestamp'>): StreamRecord {
  const t = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(m.timestamp);
  const whole = t?.[1] === undefined ? Number.NaN : Date.parse(`${t[1]}Z`);
  if (!t || !Number.isSafeInteger(whole)) throw new Error(`unexpected stream time ${m.timestamp}`);
  const nanos = BigInt(whole) * 1_000_000n + BigInt((t[2] ?? '').padEnd(9, '0'));
  return { seq: m.seq, data: m.data, timestampMs: Number(nanos) / 1_000_000, pending: 0 };
}

/**
 * Reads a stream in order from `startSeq`, forever, surviving server failures: ordered consumers
 * are single-replica, so when the server holding one dies (heartbeats stop) or creating one times
 * out while a server is down, the reader recreates it from the next unprocessed sequence.
 */
/** Longest wait for the read loop on stop. */
const STOP_WAIT_MS = 5000;

export class StreamReader {
  private stopping = false;
  private messages: { stop(): void } | undefined;
  private loop: Promise<void> | undefined;
  private handling = false;
  /** Messages handled since start (a gap before the first one is retention, not a skip). */
  private handled = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly stream: string,
    private nextSeq: number,
    private readonly logger: Logger,
  ) {}

  private lastProgress = Date.now();
  private watchdog: NodeJS.Timeout | undefined;
  private checking = false;
  /** Date.now() when the message in hand was taken. */
  private handlingSince = 0;
  private handle: MessageHandler | undefined;
  /** The tail of the work done one piece at a time (consumer deliveries, the watchdog's reads). */
  private queue: Promise<void> = Promise.resolve();

  /** Start reading; `handle` is awaited for each message in order. */
  start(handle: MessageHandler): void {
    this.handle = handle;
    this.loop = this.run(handle);
    this.watchdog = setInterval(() => void this.checkStalled(), 2000);
    this.watchdog.unref();
  }

  /**
   * Last line of defence: if nothing arrived for a while but the stream holds messages we have not
   * read, the consumer is stuck (seen: a consumer that stopped delivering after a NATS majority
   * loss, for good, while requests to the same servers were answered). Read those messages by
   * sequence — a plain request, which works whenever the stream answers at all — and replace the
   * consumer. Progress then never depends on one consumer's health.
   */
  private async checkStalled(): Promise<void> {
    if (this.stopping || this.handling || this.checking || Date.now() - this.lastProgress < 6000) return;
    this.checking = true;
    try {
      const info = await (await jetstreamManager(this.nc, { timeout: 2000, checkAPI: false })).streams.info(
        this.stream,
      );
      const last = info.state.last_seq;
      if (last >= this.nextSeq && !this.stopping && this.handle) {
        this.logger.warn(
          { stream: this.stream, next: this.nextSeq, last },
          'stream consumer stalled; reading the messages by sequence and recreating it',
        );
        const handle = this.handle;
        await this.serially(() => this.fill(handle, last + 1));
        this.lastProgress = Date.now();
        this.messages?.stop();
      }
    } catch {
      // cluster unavailable: try again at the next tick
    } finally {
      this.checking = false;
    }
  }

  /** Run `fn` after whatever the reader is handling: the consumer loop and the watchdog never interleave. */
  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async run(handle: MessageHandler): Promise<void> {
    const js = jetstream(this.nc);
    let failures = 0;
    while (!this.stopping) {
      try {
        const consumer = await js.consumers.get(this.stream, {
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: Math.max(1, this.nextSeq),
        });
        // Short pulls: a consumer whose server died is noticed within seconds, not the default 30 s.
        // (1 s heartbeats noticed it in ~2 s, but a fork was seen twice with them under load, cause
        // not found; the default heartbeat is back until it is.)
        const messages = await consumer.consume({ expires: 5000 });
        this.messages = messages;
        void this.watch(messages);
        for await (const m of messages) {
          if (this.stopping) break;
          if (!(await this.serially(() => this.take(handle, m)))) break;
        }
        failures = 0;
      } catch (e) {
        if (this.stopping) return;
        // Every 250 ms while the cluster is away: the first failure and every 40th are enough to log.
        if (failures++ % 40 === 0)
          this.logger.warn({ err: e, stream: this.stream, failures }, 'stream consumer failed; recreating');
      }
      if (!this.stopping) await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The next sequence to read, ms since the last message was handled, and ms the one in hand has taken. */
  status(now = Date.now()): { next: number; idleMs: number; busyMs?: number } {
    return {
      next: this.nextSeq,
      idleMs: Math.max(0, now - this.lastProgress),
      ...(this.handling ? { busyMs: Math.max(0, now - this.handlingSince) } : {}),
    };
  }

  /** One delivered message, in order; false when the consumer must be replaced (a hole not filled). */
  private async take(handle: MessageHandler, m: JsMsg): Promise<boolean> {
    // Sequences only grow: one at or below what was handled is a redelivery (a consumer reset
    // racing this one, or a message the watchdog already read by sequence) and must not be handled
    // twice — the cutter would count it again.
    if (m.seq < this.nextSeq) {
      this.logger.debug(
        { stream: this.stream, seq: m.seq, next: this.nextSeq },
        'skipped a message already read',
      );
      return true;
    }
    if (m.seq > this.nextSeq && this.handled > 0) {
      // Messages leave these streams only from the front (age limits): a hole after what this
      // node read means its consumer skipped messages (seen once as a fork after a NATS server
      // was SIGKILLed and restarted). Read them by sequence from the stream before going on;
      // if that fails, start a new consumer from the first missing one.
      this.logger.warn({ stream: this.stream, seq: m.seq, next: this.nextSeq }, 'stream sequence gap');
      if (!(await this.fill(handle, m.seq))) return false;
    }
    await this.handleOne(handle, delivered(m));
    return true;
  }

  private async handleOne(handle: MessageHandler, m: StreamRecord): Promise<void> {
    this.handled++;
    this.handling = true;
    this.handlingSince = Date.now();
    try {
      await handle(m);
    } finally {
      this.handling = false;
    }
    this.nextSeq = m.seq + 1;
    this.lastProgress = Date.now();
  }

  /** Fetch and handle the messages from nextSeq up to (not including) `until`; false if one could not be read. */
  private async fill(handle: MessageHandler, until: number): Promise<boolean> {
    try {
      const jsm = await jetstreamManager(this.nc, { timeout: 5000, checkAPI: false });
      for (let seq = this.nextSeq; seq < until && !this.stopping; seq++) {
        const sm = await jsm.streams.getMessage(this.stream, { seq });
        if (!sm) {
          // Gone from the stream (deleted, or aged out before this node read it): no node can read
          // it any more, so go on as before; if this node's blocks differ for it, finality halts it.
          this.logger.error(
            { stream: this.stream, seq },
            'a message this node had not read is gone from the stream; going on without it',
          );
          continue;
        }
        await this.handleOne(handle, fetched(sm));
      }
      return !this.stopping;
    } catch (e) {
      this.logger.warn(
        { err: e, stream: this.stream, next: this.nextSeq },
        'could not read the skipped messages; recreating the consumer',
      );
      return false;
    }
  }

  private async watch(messages: { status(): AsyncIterable<{ type: string; count?: number }>; stop(): void }) {
    try {
      for await (const s of messages.status()) {
        const lost =
          (s.type === 'heartbeats_missed' && (s.count ?? 0) >= 2) ||
          s.type === 'consumer_not_found' ||
          s.type === 'consumer_deleted' ||
          s.type === 'stream_not_found';
        if (lost && !this.stopping) {
          this.logger.warn({ status: s.type, stream: this.stream }, 'stream consumer lost; recreating');
          messages.stop();
          return;
        }
      }
    } catch {
      // the status iterator ends with the consumer
    }
  }

  /**
   * Stop reading; resolves once the message being handled is done, or after STOP_WAIT_MS if the
   * loop is stuck (a consumer request to an unreachable cluster): the reader stops either way.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.messages?.stop();
    if (!(await settleWithin(this.loop, STOP_WAIT_MS))) {
      this.logger.warn({ stream: this.stream, waitedMs: STOP_WAIT_MS }, 'stream reader did not stop in time');
    }
  }
}
