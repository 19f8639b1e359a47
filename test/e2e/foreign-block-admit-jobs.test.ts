import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModules } from '../../src/demos/health-pass.js';
import { VoteNet } from '../../src/demos/vote-net.js';
import { toHex } from '../../src/encoding/index.js';
import type { CandidateTx } from '../../src/execution/index.js';
import { type CborMap, decodeReceipt, encodeTx, signTx } from '../../src/ledger/index.js';
import {
  castArgs,
  credential,
  type Election,
  trusteeKeyArgs,
  trusteeSharesArgs,
  voteArgs,
} from '../../src/modules/voting/index.js';
import { GroupLedger, type GroupLedgerOptions, type OrdererContext } from '../../src/node/group-ledger.js';
import { NodeMetrics } from '../../src/node/index.js';
import type { OrderedBatch, Orderer } from '../../src/ordering/index.js';
import { seedOf } from '../../src/testing/index.js';
import { tempDir } from '../helpers/fixtures.js';

const DIST = new URL('../../dist/', import.meta.url);
const built = existsSync(new URL('node/admit-jobs-entry.js', DIST));
const TRUSTEES = ['bureau', 'office', 'arbitration'] as const;

/** What the test needs of a GroupLedger (the built one from dist/, or this tree's). */
interface Ledger {
  readonly latest: { readonly height: number; readonly hash: Uint8Array };
  readonly store: { txsOfBlock(h: number): { receipt: Uint8Array }[] };
  close(): Promise<void>;
}

/** An orderer that delivers only what the test hands it: every batch is a block another node filled. */
function feedOrderer() {
  const fed: { sink?: (b: OrderedBatch) => Promise<void> | void; ctx?: OrdererContext } = {};
  const factory = (ctx: OrdererContext): Orderer => {
    fed.ctx = ctx;
    return {
      start: (sink) => {
        fed.sink = sink;
      },
      submit: () => {},
      pending: 0,
      stop: async () => {},
    };
  };
  const feed = async (txs: readonly Uint8Array[], timestamp: number, order: CborMap) => {
    const { sink, ctx } = fed;
    if (sink === undefined || ctx === undefined) throw new Error('orderer not started');
    const cands = txs.map((b) => ctx.toCandidate(b)) as CandidateTx[];
    await sink({ txs: cands, timestamp, order });
  };
  return { factory, feed };
}

/**
 * Blocks this node did not admit: node A (this tree) runs an election and admits its ballots;
 * node B (the built node from dist/, with a real verify-pool worker thread) and node C (this
 * tree, no pool) are handed A's blocks through an orderer and admitted none of their
 * transactions. B verifies their ballots and open votes on the worker before each block runs
 * (`gongzhi_block_admit_jobs_total{thread="worker"}`); a block with a bad ballot and a bad vote
 * fails them on B exactly as on C: same receipts, same block hash, and both equal A's blocks.
 */
