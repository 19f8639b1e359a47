import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { VerifyPool } from '../crypto/index.js';
import { identityModules } from '../demos/health-pass.js';
import { VoteNet } from '../demos/vote-net.js';
import type { CandidateTx } from '../execution/index.js';
import { type CborMap, decodeReceipt, encodeTx, signTx } from '../ledger/index.js';
import { castArgs, credential, trusteeKeyArgs, trusteeSharesArgs } from '../modules/voting/index.js';
import { GroupLedger, type OrdererContext } from '../node/group-ledger.js';
import { NodeMetrics } from '../node/index.js';
import type { OrderedBatch, Orderer } from '../ordering/index.js';
import { seedOf } from '../testing/index.js';

const TRUSTEES = ['bureau', 'office', 'arbitration'] as const;
const QUESTIONS = [
  { question: 'a', answers: ['1', '2', '3', '4'], min: 0, max: 2 },
  { question: 'b', answers: ['yes'], min: 0, max: 1 },
  { question: 'c', answers: ['x', 'y', 'z'], min: 1, max: 1 },
];

/** A ledger fed blocks by hand: none of their transactions was admitted by it. */
function fedLedger(a: VoteNet, dir: string, id: string, pool: VerifyPool | undefined) {
  const fed: { sink?: (b: OrderedBatch) => Promise<void> | void; ctx?: OrdererContext } = {};
  const g = a.net.group;
  mkdirSync(dir, { recursive: true });
  const ledger = GroupLedger.open({
    genesis: g.genesis,
    suite: g.suite,
    dataDir: dir,
    nodeId: id,
    nodeSecretKey: g.suite.generateKeyPair().secretKey,
    modules: identityModules(),
    mempoolLimit: 1000,
    logger: pino({ level: 'silent' }),
    metrics: new NodeMetrics(),
    verifyPool: pool,
    ordererFactory: (ctx): Orderer => {
      fed.ctx = ctx;
      return {
        start: (sink) => {
          fed.sink = sink;
        },
        submit: () => {},
        pending: 0,
        stop: async () => {},
      };
    },
  });
  const feed = async (txs: readonly Uint8Array[], timestamp: number, order: CborMap) => {
    const { sink, ctx } = fed;
    if (sink === undefined || ctx === undefined) throw new Error('orderer not started');
    await sink({ txs: txs.map((b) => ctx.toCandidate(b)) as CandidateTx[], timestamp, order });
  };
  return { ledger, feed };
}

/**
 * `npm run bench -- --only-voting-admit --foreign-block-ballots N [--admit-workers W]`: blocks of
 * ballots (ristretto255, 3 questions) that this node did not admit, applied by a node without a
 * verify pool (every proof checked by `check` on the main thread) and by one with W workers (the
 * proofs checked on the pool before the block runs), alternating block by block in one run. Each
 * side gets its own ballots (the memos are per process: a ballot one side verified would be free
 * for the other). Ballots per second from handing the block over to its commit.
 */
