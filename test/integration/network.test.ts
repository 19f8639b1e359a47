import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { destination, pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/api/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import { toHex, utf8 } from '../../src/encoding/index.js';
import { type AnyMethod, defineMethod, type LedgerModule } from '../../src/execution/index.js';
import { evidenceModule } from '../../src/modules/evidence/index.js';
import { DEFAULT_MODULES, GongzhiNode, type GroupLedger } from '../../src/node/index.js';
import { makeTx, type TestConsortium, tempDir, testConsortium } from '../helpers/fixtures.js';
import { NatsCluster, natsServerAvailable } from '../helpers/nats-cluster.js';
import { settle } from '../helpers/processes.js';

const until = async (cond: () => boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.skipIf(!natsServerAvailable())('consortium network over NATS JetStream (3 servers, 4 nodes)', () => {
  const tmp = tempDir('gongzhi-net-');
  const cluster = new NatsCluster(tmp.dir, 3);
  let c: TestConsortium;
  const nodes: GongzhiNode[] = [];

  const startNode = (
    i: number,
    modules?: LedgerModule[],
    dataDir = `${tmp.dir}/node${i}`,
    peers?: string[],
  ) =>
    GongzhiNode.start({
      ...(modules ? { modules } : {}),
      nodeId: `org${i}-node`,
      org: `org${i}`,
      nodeSecretKey: (c.nodeKeys[i] as KeyPair).secretKey,
      genesis: c.genesis,
      dataDir,
      logger: pino({ level: process.env.GZ_TEST_LOG ?? 'silent' }, destination(2)),
      network: { servers: cluster.urls, replicas: 3, ...(peers ? { peers } : {}) },
    });

  beforeAll(async () => {
    await cluster.start();
    c = testConsortium({ orgs: 4, blockIntervalMs: 50 });
    for (let i = 0; i < 4; i++) nodes.push(await startNode(i));
  });

  afterAll(async () => {
    // Bounded, so the cluster is stopped within the hook's time whatever the nodes do.
    try {
      await settle(Promise.all(nodes.map((n) => n.close())), 30_000);
    } finally {
      await cluster.stop();
    }
    tmp.remove();
  });

  it('orders transactions submitted at different nodes into the same blocks everywhere, and they become final', async () => {
    const hashes: string[] = [];
    for (let k = 0; k < 40; k++) {
      const i = k % 4;
      const g = (nodes[i] as GongzhiNode).group('main');
      const tx = makeTx(c.suite, c.admins[i] as KeyPair, g, 'evidence', 'anchor', {
        digest: c.suite.hash(utf8(`net-${k}`)),
        alg: 'sha256',
        meta: { type: 'doc', capturedBy: `org${i}`, capturedAt: k, method: 'test' },
      });
      const [r] = await g.submit([tx.bytes]);
      expect(r && 'error' in r ? r.error.code : 'ok').toBe('ok');
      hashes.push(tx.hash);
    }
    const groups = nodes.map((n) => n.group('main'));
    await until(
      () => groups.every((g) => hashes.every((h) => g.committed(h))),
      30_000,
      'all txs on all nodes',
    );
    const height = Math.max(...groups.map((g) => g.latest.height));
    await until(() => groups.every((g) => g.latest.height >= height), 10_000, 'equal heights');
    for (let h = 1; h <= height; h++) {
      const ids = new Set(groups.map((g) => toHex(g.store.blockByHeight(h)?.hash as Uint8Array)));
      expect(ids.size, `block ${h} identical on every node`).toBe(1);
    }
    await until(() => groups.every((g) => g.finalHeight >= height), 20_000, 'finality');
    for (const g of groups) {
      const sigs = g.store.blockByHeight(height)?.signatures ?? [];
      expect(new Set(sigs.map((s) => s.node)).size).toBeGreaterThanOrEqual(3);
      expect(g.halted).toBeUndefined();
    }
  });

  const anchorAt = async (g: GroupLedger, i: number, label: string) => {
    const tx = makeTx(c.suite, c.admins[i] as KeyPair, g, 'evidence', 'anchor', {
      digest: c.suite.hash(utf8(label)),
      alg: 'sha256',
      meta: { type: 'doc', capturedBy: `org${i}`, capturedAt: 1, method: 'test' },
    });
    const [r] = await g.submit([tx.bytes]);
    return { hash: tx.hash, error: r && 'error' in r ? r.error.code : undefined };
  };

  it('keeps ordering through a SIGKILLed NATS server: no acknowledged transaction lost or duplicated', async () => {
    const groups = nodes.map((n) => n.group('main'));
    const submitted: string[] = [];
    let stop = false;
    const load = (async () => {
      for (let k = 0; !stop; k++) {
        const i = k % 4;
        const r = await anchorAt(groups[i] as GroupLedger, i, `kill-${k}`);
        if (!r.error) submitted.push(r.hash);
        await new Promise((res) => setTimeout(res, 5));
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    cluster.kill(0);
    await new Promise((r) => setTimeout(r, 2500));
    // Enough load to mean something whatever the machine's speed: at least 50 admitted in all.
    await until(() => submitted.length > 50, 30_000, 'more than 50 admitted transactions');
    stop = true;
    await load;
    expect(submitted.length).toBeGreaterThan(50);
    await until(
      () => groups.every((g) => submitted.every((h) => g.committed(h))),
      120_000,
      'every admitted tx committed',
    ).catch((e) => {
      for (const g of groups) {
        const missing = submitted.filter((h) => !g.committed(h));
        console.error(
          g.nodeId,
          'height',
          g.latest.height,
          'missing',
          missing.length,
          'pending',
          g.mempoolSize,
          g.halted?.message,
        );
      }
      throw e;
    });
    // exactly once: each hash appears in exactly one block position on each node
    for (const g of groups) {
      const rows = g.store.db.prepare('SELECT count(*) AS n, count(DISTINCT hash) AS d FROM txs').get() as {
        n: number;
        d: number;
      };
      expect(rows.n).toBe(rows.d);
    }
    const height = Math.min(...groups.map((g) => g.latest.height));
    expect(new Set(groups.map((g) => toHex(g.store.blockByHeight(height)?.hash as Uint8Array))).size).toBe(1);
    await cluster.restart(0);
  }, 150_000);

  it('a node restarted later catches up from the stream and agrees', async () => {
    const last = nodes.pop() as GongzhiNode;
    await last.close();
    const g0 = (nodes[0] as GongzhiNode).group('main');
    const hashes: string[] = [];
    for (let k = 0; k < 10; k++) hashes.push((await anchorAt(g0, 0, `while-down-${k}`)).hash);
    await until(() => hashes.every((h) => g0.committed(h)), 20_000, 'commits while node 3 is down');
    const back = await startNode(3);
    nodes.push(back);
    const g3 = back.group('main');
    await until(() => hashes.every((h) => g3.committed(h)), 30_000, 'node 3 caught up');
    const h = g0.latest.height;
    await until(() => g3.latest.height >= h, 10_000, 'same height');
    expect(toHex(g3.store.blockByHeight(h)?.hash as Uint8Array)).toBe(
      toHex(g0.store.blockByHeight(h)?.hash as Uint8Array),
    );
  });

  it('a node whose module computes differently is detected by the quorum and halts', async () => {
    const honest = nodes.pop() as GongzhiNode;
    await honest.close();
    const anchor = evidenceModule.methods.anchor as AnyMethod;
    // Test-only variant of the evidence module: the same method writes one extra key.
    const faultyEvidence: LedgerModule = {
      ...evidenceModule,
      methods: {
        ...evidenceModule.methods,
        anchor: defineMethod<unknown, unknown>({
          summary: anchor.summary,
          args: anchor.args,
          parse: (a) => anchor.parse(a),
          check: (ctx, a) => anchor.check(ctx, a),
          apply: (ctx, a, p) => {
            anchor.apply(ctx, a, p);
            ctx.state.set('evidence/faulty', 1);
          },
        }),
      },
    };
    const faulty = await startNode(
      3,
      DEFAULT_MODULES.map((m) => (m.name === 'evidence' ? faultyEvidence : m)),
    );
    nodes.push(faulty);
    const g3 = faulty.group('main');
    const g0 = (nodes[0] as GongzhiNode).group('main');
    const r = await anchorAt(g0, 0, 'exposes-the-fault');
    await until(() => g0.committed(r.hash) !== undefined, 20_000, 'commit on honest nodes');
    await until(() => g3.halted !== undefined, 20_000, 'faulty node halts');
    expect(g3.halted?.code).toBe('NODE_DIVERGED');
    const height = (g0.committed(r.hash) as { height: number }).height;
    await until(() => g0.finalHeight >= height, 20_000, 'honest quorum still finalises');
    expect(g3.finalHeight).toBeLessThan(height);
    const refused = await anchorAt(g3, 3, 'after-halt');
    expect(refused.error).toBe('NODE_DIVERGED');
  });

  it('a node that computed blocks the quorum did not sign rewinds to its last final block, takes the certified ones from a peer and goes on', async () => {
    // Node 3's data directory holds the block the faulty module computed (halted, not final).
    const faulty = nodes.pop() as GongzhiNode;
    expect(faulty.group('main').store.getRaw('evidence/faulty')).toBeDefined();
    await faulty.close();
    const server = await startServer(nodes[0] as GongzhiNode, { host: '127.0.0.1', port: 0 });
    try {
      const anchor = evidenceModule.methods.anchor as AnyMethod;
      // Test-only: honest, except for the one transaction labelled 'trip-once', the first time.
      let tripped = false;
      const trip = c.suite.hash(utf8('trip-once'));
      const onceFaulty: LedgerModule = {
        ...evidenceModule,
        methods: {
          ...evidenceModule.methods,
          anchor: defineMethod<unknown, unknown>({
            summary: anchor.summary,
            args: anchor.args,
            parse: (a) => anchor.parse(a),
            check: (ctx, a) => anchor.check(ctx, a),
            apply: (ctx, a, p) => {
              anchor.apply(ctx, a, p);
              const d = (a as { digest?: Uint8Array }).digest;
              if (!tripped && d && toHex(d) === toHex(trip)) {
                tripped = true;
                ctx.state.set('evidence/faulty-once', 1);
              }
            },
          }),
        },
      };
      const back = await startNode(
        3,
        DEFAULT_MODULES.map((m) => (m.name === 'evidence' ? onceFaulty : m)),
        `${tmp.dir}/node3`,
        [server.url],
      );
      nodes.push(back);
      const g3 = back.group('main');
      const g0 = (nodes[0] as GongzhiNode).group('main');
      const haltCode = () => g3.halted?.code;
      const recoveries = async () => (await back.metrics.recoveries.get()).values[0]?.value ?? 0;
      const agrees = (hash: string) => {
        const a = g0.committed(hash);
        const b = g3.committed(hash);
        return (
          a !== undefined &&
          b !== undefined &&
          a.height === b.height &&
          toHex(g0.store.blockByHeight(a.height)?.hash as Uint8Array) ===
            toHex(g3.store.blockByHeight(b.height)?.hash as Uint8Array)
        );
      };
      /** Wait until the node has rewound `times` times in all and agrees with node 0 on `hash`. */
      const recovered = async (times: number, hash: string, what: string) => {
        const t0 = Date.now();
        for (;;) {
          const n = await recoveries();
          if (n >= times && g3.halted === undefined && agrees(hash)) return;
          if (Date.now() - t0 > 40_000)
            throw new Error(`no recovery from ${what}: ${n} recoveries, halted ${haltCode()}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      // The stored divergent block: the quorum's signatures expose it, and the node rewinds.
      const first = await anchorAt(g0, 0, 'after-restart');
      await recovered(1, first.hash, 'the stored fork');
      // A fault while running: the same path, and the node ends on the quorum's chain again.
      const tripTx = await anchorAt(g0, 0, 'trip-once');
      await recovered(2, tripTx.hash, 'a live fault');
      expect(tripped).toBe(true);
      const last = await anchorAt(g3, 3, 'after-recovery');
      expect(last.error).toBeUndefined();
      await until(() => agrees(last.hash), 20_000, 'a transaction sent to the recovered node commits alike');
      await until(() => g3.finalHeight >= (g3.committed(last.hash)?.height ?? Infinity), 20_000, 'final');
      expect(g3.store.getRaw('evidence/faulty-once')).toBeUndefined();
      expect(g3.store.getRaw('evidence/faulty')).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('a node admitted after the stream dropped old messages catches up via an authenticated peer', async () => {
    const faulty = nodes.pop() as GongzhiNode;
    await faulty.close();
    const server = await startServer(nodes[0] as GongzhiNode, { host: '127.0.0.1', port: 0 });
    try {
      const g0 = (nodes[0] as GongzhiNode).group('main');
      // Retention: purge everything the stream holds (sequences keep counting, as with max_age).
      const nc = await connect({ servers: cluster.urls });
      await (await jetstreamManager(nc)).streams.purge('GZ_MAIN');
      await nc.close();
      // Unsigned (or non-member) sync requests are refused.
      const anon = await fetch(`${server.url}/v1/groups/main/sync/blocks?from=1`);
      expect(anon.status).toBe(403);
      // Without peers, a fresh node cannot rebuild the chain from the purged stream: it halts instead of guessing.
      const blind = await startNode(3, undefined, `${tmp.dir}/late-blind`);
      expect(blind.group('main').halted?.code).toBe('SYNC_FAILED');
      await blind.close();
      const late = await startNode(3, undefined, `${tmp.dir}/late`, [server.url]);
      nodes.push(late);
      const g3 = late.group('main');
      expect(g3.halted).toBeUndefined();
      expect(g3.latest.height).toBeGreaterThanOrEqual(g0.finalHeight);
      expect(toHex(g3.store.blockByHeight(g3.latest.height)?.hash as Uint8Array)).toBe(
        toHex(g0.store.blockByHeight(g3.latest.height)?.hash as Uint8Array),
      );
      // …and then follows the stream like everyone else.
      const r = await anchorAt(g0, 0, 'after-late-join');
      await until(() => g3.committed(r.hash) !== undefined, 20_000, 'late node follows the stream');
    } finally {
      await server.close();
    }
  });
});
