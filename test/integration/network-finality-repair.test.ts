/**
 * Issue 18 / 16: a node that never reads some of the other nodes' block signatures from the
 * signature stream must not stay short of final for good. Seen once after a 45 s NATS majority
 * loss: two of four nodes one block short of final for 89 s, health "ok". Reproduced here exactly:
 * node 3 is down while three nodes make blocks final, their signatures for those blocks are then
 * deleted from the stream, and node 3 comes back. It computes the blocks but can read no quorum for
 * them. Without peers it stays short and says so in /health; with a peer it takes the certificate
 * from the peer (every signature verified against its own state) and its final height reaches the head.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { destination, pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import { decodeCanonical, utf8 } from '../../src/encoding/index.js';
import { isMap } from '../../src/ledger/index.js';
import { DEFAULT_HEALTH_THRESHOLDS, GongzhiNode, type GroupLedger } from '../../src/node/index.js';
import { streamNames } from '../../src/ordering/index.js';
import { makeTx, type TestConsortium, tempDir, testConsortium } from '../helpers/fixtures.js';
import { NatsCluster, natsServerAvailable } from '../helpers/nats-cluster.js';
import { until } from '../helpers/network-checks.js';
import { settle } from '../helpers/processes.js';

describe.skipIf(!natsServerAvailable())('finality repair: signatures a node never read', () => {
  const tmp = tempDir('gongzhi-final-repair-');
  const cluster = new NatsCluster(tmp.dir, 1);
  let c: TestConsortium;
  const nodes: (GongzhiNode | undefined)[] = [];
  let server: RunningServer | undefined;
  let seq = 0;

  const startNode = (i: number, peers?: string[]) =>
    GongzhiNode.start({
      nodeId: `org${i}-node`,
      org: `org${i}`,
      nodeSecretKey: (c.nodeKeys[i] as KeyPair).secretKey,
      genesis: c.genesis,
      dataDir: `${tmp.dir}/node${i}`,
      logger: pino({ level: process.env.GZ_TEST_LOG ?? 'silent' }, destination(2)),
      network: { servers: cluster.urls, replicas: 1, ...(peers ? { peers } : {}) },
      health: { ...DEFAULT_HEALTH_THRESHOLDS, maxFinalStallMs: 3_000 },
    });

  const group = (i: number): GroupLedger => (nodes[i] as GongzhiNode).group('main');

  const anchor = async (i: number): Promise<number> => {
    const g = group(i);
    const tx = makeTx(c.suite, c.admins[i] as KeyPair, g, 'evidence', 'anchor', {
      digest: c.suite.hash(utf8(`repair-${seq++}`)),
      alg: 'sha256',
      meta: { type: 'doc', capturedBy: `org${i}`, capturedAt: 1, method: 'test' },
    });
    const [r] = await g.submit([tx.bytes]);
    expect(r && 'error' in r ? r.error.code : undefined).toBeUndefined();
    await until(() => g.committed(tx.hash) !== undefined, 20_000, 'committed');
    return g.committed(tx.hash)?.height ?? 0;
  };

  beforeAll(async () => {
    await cluster.start();
    c = testConsortium({ orgs: 4, blockIntervalMs: 50 });
    for (let i = 0; i < 4; i++) nodes.push(await startNode(i));
    server = await startServer(nodes[0] as GongzhiNode, { host: '127.0.0.1', port: 0 });
  }, 60_000);

  afterAll(async () => {
    try {
      await settle(server?.close() ?? Promise.resolve(), 10_000);
      await settle(Promise.all(nodes.map((n) => n?.close())), 30_000);
    } finally {
      await cluster.stop();
    }
    tmp.remove();
  }, 60_000);

  it('a node missing a quorum of signatures stays short without peers (health says so) and reaches the head with one', async () => {
    const first = await anchor(0);
    await until(() => [0, 1, 2, 3].every((i) => group(i).finalHeight >= first), 20_000, 'all final');
    const base = group(3).finalHeight;
    await (nodes[3] as GongzhiNode).close();
    nodes[3] = undefined;
    // Three of four organisations (75 % ≥ 67 %) make two more blocks final without node 3.
    await anchor(0);
    const missed = await anchor(1);
    await until(() => [0, 1, 2].every((i) => group(i).finalHeight >= missed), 20_000, 'final on three');

    // Delete their signatures for the blocks node 3 has not seen: it can never read them now.
    const nc = await connect({ servers: cluster.urls });
    try {
      const jsm = await jetstreamManager(nc);
      const stream = streamNames('main').sigStream;
      const last = (await jsm.streams.info(stream)).state.last_seq;
      let deleted = 0;
      for (let s = 1; s <= last; s++) {
        const m = await jsm.streams.getMessage(stream, { seq: s });
        const v = m ? decodeCanonical(m.data) : undefined;
        if (isMap(v) && typeof v.height === 'number' && v.height > base) {
          await jsm.streams.deleteMessage(stream, s);
          deleted++;
        }
      }
      expect(deleted).toBeGreaterThanOrEqual(3 * (missed - base));
    } finally {
      await nc.close();
    }

    // Back without peers: it computes the blocks, but its final height stays at `base`.
    nodes[3] = await startNode(3);
    await until(() => group(3).latest.height >= missed, 20_000, 'node 3 caught up from the stream');
    const degraded = () => (nodes[3] as GongzhiNode).health()[0]?.degraded ?? [];
    await until(() => degraded().some((d) => d.startsWith('final height held at')), 20_000, 'stall reported');
    expect(group(3).finalHeight).toBe(base);
    const h = (nodes[3] as GongzhiNode).health()[0];
    expect(h?.finality?.waiting?.height).toBe(base + 1);
    expect(h?.finality?.waiting?.signers).toEqual(['org3-node']);
    expect(degraded()).toContainEqual(
      expect.stringMatching(
        new RegExp(`^final height held at ${base} for \\d+ ms \\(block ${base + 1} signed by org3-node\\)$`),
      ),
    );
    // The same over HTTP, as an operator's probe sees it.
    const s3 = await startServer(nodes[3] as GongzhiNode, { host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`${s3.url}/health`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as {
        status: string;
        groups: { finality?: { stalledMs: number; waiting?: { height: number; signers: string[] } } }[];
      };
      expect(body.status).toBe('degraded');
      expect(body.groups[0]?.finality?.waiting).toEqual({ height: base + 1, signers: ['org3-node'] });
      expect(body.groups[0]?.finality?.stalledMs).toBeGreaterThan(3_000);
    } finally {
      await s3.close();
    }
    await (nodes[3] as GongzhiNode).close();
    nodes[3] = undefined;

    // Back with node 0 as its peer: the certificates come from the peer and finality reaches the head.
    nodes[3] = await startNode(3, [(server as RunningServer).url]);
    await until(() => group(3).finalHeight >= missed, 30_000, 'node 3 final past the missed blocks');
    const after = await anchor(3);
    await until(() => group(3).finalHeight >= after, 20_000, 'final at the new head');
    expect((nodes[3] as GongzhiNode).health()[0]?.degraded).toEqual([]);
    // The certificate it stored verifies as a quorum of the same block everywhere.
    for (let hgt = base + 1; hgt <= missed; hgt++) {
      expect(group(3).store.blockByHeight(hgt)?.hash).toEqual(group(0).store.blockByHeight(hgt)?.hash);
      expect(group(3).store.blockByHeight(hgt)?.signatures.length).toBeGreaterThanOrEqual(3);
    }
  }, 150_000);
});
