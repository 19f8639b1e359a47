/**
 * Server-Sent Events of committed blocks: replay from a height, then live blocks.
 *
 * A commit costs the streams one array push: the group's one feed (per group, shared by every
 * subscriber) builds each block's message once, on a later turn of the event loop, and hands the
 * same bytes to every subscriber. A subscriber that does not read is dropped once more than
 * `queueBytes` of output wait for it — live, in its socket's buffer; during replay, in its queue of
 * live blocks — so it costs at most that much (and one message) and never slows a commit. A dropped client resumes with
 * Last-Event-ID.
 */
import type { ServerResponse } from 'node:http';
import type { BlockEvent, GroupLedger } from '../node/group-ledger.js';
import { type BlockEventView, blockEventView } from '../wire/index.js';
import { storedBlockEventView } from './ledger-views.js';

const HEARTBEAT_MS = 15_000;

export interface SseStream {
  /** End the stream (server shutting down). */
  end(): void;
}

export interface StreamOptions {
  /** Output that may wait for this subscriber (socket buffer, or replay queue) before it is dropped. */
  readonly queueBytes: number;
}

function message(e: BlockEventView): Buffer {
  return Buffer.from(`id: ${e.height}\nevent: block\ndata: ${JSON.stringify(e)}\n\n`);
}

/** One subscriber as its group's feed sees it. */
interface Subscriber {
  deliver(height: number, msg: Buffer): void;
}

/** The blocks of one group, turned into messages once for all its subscribers. */
class BlockFeed {
  private readonly subs = new Set<Subscriber>();
  private pending: BlockEvent[] = [];
  private scheduled = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly g: GroupLedger,
    private readonly onEmpty: () => void,
  ) {}

  add(s: Subscriber): void {
    this.subs.add(s);
    this.unsubscribe ??= this.g.onBlock((ev) => this.onBlock(ev));
  }

  remove(s: Subscriber): void {
    this.subs.delete(s);
    if (this.subs.size > 0) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.pending = [];
    this.onEmpty();
  }

  /** On the commit path: remember the block, nothing more. */
  private onBlock(ev: BlockEvent): void {
    this.pending.push(ev);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const evs = this.pending;
    this.pending = [];
    for (const ev of evs) {
      if (this.subs.size === 0) return;
      const msg = message(blockEventView(ev.hash, ev.header, ev.receipts));
      for (const s of [...this.subs]) s.deliver(ev.height, msg);
    }
  }
}

const feeds = new WeakMap<GroupLedger, BlockFeed>();

function feedOf(g: GroupLedger): BlockFeed {
  let f = feeds.get(g);
  if (!f) {
    f = new BlockFeed(g, () => feeds.delete(g));
    feeds.set(g, f);
  }
  return f;
}

/** Resolves when `res` can take more output (true) or is gone (false). */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/**
 * Stream blocks of `g` from height `from` on `res` (headers not yet written). The subscription
 * ends as soon as the client disconnects, is dropped for not reading, or `end` is called.
 */
export function streamBlocks(
  g: GroupLedger,
  from: number,
  res: ServerResponse,
  onEnd: () => void,
  opts: StreamOptions,
): SseStream {
  let closed = false;
  let live = false;
  let next = from;
  /** Live blocks that arrived during replay, and their size. */
  let queued: { height: number; msg: Buffer }[] = [];
  let queuedBytes = 0;

  const drop = () => {
    res.destroy();
    cleanup();
  };

  const write = (height: number, msg: Buffer): boolean => {
    if (closed || height < next) return true;
    // Output still unread beyond the bound: the client does not keep up (one message may exceed it).
    if (res.writableLength > opts.queueBytes) {
      drop();
      return false;
    }
    next = height + 1;
    return res.write(msg);
  };

  const sub: Subscriber = {
    deliver(height, msg) {
      if (closed) return;
      if (live) {
        write(height, msg);
        return;
      }
      if (queuedBytes > opts.queueBytes) {
        drop();
        return;
      }
      queuedBytes += msg.length;
      queued.push({ height, msg });
    },
  };
  const feed = feedOf(g);
  feed.add(sub);
  const heartbeat = setInterval(() => {
    if (!closed) res.write(': ping\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  function cleanup() {
    if (closed) return;
    closed = true;
    feed.remove(sub);
    clearInterval(heartbeat);
    queued = [];
    onEnd();
  }
  res.on('close', cleanup);
  res.on('error', cleanup);

  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 1000\n\n');

  void (async () => {
    try {
      // Replay what is stored, as fast as the client reads; blocks committed meanwhile are queued.
      while (!closed && next <= g.latest.height) {
        const b = g.store.blockByHeight(next);
        if (!b) break;
        if (!write(b.height, message(storedBlockEventView(g, b)))) {
          if (!(await drained(res))) return;
        } else {
          // The socket took it at once: still give other work (commits, other streams) a turn.
          await new Promise((r) => setImmediate(r));
        }
      }
      if (closed) return;
      for (const e of queued) write(e.height, e.msg);
      queued = [];
      queuedBytes = 0;
      live = true;
    } catch {
      drop();
    }
  })();

  return {
    end() {
      if (!closed) res.end();
      cleanup();
    },
  };
}
