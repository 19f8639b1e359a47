/**
 * Server-Sent Events of committed blocks: replay from a height, then live blocks.
 */
import type { ServerResponse } from 'node:http';
import type { GroupLedger } from '../node/group-ledger.js';
import { type BlockEventView, blockEventView } from '../wire/index.js';
import { storedBlockEventView } from './ledger-views.js';

/** A client is dropped when this much output is queued for it (it does not read fast enough). */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

export interface SseStream {
  /** End the stream (server shutting down). */
  end(): void;
}

function message(e: BlockEventView): string {
  return `id: ${e.height}\nevent: block\ndata: ${JSON.stringify(e)}\n\n`;
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
 * Stream blocks of `g` from height `from` on `res` (headers not yet written). The block
 * listener is removed as soon as the client disconnects or `end` is called.
 */
export function streamBlocks(
  g: GroupLedger,
  from: number,
  res: ServerResponse,
  onEnd: () => void,
): SseStream {
  let closed = false;
  let live = false;
  let next = from;
  const queued: BlockEventView[] = [];

  const write = (e: BlockEventView): boolean => {
    if (closed || e.height < next) return true;
    next = e.height + 1;
    const ok = res.write(message(e));
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      res.destroy();
      return false;
    }
    return ok;
  };

  const unsubscribe = g.onBlock((ev) => {
    if (closed) return;
    const view = blockEventView(ev.hash, ev.header, ev.receipts);
    if (live) write(view);
    else queued.push(view);
  });
  const heartbeat = setInterval(() => {
    if (!closed) res.write(': ping\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const cleanup = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
    queued.length = 0;
    onEnd();
  };
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
      // Replay what is stored; blocks committed meanwhile are queued by the listener.
      while (!closed && next <= g.latest.height) {
        const b = g.store.blockByHeight(next);
        if (!b) break;
        if (!write(storedBlockEventView(g, b)) && !(await drained(res))) return;
      }
      if (closed) return;
      for (const e of queued) write(e);
      queued.length = 0;
      live = true;
    } catch {
      res.destroy();
    }
  })();

  return {
    end() {
      if (!closed) res.end();
      cleanup();
    },
  };
}
