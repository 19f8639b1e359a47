/**
 * close() is bounded in time (issue 16, item 16): a group whose orderer never stops (a dead NATS
 * cluster, a handler that never returns) still closes its database, and a block the stuck orderer
 * delivers afterwards is not committed.
 */
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../../src/crypto/index.js';
import { DEFAULT_MODULES, GroupLedger, NodeMetrics } from '../../src/node/index.js';
import { type BatchSink, type Orderer, settleWithin } from '../../src/ordering/index.js';
import { makeTx, tempDir, testConsortium } from '../helpers/fixtures.js';

/** An orderer that delivers only when told and whose stop() never resolves. */
class StuckOrderer implements Orderer {
  sink: BatchSink | undefined;
  readonly queue: Parameters<Orderer['submit']>[0][number][] = [];
  stopCalled = false;
  start(sink: BatchSink): void {
    this.sink = sink;
  }
  submit(txs: Parameters<Orderer['submit']>[0]): void {
    this.queue.push(...txs);
  }
  get pending(): number {
    return this.queue.length;
  }
  stop(): Promise<void> {
    this.stopCalled = true;
    return new Promise(() => undefined);
  }
}

describe('bounded close', () => {
  const tmp = tempDir('gongzhi-close-');
  afterAll(() => tmp.remove());

  it('settleWithin tells a settled promise from a cut wait', async () => {
    expect(await settleWithin(Promise.resolve(1), 1000)).toBe(true);
    expect(await settleWithin(Promise.reject(new Error('x')), 1000)).toBe(true);
    expect(await settleWithin(undefined, 1000)).toBe(true);
    expect(await settleWithin(new Promise(() => undefined), 20)).toBe(false);
  });

  it('a group whose orderer never stops closes anyway, and commits nothing after', async () => {
    const c = testConsortium();
    let orderer: StuckOrderer | undefined;
    const g = GroupLedger.open({
      genesis: c.genesis[0] as (typeof c.genesis)[number],
      suite: c.suite,
      dataDir: tmp.dir,
      nodeId: 'org0-node',
      nodeSecretKey: (c.nodeKeys[0] as KeyPair).secretKey,
      modules: DEFAULT_MODULES,
      mempoolLimit: 100,
      logger: pino({ level: 'silent' }),
      metrics: new NodeMetrics(),
      ordererFactory: () => {
        orderer = new StuckOrderer();
        return orderer;
      },
    });
    const admin = c.admins[0] as KeyPair;
    const t = makeTx(c.suite, admin, g, 'evidence', 'anchor', {
      digest: c.suite.hash(new Uint8Array([1])),
      alg: 'sha256',
      meta: { type: 'doc', capturedBy: 't', capturedAt: 1, method: 'test' },
    });
    const [r] = await g.submit([t.bytes]);
    expect(r).toEqual({ hash: t.hash });
    const waiting = g.waitForCommit(t.hash, 60_000).catch((e: { code: string }) => e.code);
    await g.close();
    expect(orderer?.stopCalled).toBe(true);
    // The commit wait ended with the close, not with the 60 s timeout.
    expect(await waiting).toBe('NODE_SHUTTING_DOWN');
    // The stuck orderer delivers after all: the closed group takes nothing.
    await orderer?.sink?.({ txs: orderer.queue, timestamp: 1_800_000_000_000, order: {} });
    expect(g.latest.height).toBe(0);
    await g.close(); // twice is fine
  });
});
