/**
 * Issue 15, item 4: a lone transaction on a network node does not wait the block interval — the
 * node posts the cut marker once the ordering stream has gone quiet. With a one-minute interval, a
 * commit within the test's wait can only come from the early cut (the default; node config
 * `cutWhenIdle`); with `cutWhenIdle: false` the same transaction is still open a few seconds
 * later (its block waits the interval).
 */
import { destination, pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../../src/crypto/index.js';
import { utf8 } from '../../src/encoding/index.js';
import { GongzhiNode, type GroupLedger } from '../../src/node/index.js';
import { makeTx, type TestConsortium, tempDir, testConsortium } from '../helpers/fixtures.js';
import { NatsCluster, natsServerAvailable } from '../helpers/nats-cluster.js';
import { until } from '../helpers/network-checks.js';
import { settle } from '../helpers/processes.js';

const INTERVAL_MS = 60_000;

describe.skipIf(!natsServerAvailable())('a quiet network cuts a lone transaction early', () => {
  const tmp = tempDir('gongzhi-quiet-cut-');
  const cluster = new NatsCluster(tmp.dir, 1);
  let c: TestConsortium;
  const nodes: GongzhiNode[] = [];

  const start = async (group: string, cutWhenIdle: boolean | undefined): Promise<GongzhiNode> =>
    GongzhiNode.start({
      nodeId: 'org0-node',
      org: 'org0',
      nodeSecretKey: (c.nodeKeys[0] as KeyPair).secretKey,
      genesis: c.genesis.map((g) => ({ ...g, group })),
      dataDir: `${tmp.dir}/${group}`,
      logger: pino({ level: process.env.GZ_TEST_LOG ?? 'silent' }, destination(2)),
      network: { servers: cluster.urls, replicas: 1 },
      ...(cutWhenIdle === undefined ? {} : { cutWhenIdle }),
    });

  beforeAll(async () => {
    await cluster.start();
    c = testConsortium({ orgs: 1, blockIntervalMs: INTERVAL_MS });
    nodes.push(await start('main', undefined));
  }, 60_000);

  afterAll(async () => {
    try {
      await settle(Promise.all(nodes.map((n) => n.close())), 30_000);
    } finally {
      await cluster.stop();
    }
    tmp.remove();
  }, 60_000);

  const anchor = async (g: GroupLedger, k: string): Promise<string> => {
    const tx = makeTx(c.suite, c.admins[0] as KeyPair, g, 'evidence', 'anchor', {
      digest: c.suite.hash(utf8(`quiet-${k}`)),
      alg: 'sha256',
      meta: { type: 'doc', capturedBy: 'org0', capturedAt: 1, method: 'test' },
    });
    const [r] = await g.submit([tx.bytes]);
    expect(r && 'error' in r ? r.error.code : undefined).toBeUndefined();
    return tx.hash;
  };

  it('by default, two lone transactions one after the other each commit long before the interval', async () => {
    const g = (nodes[0] as GongzhiNode).group('main');
    for (const k of ['a', 'b']) {
      const hash = await anchor(g, k);
      await until(() => g.committed(hash) !== undefined, 30_000, `lone transaction ${k} committed`);
    }
    expect(g.latest.height).toBe(2);
    expect(g.finalHeight).toBeLessThanOrEqual(2);
  }, 90_000);

  it('with cutWhenIdle: false, the block waits the interval', async () => {
    const node = await start('timer', false);
    nodes.push(node);
    const g = node.group('timer');
    const hash = await anchor(g, 'timer');
    await until(() => g.isOrdered(hash), 30_000, 'ordered');
    await new Promise((r) => setTimeout(r, 3000));
    expect(g.committed(hash)).toBeUndefined();
    expect(g.latest.height).toBe(0);
  }, 60_000);
});
