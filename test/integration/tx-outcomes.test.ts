/**
 * Issue 18, items 2 and 3 at the group level: a client can tell "in the ordering stream, will
 * commit" from "not taken yet" from "dropped, and why"; a committed duplicate says where it is; and
 * health names what is wrong against its thresholds.
 */
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { txResponse } from '../../src/api/ledger-views.js';
import type { KeyPair } from '../../src/crypto/index.js';
import { GongzhiError } from '../../src/errors/index.js';
import {
  DEFAULT_HEALTH_THRESHOLDS,
  DEFAULT_MODULES,
  GroupLedger,
  groupHealth,
  NodeMetrics,
  resolveHealthThresholds,
} from '../../src/node/index.js';
import { RecentDrops } from '../../src/node/recent-drops.js';
import type { BatchSink, DropSink, OrderedSink, Orderer, OrderingHealth } from '../../src/ordering/index.js';
import { makeTx, tempDir, testConsortium } from '../helpers/fixtures.js';

/** An orderer the test drives by hand: it acknowledges, drops or delivers when told. */
class ManualOrderer implements Orderer {
  sink: BatchSink | undefined;
  onDrop: DropSink | undefined;
  onOrdered: OrderedSink | undefined;
  queue: Parameters<Orderer['submit']>[0][number][] = [];
  state: OrderingHealth = { reachable: true, lastOkAt: Date.now() };
  start(sink: BatchSink, _ts: number, onDrop?: DropSink, onOrdered?: OrderedSink): void {
    this.sink = sink;
    this.onDrop = onDrop;
    this.onOrdered = onOrdered;
  }
  submit(txs: Parameters<Orderer['submit']>[0]): void {
    this.queue.push(...txs);
  }
  get pending(): number {
    return this.queue.length;
  }
  health(): OrderingHealth {
    return this.state;
  }
  async deliver(timestamp: number): Promise<void> {
    const txs = this.queue;
    this.queue = [];
    await this.sink?.({ txs, timestamp, order: {} });
  }
  async stop(): Promise<void> {}
}

