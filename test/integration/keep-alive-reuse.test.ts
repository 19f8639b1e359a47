/**
 * A kept-alive socket the server has already closed, reused by the SDK (the console bench's
 * ECONNRESET). A real node, its HTTP server and the SDK over Node's fetch: a 2,000-transaction
 * `wait=commit` batch, the next request on the same pool at once (answered: a long request starts
 * no server timer early), then the client's event loop stalls past
 * the server's keep-alive (as the bench's synchronous signing of the next batch does), so fetch's
 * own idle timer cannot run and the next GET goes out on a socket the server has closed.
 */
import type { Socket } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import { getSuite } from '../../src/crypto/index.js';
import { toHex, utf8 } from '../../src/encoding/index.js';
import { DEFAULT_PARAMS, type Genesis } from '../../src/ledger/index.js';
import { GongzhiNode } from '../../src/node/index.js';
import { buildTx, GongzhiClient } from '../../src/sdk/index.js';
import { tempDir } from '../helpers/fixtures.js';

const suite = getSuite('ed25519');
const CHAIN = 'keepalive-test';
const admin = suite.generateKeyPair();
const nodeKey = suite.generateKeyPair();
const adminAddr = suite.address(admin.publicKey);
/** Advertised as `Keep-Alive: timeout=3`; fetch keeps the socket a little less, Node closes it a second later. */
const KEEP_ALIVE_MS = 3000;
/** Longer than the server's keep-alive and Node's one-second grace after it. */
const STALL_MS = KEEP_ALIVE_MS + 2500;

const genesis: Genesis = {
  chain: CHAIN,
  group: 'main',
  suite: suite.id,
  timestamp: 1_700_000_000_000,
  params: { ...DEFAULT_PARAMS, blockIntervalMs: 20 },
  orgs: [
    {
      id: 'org1',
      name: 'Org One',
      admins: [toHex(admin.publicKey)],
      nodes: [{ id: 'node1', publicKey: toHex(nodeKey.publicKey) }],
    },
  ],
  committee: { members: [{ account: adminAddr, weight: 1 }], threshold: 67 },
  roles: { [adminAddr]: ['org'] },
  permissions: { 'evidence.anchor': ['org'] },
};

const meta = { type: 'photo', capturedBy: 'tester', capturedAt: 1_700_000_000_000, method: 'camera' };

/** Block this thread (its event loop, timers included) as a long synchronous task does. */
function stall(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('a kept-alive socket closed by the server while the client stalls', () => {
  const tmp = tempDir('gongzhi-keepalive-');
  let node: GongzhiNode;
  let server: RunningServer;
  let client: GongzhiClient;
  /** Sockets the server accepted and sockets it saw closed, in order. */
  let accepted = 0;
  let closed = 0;

  beforeAll(async () => {
    node = await GongzhiNode.start({
      nodeId: 'node1',
      org: 'org1',
      nodeSecretKey: nodeKey.secretKey,
      genesis: [genesis],
      dataDir: tmp.dir,
      logger: pino({ level: 'silent' }),
    });
    server = await startServer(node, {
      host: '127.0.0.1',
      port: 0,
      limits: { keepAliveTimeoutMs: KEEP_ALIVE_MS },
    });
    server.app.server.on('connection', (s: Socket) => {
      accepted++;
      s.once('close', () => closed++);
    });
    client = new GongzhiClient({ url: server.url });
  });

  afterAll(async () => {
    await server?.close();
    await node?.close();
    tmp.remove();
  });

  it('answers the GET after a long wait=commit batch and after a stall past the keep-alive', async () => {
    const txs = Array.from({ length: 2000 }, (_, i) =>
      buildTx({
        suite,
        secretKey: admin.secretKey,
        chain: CHAIN,
        group: 'main',
        module: 'evidence',
        method: 'anchor',
        args: { digest: suite.hash(utf8(`keepalive-${i}`)), alg: 'sha256', meta },
        validUntil: 1000,
      }),
    );
    const r = await client.submitBatch(
      'main',
      txs.map((t) => t.bytes),
      { wait: 'commit' },
    );
    expect(r.filter((x) => x.status === 'committed')).toHaveLength(2000);
    // At once after the long request, on the pool's kept-alive socket: the server has not closed it.
    const head = await client.block('main', 'latest');
    expect(head.height).toBeGreaterThan(0);
    const closedBefore = closed;
    expect(accepted - closed).toBeGreaterThan(0);

    stall(STALL_MS);
    // The pool still holds the socket (its idle timer could not run); the server closed its end.
    const again = await client.block('main', 'latest');
    expect(again.height).toBe(head.height);
    // The answer came on a fresh connection: the stale one was closed, and a new one accepted.
    expect(closed).toBeGreaterThan(closedBefore);

    // Several pooled sockets go stale together (the explorer asks for ten blocks at once).
    await Promise.all(
      Array.from({ length: 4 }, (_, i) => client.block('main', Math.max(0, head.height - i))),
    );
    stall(STALL_MS);
    const four = await Promise.all(
      Array.from({ length: 4 }, (_, i) => client.block('main', Math.max(0, head.height - i))),
    );
    expect(four.map((b) => b.height)).toEqual([0, 1, 2, 3].map((i) => Math.max(0, head.height - i)));
  });
});