describe.skipIf(!built)('ballots in blocks this node did not admit: verified on the verify pool', () => {
  const tmp = tempDir('gongzhi-foreign-jobs-');
  let a: VoteNet | undefined;
  const open: Ledger[] = [];
  const pools: { close(): Promise<void> }[] = [];
  let nonce = 0;

  /** Bytes of a `voting` transaction from a fresh relay key, never submitted to A. */
  const tx = (method: string, args: CborMap) => {
    const n = a as VoteNet;
    const k = n.net.key(`foreign-relay-${nonce}`);
    const body = {
      chain: n.net.group.chain,
      group: n.net.group.group,
      sender: k.publicKey,
      nonce: `f${nonce++}`,
      validUntil: n.net.group.latest.height + 100,
      module: 'voting',
      method,
      args,
    };
    return encodeTx(signTx(n.net.suite, k.secretKey, body));
  };

  beforeAll(async () => {
    const n = await VoteNet.start(
      { dataDir: join(tmp.dir, 'a'), log: () => {} },
      { bureau: ['voting-registrar'], office: [], arbitration: [] },
    );
    a = n;
    await n.ok('bureau', 'create', {
      id: 'sec',
      kind: 'election',
      title: 't',
      questions: [{ question: 'q', answers: ['a', 'b'], min: 0, max: 1 }],
      trustees: TRUSTEES.map((t) => n.address(t)),
      threshold: 2,
    });
    await n.ok('bureau', 'enrol', {
      election: 'sec',
      voters: ['a', 'b', 'c', 'd'].map((s) => ({
        credential: credential({ group: 'ed25519' }, seedOf(s)).publicKey,
        weight: 100,
      })),
    });
    for (const [i, t] of TRUSTEES.entries())
      await n.ok(t, 'trusteeKey', trusteeKeyArgs(n.record('sec').election, i + 1, seedOf(`t${i}`)));
    for (const [i, t] of TRUSTEES.entries()) {
      const rec = n.record('sec');
      await n.ok(t, 'trusteeShares', trusteeSharesArgs(rec.election, i + 1, rec.trustees, seedOf(`t${i}`)));
    }
    await n.ok('bureau', 'freeze', { election: 'sec' });
    await n.ok('bureau', 'open', { election: 'sec' });
    await n.ok('bureau', 'create', { id: 'res', kind: 'resolution', title: 'r', matter: 'ordinary' });
    await n.ok('bureau', 'enrol', {
      election: 'res',
      voters: [{ credential: credential({ group: 'ed25519' }, seedOf('a')).publicKey, weight: 100 }],
    });
    await n.ok('bureau', 'freeze', { election: 'res' });
    await n.ok('bureau', 'open', { election: 'res' });
    const e = n.record('sec').election;
    for (const s of ['a', 'b'])
      expect((await n.relay('cast', castArgs(e, seedOf(s), [[1, 0]], seedOf(`${s}/ballot`)))).status).toBe(
        'ok',
      );
    const res = n.record('res').election;
    expect((await n.relay('vote', voteArgs(res, seedOf('a'), 1, 'yes', seedOf('a/vote')))).status).toBe('ok');
  }, 120_000);

  afterAll(async () => {
    for (const l of open) await l.close();
    for (const p of pools) await p.close();
    await a?.stop();
    tmp.remove();
  });

  it('runs the ballot and vote jobs on the worker before the block, and fails a bad ballot as before', async () => {
    const n = a as VoteNet;
    const g = n.net.group;
    // The built node, its verify pool and its modules: a module instance of their own, whose
    // memos A's admissions never filled.
    const distNode = await import(new URL('node/index.js', DIST).href);
    const distCrypto = await import(new URL('crypto/index.js', DIST).href);
    const distDemo = await import(new URL('demos/health-pass.js', DIST).href);
    const pool = new distCrypto.VerifyPool(1);
    pools.push(pool);
    const metricsB = new distNode.NodeMetrics();
    const b = feedOrderer();
    const c = feedOrderer();
    const options = (dir: string, id: string): Omit<GroupLedgerOptions, 'modules' | 'metrics'> => {
      mkdirSync(join(tmp.dir, dir), { recursive: true });
      return {
        genesis: g.genesis,
        suite: g.suite,
        dataDir: join(tmp.dir, dir),
        nodeId: id,
        nodeSecretKey: g.suite.generateKeyPair().secretKey,
        mempoolLimit: 1000,
        logger: pino({ level: 'silent' }),
      };
    };
    const ledgerB: Ledger = distNode.GroupLedger.open({
      ...options('b', 'b-node'),
      modules: distDemo.identityModules(),
      metrics: metricsB,
      verifyPool: pool,
      ordererFactory: b.factory,
    });
    open.push(ledgerB);
    const ledgerC = GroupLedger.open({
      ...options('c', 'c-node'),
      modules: identityModules(),
      metrics: new NodeMetrics(),
      ordererFactory: c.factory,
    });
    open.push(ledgerC);
    const jobs = async (thread: string) => {
      const m = (await metricsB.foreignAdmitJobs.get()) as {
        values: { labels: { thread?: string }; value: number }[];
      };
      return m.values.find((v) => v.labels.thread === thread)?.value ?? 0;
    };

    // A's blocks, one by one, on B and C: the same block hashes as A's.
    const head = g.latest;
    for (let h = 1; h <= head.height; h++) {
      const block = g.store.blockByHeight(h);
      if (block === undefined) throw new Error(`no block ${h}`);
      const txs = g.store.txsOfBlock(h).map((t) => t.tx);
      for (const f of [b, c]) await f.feed(txs, block.header.timestamp, block.header.order);
      expect([toHex(ledgerB.latest.hash), toHex(ledgerC.latest.hash)], `block ${h}`).toEqual([
        toHex(block.hash),
        toHex(block.hash),
      ]);
    }
    // Two ballots and an open vote: their jobs ran on the worker, none on this thread.
    expect([await jobs('worker'), await jobs('main')]).toEqual([3, 0]);

    // A block no node admitted: a good ballot, one with its 0/1 proofs swapped, a vote with a
    // flipped signature bit, and a good vote signed for the election it names.
    const e: Election = n.record('sec').election;
    const good = castArgs(e, seedOf('c'), [[0, 1]], seedOf('c/ballot'));
    const bad = castArgs(e, seedOf('d'), [[1, 0]], seedOf('d/ballot'));
    const ballot = bad.ballot as { answers: { proofs: Uint8Array[][] }[] } & CborMap;
    const q0 = ballot.answers[0] as { proofs: Uint8Array[][] } & CborMap;
    const swapped = {
      ...ballot,
      answers: [{ ...q0, proofs: [q0.proofs[1], q0.proofs[0]] as Uint8Array[][] }],
    };
    const vote = voteArgs(n.record('res').election, seedOf('a'), 2, 'no', seedOf('a/vote2'));
    const flipped = Uint8Array.from(vote.signature as Uint8Array);
    flipped[5] = (flipped[5] as number) ^ 1;
    const txs = [
      tx('cast', good),
      tx('cast', { election: 'sec', ballot: swapped }),
      tx('vote', { ...vote, signature: flipped }),
      tx('vote', vote),
    ];
    const at = head.header.timestamp + 1;
    for (const f of [b, c]) await f.feed(txs, at, {});
    const statuses = (l: Ledger) =>
      l.store.txsOfBlock(l.latest.height).map((t) => decodeReceipt(t.receipt).status);
    expect(ledgerB.latest.height).toBe(head.height + 1);
    expect(statuses(ledgerB)).toEqual(['ok', 'VOTING_BAD_PROOF', 'VOTING_BAD_SIGNATURE', 'ok']);
    // The same receipts and block hash with the pool as without it (the same checks decided).
    expect(statuses(ledgerC)).toEqual(statuses(ledgerB));
    expect(toHex(ledgerB.latest.hash)).toBe(toHex(ledgerC.latest.hash));
    // All four jobs ran on the worker; the two that failed there were failed again by `check`.
    expect([await jobs('worker'), await jobs('main')]).toEqual([7, 0]);
  }, 120_000);
});