export async function benchForeignBlock(n: number, workers: number, perBlock = 50) {
  const tmp = mkdtempSync(join(tmpdir(), 'gongzhi-bench-foreign-'));
  const pool = new VerifyPool(workers);
  let a: VoteNet | undefined;
  const ledgers: GroupLedger[] = [];
  try {
    const net = await VoteNet.start(
      { dataDir: join(tmp, 'a'), log: () => {} },
      { bureau: ['voting-registrar'], office: [], arbitration: [] },
    );
    a = net;
    const seeds = Array.from({ length: 2 * n }, (_, i) => seedOf(`foreign-v${i}`));
    await net.ok('bureau', 'create', {
      id: 'fb',
      kind: 'election',
      title: 'bench',
      questions: QUESTIONS,
      trustees: TRUSTEES.map((t) => net.address(t)),
      threshold: 2,
    });
    for (let i = 0; i < seeds.length; i += 500) {
      await net.ok('bureau', 'enrol', {
        election: 'fb',
        voters: seeds
          .slice(i, i + 500)
          .map((s) => ({ credential: credential({ group: 'ed25519' }, s).publicKey, weight: 1 })),
      });
    }
    for (const [i, t] of TRUSTEES.entries())
      await net.ok(t, 'trusteeKey', trusteeKeyArgs(net.record('fb').election, i + 1, seedOf(`fb-t${i}`)));
    for (const [i, t] of TRUSTEES.entries()) {
      const rec = net.record('fb');
      await net.ok(
        t,
        'trusteeShares',
        trusteeSharesArgs(rec.election, i + 1, rec.trustees, seedOf(`fb-t${i}`)),
      );
    }
    await net.ok('bureau', 'freeze', { election: 'fb' });
    await net.ok('bureau', 'open', { election: 'fb' });
    const e = net.record('fb').election;
    const g = net.net.group;
    // Signed ballots A never admits: the even ones for the node without a pool, the odd ones for the other.
    const ballot = (i: number) => {
      const k = net.net.key(`fb-relay-${i}`);
      const sel = [
        [i % 2, (i >> 1) % 2, 0, 0],
        [i % 3 === 0 ? 1 : 0],
        [0, 1, 2].map((q) => (q === i % 3 ? 1 : 0)),
      ];
      const body = {
        chain: g.chain,
        group: g.group,
        sender: k.publicKey,
        nonce: `fb${i}`,
        validUntil: g.latest.height + 500,
        module: 'voting',
        method: 'cast',
        args: castArgs(e, seeds[i] as Uint8Array, sel, seedOf(`foreign-b${i}`)),
      };
      return encodeTx(signTx(g.suite, k.secretKey, body));
    };
    const txs = Array.from({ length: 2 * n }, (_, i) => ballot(i));
    const main = fedLedger(net, join(tmp, 'main'), 'main-node', undefined);
    const pooled = fedLedger(net, join(tmp, 'pool'), 'pool-node', pool);
    ledgers.push(main.ledger, pooled.ledger);
    const head = g.latest;
    for (let h = 1; h <= head.height; h++) {
      const block = g.store.blockByHeight(h);
      if (block === undefined) throw new Error(`no block ${h}`);
      const bytes = g.store.txsOfBlock(h).map((t) => t.tx);
      for (const side of [main, pooled]) await side.feed(bytes, block.header.timestamp, block.header.order);
    }
    const ms = { main: 0, pool: 0 };
    // How long the thread that also serves HTTP was busy (event-loop utilisation's active time)
    // while each side's blocks were applied: the work the pool takes off it.
    const busy = { main: 0, pool: 0 };
    let at = head.header.timestamp;
    for (let i = 0; i < n; i += perBlock) {
      at++;
      const count = Math.min(perBlock, n - i);
      for (const [side, name, parity] of [
        [main, 'main', 0],
        [pooled, 'pool', 1],
      ] as const) {
        const block = Array.from({ length: count }, (_, k) => txs[2 * (i + k) + parity] as Uint8Array);
        const h0 = side.ledger.latest.height;
        const e0 = performance.eventLoopUtilization();
        const t = performance.now();
        await side.feed(block, at, {});
        ms[name] += performance.now() - t;
        busy[name] += performance.eventLoopUtilization(e0).active;
        const l = side.ledger;
        if (l.latest.height !== h0 + 1) throw new Error(`${name}: the block did not commit`);
        if (l.store.txsOfBlock(l.latest.height).some((r) => decodeReceipt(r.receipt).status !== 'ok'))
          throw new Error(`${name}: a bench ballot failed`);
      }
    }
    const perSec = (t: number) => Math.round((n / t) * 10_000) / 10;
    const perBallot = (t: number) => Math.round((t / n) * 100) / 100;
    return {
      ballots: n,
      perBlock,
      workers,
      mainThreadPerSec: perSec(ms.main),
      poolPerSec: perSec(ms.pool),
      /** Main-thread busy ms per ballot, without and with the pool. */
      mainThreadBusyMsPerBallot: perBallot(busy.main),
      poolBusyMsPerBallot: perBallot(busy.pool),
    };
  } finally {
    for (const l of ledgers) await l.close();
    await a?.stop();
    await pool.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
