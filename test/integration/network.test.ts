import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../../src/crypto/index.js';
import { toHex, utf8 } from '../../src/encoding/index.js';
import { GongzhiNode } from '../../src/node/index.js';
import { makeTx, type TestConsortium, tempDir, testConsortium } from '../helpers/fixtures.js';
import { NatsCluster, natsServerAvailable } from '../helpers/nats-cluster.js';

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

  const startNode = (i: number) =>
    GongzhiNode.start({
      nodeId: `org${i}-node`,
      org: `org${i}`,
      nodeSecretKey: (c.nodeKeys[i] as KeyPair).secretKey,
      genesis: c.genesis,
      dataDir: `${tmp.dir}/node${i}`,
      logger: pino({ level: 'silent' }),
      network: { servers: cluster.urls, replicas: 3 },
    });

  beforeAll(async () => {
    await cluster.start();
    c = testConsortium({ orgs: 4, blockIntervalMs: 50 });
    for (let i = 0; i < 4; i++) nodes.push(await startNode(i));
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await cluster.stop();
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
});
