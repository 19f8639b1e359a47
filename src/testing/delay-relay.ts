/**
 * A delaying TCP relay, for tests and benchmarks that need latency between two sites on a kernel
 * without the netem qdisc (issue 18, item 6). Each rule listens on one address and forwards every
 * connection to one target; every chunk crossing it, in either direction, is written on
 * `delayMs` after it arrived (order kept), so a rule adds `delayMs` one way and twice that to a
 * round trip. No bandwidth limit, no loss.
 *
 * Run as a process (`node delay-relay.js <rules.json>`, e.g. under `ip netns exec`) it serves the
 * rules in that file until its stdin closes — so it ends with the process that started it, even
 * when that one is SIGKILLed.
 */
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface RelayRule {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly targetHost: string;
  readonly targetPort: number;
  /** One-way delay added to every byte, ms (0: a plain relay). */
  readonly delayMs: number;
}

export interface Relay {
  /** Connections accepted so far, per rule (same order as the rules). */
  readonly accepted: readonly number[];
  close(): Promise<void>;
}

/** Bytes queued in one direction before its source is paused (resumed once drained). */
const HIGH_WATER = 4 * 1024 * 1024;

/** Copy `from` → `to`, each chunk delayed by `delayMs`; half-close and errors carried over. */
function pipeDelayed(from: Socket, to: Socket, delayMs: number): void {
  if (delayMs === 0) {
    from.pipe(to); // ends `to` when `from` ends
    from.on('error', () => to.destroy());
    return;
  }
  // One FIFO and one timer per direction: separate timers could fire out of order, and TCP
  // bytes must not.
  const fifo: { due: number; act: () => void }[] = [];
  let queued = 0;
  let armed = false;
  const flush = () => {
    const now = Date.now();
    while (fifo.length > 0 && (fifo[0]?.due ?? 0) <= now) fifo.shift()?.act();
    const next = fifo[0];
    armed = next !== undefined;
    if (next !== undefined) setTimeout(flush, Math.max(0, next.due - now));
  };
  const later = (act: () => void) => {
    fifo.push({ due: Date.now() + delayMs, act });
    if (!armed) {
      armed = true;
      setTimeout(flush, delayMs);
    }
  };
  from.on('data', (chunk: Buffer) => {
    queued += chunk.length;
    if (queued > HIGH_WATER) from.pause();
    later(() => {
      queued -= chunk.length;
      if (!to.destroyed && !to.writableEnded) to.write(chunk);
      if (queued <= HIGH_WATER && from.isPaused()) from.resume();
    });
  });
  from.on('end', () => later(() => to.end()));
  from.on('error', () => later(() => to.destroy()));
}

/** Start relaying; resolves once every rule listens. */
export async function startRelay(rules: readonly RelayRule[]): Promise<Relay> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const accepted = rules.map(() => 0);
  const keep = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  try {
    for (const [i, r] of rules.entries()) {
      // Half-open both ways: a side that has sent everything still receives the answer.
      const server = createServer({ allowHalfOpen: true }, (client) => {
        accepted[i] = (accepted[i] ?? 0) + 1;
        keep(client);
        client.setNoDelay(true);
        const upstream = connect({ host: r.targetHost, port: r.targetPort, allowHalfOpen: true });
        keep(upstream);
        upstream.setNoDelay(true);
        // Bytes the client sends before the upstream connects are queued by the socket itself.
        pipeDelayed(client, upstream, r.delayMs);
        pipeDelayed(upstream, client, r.delayMs);
      });
      servers.push(server);
      await new Promise<void>((ok, fail) => {
        server.once('error', fail);
        server.listen(r.listenPort, r.listenHost, () => ok());
      });
    }
  } catch (e) {
    for (const s of servers) s.close();
    throw e;
  }
  return {
    accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}

/** `node delay-relay.js <rules.json>`: relay until stdin closes. */
async function main(file: string): Promise<void> {
  const relay = await startRelay(JSON.parse(readFileSync(file, 'utf8')) as RelayRule[]);
  process.stdout.write('relay ready\n');
  const stop = () => {
    void relay.close().finally(() => process.exit(0));
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] !== undefined) {
  main(process.argv[2]).catch((e: Error) => {
    process.stderr.write(`delay-relay: ${e.message}\n`);
    process.exit(1);
  });
}