describe('transaction outcomes and health', () => {
  const tmp = tempDir('gongzhi-outcomes-');
  const c = testConsortium();
  let orderer: ManualOrderer = new ManualOrderer();
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
      orderer = new ManualOrderer();
      return orderer;
    },
  });
  afterAll(async () => {
    await g.close();
    tmp.remove();
  });
  let n = 0;
  const tx = () =>
    makeTx(c.suite, c.admins[0] as KeyPair, g, 'evidence', 'anchor', {
      digest: c.suite.hash(new Uint8Array([n++])),
      alg: 'sha256',
      meta: { type: 'doc', capturedBy: 't', capturedAt: 1, method: 'test' },
    });
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (e: unknown) => (e instanceof GongzhiError ? e.code : String(e)),
    );

  it('a wait that times out says whether the ordering service holds the transaction', async () => {
    const t = tx();
    await g.submit([t.bytes]);
    expect(txResponse(g, t.hash)).toMatchObject({ status: 'pending', ordered: false });
    expect(await codeOf(g.waitForCommit(t.hash, 10))).toBe('TX_PENDING_NOT_ORDERED');
    orderer.onOrdered?.(orderer.queue);
    expect(txResponse(g, t.hash)).toMatchObject({ status: 'pending', ordered: true });
    expect(await codeOf(g.waitForCommit(t.hash, 10))).toBe('TX_PENDING_ORDERED');
    await orderer.deliver(1_800_000_000_000);
    expect(txResponse(g, t.hash).status).toBe('committed');
  });

  it('a transaction the ordering service did not take is reported dropped with the reason, and can be resubmitted', async () => {
    const t = tx();
    await g.submit([t.bytes]);
    const waiting = codeOf(g.waitForCommit(t.hash, 60_000));
    const height = g.latest.height;
    orderer.onDrop?.(orderer.queue, new GongzhiError('ORDERING_UNAVAILABLE', 'not acknowledged'));
    orderer.queue = [];
    expect(await waiting).toBe('ORDERING_UNAVAILABLE');
    const view = txResponse(g, t.hash);
    expect(view.status).toBe('dropped');
    expect(view.reason?.code).toBe('ORDERING_UNAVAILABLE');
    expect(view.ordered).toBeUndefined();
    expect(await codeOf(g.waitForCommit(t.hash, 10))).toBe('ORDERING_UNAVAILABLE');
    // Nothing changed on the ledger, and the pool let it go.
    expect(g.latest.height).toBe(height);
    expect(g.mempoolSize).toBe(0);
    // The same signed transaction is admitted again and commits.
    const [again] = await g.submit([t.bytes]);
    expect(again).toEqual({ hash: t.hash });
    expect(txResponse(g, t.hash)).toMatchObject({ status: 'pending' });
    await orderer.deliver(1_800_000_001_000);
    expect(txResponse(g, t.hash).status).toBe('committed');
  });

  it('a committed duplicate is refused with where its receipt is', async () => {
    const t = tx();
    await g.submit([t.bytes]);
    await orderer.deliver(1_800_000_002_000);
    const at = g.committed(t.hash);
    const height = g.latest.height;
    const [r] = await g.submit([t.bytes]);
    expect(r && 'error' in r ? r.error.code : 'ok').toBe('TX_DUPLICATE');
    const details = r && 'error' in r ? r.error.details : {};
    expect(details).toMatchObject({
      hash: t.hash,
      committed: true,
      height: at?.height,
      index: at?.index,
      status: 'ok',
      location: `/v1/groups/main/txs/${t.hash}`,
    });
    expect(g.latest.height).toBe(height);
    expect(g.mempoolSize).toBe(0);
  });

  it('an unknown hash is still TX_NOT_FOUND', () => {
    expect(() => txResponse(g, 'ab'.repeat(32))).toThrow(expect.objectContaining({ code: 'TX_NOT_FOUND' }));
  });

  it('health names an unreachable ordering service, a stalled cut and a final lag, each past its threshold', async () => {
    const t = { maxOrderingSilenceMs: 1, maxCutStallMs: 1, maxFinalLag: 1, maxFinalStallMs: 1 };
    expect(groupHealth(g, t, false).degraded).toEqual([]);
    expect(groupHealth(g, t, false).finalLag).toBeUndefined();
    // Networked: three blocks and none final is past a lag of 1.
    expect(groupHealth(g, t, true).finalLag).toBe(g.latest.height);
    expect(groupHealth(g, t, true).degraded).toEqual([
      `final height ${g.latest.height} blocks behind the head`,
    ]);
    expect(groupHealth(g, DEFAULT_HEALTH_THRESHOLDS, true).degraded).toEqual([]);
    orderer.state = { reachable: false, lastOkAt: Date.now() - 1000, error: 'no responders' };
    const p = tx();
    await g.submit([p.bytes]);
    await new Promise((r) => setTimeout(r, 30));
    const h = groupHealth(g, t, false);
    expect(h.ordering).toMatchObject({ reachable: false, error: 'no responders' });
    expect(h.degraded[0]).toBe('ordering unreachable (no responders)');
    expect(h.degraded[1]).toMatch(/^no block cut for \d+ ms with transactions pending$/);
    expect(h.cutStallMs).toBeGreaterThan(1);
    // Within the default thresholds, the same state is not degraded yet.
    expect(groupHealth(g, DEFAULT_HEALTH_THRESHOLDS, false).degraded).toEqual([]);
    // Exported as metrics.
    const m = new NodeMetrics();
    m.setHealthSource(() => [groupHealth(g, t, true)]);
    const text = await m.registry.metrics();
    expect(text).toContain('gongzhi_ordering_reachable{group="main"} 0');
    expect(text).toContain('gongzhi_degraded{group="main"} 1');
    expect(text).toContain(`gongzhi_final_lag_blocks{group="main"} ${g.latest.height}`);
    expect(text).toMatch(/gongzhi_cut_stall_seconds\{group="main"\} 0\.\d+/);
    await orderer.deliver(1_800_000_003_000);
    orderer.state = { reachable: true, lastOkAt: Date.now() };
    expect(groupHealth(g, { ...t, maxFinalLag: 100 }, true).degraded).toEqual([]);
    // A lag under maxFinalLag that does not close: the final height held past maxFinalStallMs.
    const stalled = {
      stalledMs: 40_000,
      waiting: { height: g.finalHeight + 1, signers: ['node-b', 'node-c'] },
    };
    const lagOk = { ...DEFAULT_HEALTH_THRESHOLDS, maxFinalLag: 100 };
    expect(groupHealth(g, lagOk, true, stalled).degraded).toEqual([
      `final height held at ${g.finalHeight} for 40000 ms (block ${g.finalHeight + 1} signed by node-b, node-c)`,
    ]);
    expect(groupHealth(g, lagOk, true, { ...stalled, stalledMs: 29_000 }).degraded).toEqual([]);
    expect(groupHealth(g, lagOk, true, { stalledMs: 0 }).degraded).toEqual([]);
    m.setHealthSource(() => [groupHealth(g, lagOk, true, stalled)]);
    expect(await m.registry.metrics()).toContain('gongzhi_final_stall_seconds{group="main"} 40');
  });

  it('health thresholds from config: unknown names and non-integers are CONFIG_INVALID', () => {
    expect(resolveHealthThresholds({ maxFinalLag: 5 })).toEqual({
      ...DEFAULT_HEALTH_THRESHOLDS,
      maxFinalLag: 5,
    });
    for (const bad of [
      { maxLag: 1 },
      { maxFinalLag: 0 },
      { maxCutStallMs: 1.5 },
      { maxFinalLag: '5' },
      [],
      null,
    ]) {
      expect(() => resolveHealthThresholds(bad, 'node.json')).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
    }
  });

  it('remembers a bounded number of drops, forgetting the oldest', () => {
    const d = new RecentDrops(2);
    const e = new GongzhiError('TX_EXPIRED', 'x');
    d.add('a', e);
    d.add('b', e);
    d.add('c', e);
    expect([d.get('a'), d.get('b')?.error.code, d.get('c')?.error.code, d.size]).toEqual([
      undefined,
      'TX_EXPIRED',
      'TX_EXPIRED',
      2,
    ]);
  });
});
