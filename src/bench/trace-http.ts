import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { pino } from 'pino';
import { type RunningServer, startServer } from '../api/index.js';
import { getSuite } from '../crypto/index.js';
import { toHex } from '../encoding/index.js';
import { DEFAULT_PARAMS, type Genesis } from '../ledger/index.js';
import { DEFAULT_PERMISSIONS, GongzhiNode } from '../node/index.js';
import { isStaleSocketError } from '../sdk/stale-socket.js';
import { TRACE_BENCH_LEDGER } from './trace-bench-chain.js';

/** The two answers of the resolver route: JSON for an API client, the consumer page for a browser. */
export type TraceAnswerKind = 'json' | 'html';

const ACCEPT: Readonly<Record<TraceAnswerKind, string>> = { json: 'application/json', html: 'text/html' };

/**
 * A real GongzhiNode and its real API server (startServer: every route plugin, the hooks, the
 * error handler; the rate limit off) over the trace benchmark's data directory, for timing the
 * Digital Link resolver route over a socket.
 *
 * Why it is started first, on the empty directory: the bench's ledger (TraceBenchChain, a
 * StoreChain) has no genesis block — its blocks start at height 1 under a synthetic head — and its
 * bulk-loaded events have no blocks at all. A node opening such a file afterwards would write its
 * genesis block and state *under* blocks already there (and move the file's recorded head back to
 * 0). Started first, the node writes its genesis at height 0 of `dir/main.sqlite`, and the bench
 * then opens the same file (a second SQLite connection, WAL) and writes the season and the filler
 * events on top, as before. The node's in-memory head stays at its genesis (it committed none of
 * those blocks), which the resolver does not read: every answer reads committed state from SQLite,
 * the node's connection seeing the bench's writes as any reader does. The node's trace routes open
 * the document store at `dir/trace-events.sqlite` (TRACE_DOCUMENTS_FILE), the bench's store. Nothing is ever submitted
 * to this node; resolutions are asked with `?scan=0`, so none writes.
 */
export class TraceHttpNode {
  /**
   * Sockets that carried a request (a keep-alive client uses one, and a new one after the server
   * closed it idle; a socket the client opened and never used is not counted).
   */
  connections = 0;

  private constructor(
    private readonly node: GongzhiNode,
    private readonly server: RunningServer,
  ) {
    const seen = new WeakSet<Socket>();
    server.app.server.on('request', (req: IncomingMessage) => {
      if (seen.has(req.socket)) return;
      seen.add(req.socket);
      this.connections++;
    });
  }

  static async start(dir: string): Promise<TraceHttpNode> {
    const suite = getSuite('ed25519');
    const nodeKey = suite.generateKeyPair();
    const admin = suite.generateKeyPair();
    const genesis: Genesis = {
      chain: TRACE_BENCH_LEDGER.chain,
      group: 'main',
      suite: 'ed25519',
      timestamp: TRACE_BENCH_LEDGER.timestamp - 1000,
      params: DEFAULT_PARAMS,
      orgs: [
        {
          id: 'bench',
          name: 'trace bench',
          admins: [toHex(admin.publicKey)],
          nodes: [{ id: 'bench-node', publicKey: toHex(nodeKey.publicKey) }],
        },
      ],
      committee: { members: [{ account: suite.address(admin.publicKey), weight: 1 }], threshold: 51 },
      roles: {},
      permissions: DEFAULT_PERMISSIONS,
    };
    const node = await GongzhiNode.start({
      nodeId: 'bench-node',
      org: 'bench',
      nodeSecretKey: nodeKey.secretKey,
      genesis: [genesis],
      dataDir: dir,
      logger: pino({ level: 'silent' }),
    });
    try {
      const server = await startServer(node, { host: '127.0.0.1', port: 0, limits: { ratePerSecond: 0 } });
      return new TraceHttpNode(node, server);
    } catch (e) {
      await node.close();
      throw e;
    }
  }

  /** `http://127.0.0.1:<port>`: also the base of the answers' links. */
  get url(): string {
    return this.server.url;
  }

  /**
   * `GET <path>?scan=0` with the Accept header of `kind`, on the process's keep-alive client
   * (fetch: undici's pooled agent); the body. Throws on any status but 200.
   */
  async get(path: string, kind: TraceAnswerKind): Promise<string> {
    const url = `${this.url}${path}?scan=0`;
    const init = { headers: { accept: ACCEPT[kind] } };
    // The fill between sizes holds this process's event loop for minutes: the server's keep-alive
    // timer then closes the pooled sockets just as the next request goes out on one. A GET with
    // scan=0 changes nothing, so it is sent again once on a new socket (as the SDK does).
    const res = await fetch(url, init).catch((e: unknown) => {
      if (!isStaleSocketError(e)) throw e;
      return fetch(url, init);
    });
    const body = await res.text();
    if (res.status !== 200)
      throw new Error(`GET ${path} (${kind}): HTTP ${res.status} ${body.slice(0, 200)}`);
    return body;
  }

  /** `n` requests of `kind` over `paths` in turn, one at a time: each one's milliseconds, sorted. */
  async time(paths: readonly string[], kind: TraceAnswerKind, n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await this.get(paths[i % paths.length] ?? '', kind);
      out.push(performance.now() - s);
    }
    return out.sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    await this.server.close();
    await this.node.close();
  }
}
