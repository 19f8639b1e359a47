/**
 * Issue 18 / 16: a node that never reads some of the other nodes' block signatures from the
 * signature stream must not stay short of final for good. Seen once after a 45 s NATS majority
 * loss: two of four nodes one block short of final for 89 s, health "ok" (and again with no peers
 * configured, in network-majority-loss). Reproduced here: node 3 is down while three nodes make
 * blocks final, their signatures for those blocks are then deleted from the stream, and node 3
 * comes back. It computes the blocks but can read no quorum for them. /health says so; its repair
 * round announces its own signature again, the others answer by relaying their certificates, and
 * its final height reaches the head with no peers configured. The peer path (certificates over
 * HTTP from `network.peers`) is checked against a real API server.
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
import { peerSignatures } from '../../src/node/peer-sync.js';
import { streamNames } from '../../src/ordering/index.js';
import { makeTx, type TestConsortium, tempDir, testConsortium } from '../helpers/fixtures.js';
import { NatsCluster, natsServerAvailable } from '../helpers/nats-cluster.js';
import { until } from '../helpers/network-checks.js';
import { settle } from '../helpers/processes.js';

/**
 * Repair messages older than this are history (NetworkOptions.relayMaxAgeMs, 30 s by default): short
 * here so that the restart test need not wait half a minute, long enough for a loaded machine to
 * read a live repair round well within it.
 */
const RELAY_MAX_AGE_MS = 8_000;

describe.skipIf(!natsServerAvailable())('finality repair: signatures a node never read', () => {
  const tmp = tempDir('gongzhi-final-repair-');
  const cluster = new NatsCluster(tmp.dir, 1);
  let c: TestConsortium;
  const nodes: (GongzhiNode | undefined)[] = [];
  let server: RunningServer | undefined;
  let seq = 0;
  /** When node 3's repair made the missed blocks final (Date.now()), and their heights. */
  let repaired = { at: 0, from: 0, to: 0 };

  const startNode = (i: number, peers?: string[]) =>
    GongzhiNode.start({
      nodeId: `org${i}-node`,
      org: `org${i}`,
      nodeSecretKey: (c.nodeKeys[i] as KeyPair).secretKey,
      genesis: c.genesis,
      dataDir: `${tmp.dir}/node${i}`,
      logger: pino({ level: process.env.GZ_TEST_LOG ?? 'silent' }, destination(2)),
      network: {
        servers: cluster.urls,
        replicas: 1,
        relayMaxAgeMs: RELAY_MAX_AGE_MS,
        ...(peers ? { peers } : {}),
      },
      health: { ...DEFAULT_HEALTH_THRESHOLDS, maxFinalStallMs: 1_000 },
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

  it('a node missing a quorum of signatures says so in /health, then reaches the head by the others relaying their certificates', async () => {
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

    // Back, with no peers: it computes the blocks; its final height stays at `base` for a while.
    nodes[3] = await startNode(3);
    const s3 = await startServer(nodes[3] as GongzhiNode, { host: '127.0.0.1', port: 0 });
    try {
      const degraded = () => (nodes[3] as GongzhiNode).health()[0]?.degraded ?? [];
      // Past maxFinalStallMs (1 s here) and before the first repair round (5 s of standing still).
      await until(
        () => degraded().some((d) => d.startsWith('final height held at')),
        20_000,
        'stall reported',
      );
      expect(group(3).latest.height).toBeGreaterThanOrEqual(base + 1);
      expect(degraded()).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^final height held at ${base} for \\d+ ms \\(block ${base + 1} signed by org3-node\\)$`,
          ),
        ),
      );
      // The same over HTTP, as an operator's probe sees it.
      const res = await fetch(`${s3.url}/health`);
      const body = (await res.json()) as {
        status: string;
        groups: { finality?: { stalledMs: number; waiting?: { height: number; signers: string[] } } }[];
      };
      if (group(3).finalHeight === base) {
        expect(res.status).toBe(503);
        expect(body.status).toBe('degraded');
        expect(body.groups[0]?.finality?.waiting).toEqual({ height: base + 1, signers: ['org3-node'] });
      }
      // The repair round: it announces its signature again, the others relay their certificates.
      await until(() => group(3).finalHeight >= missed, 30_000, 'node 3 final past the missed blocks');
      repaired = { at: Date.now(), from: base + 1, to: missed };
      const after = await anchor(3);
      await until(() => group(3).finalHeight >= after, 20_000, 'final at the new head');
      await until(() => degraded().length === 0, 10_000, 'health ok again');
      for (let h = base + 1; h <= missed; h++) {
        expect(group(3).store.blockByHeight(h)?.hash).toEqual(group(0).store.blockByHeight(h)?.hash);
        expect(group(3).store.blockByHeight(h)?.signatures.length).toBeGreaterThanOrEqual(3);
      }
    } finally {
      await s3.close();
    }
  }, 150_000);

  it("a peer serves a final block's certificate; a peer that is down gives nothing and no error", async () => {
    const g3 = group(3);
    const h = g3.finalHeight;
    const o = {
      nodeId: 'org3-node',
      secretKey: (c.nodeKeys[3] as KeyPair).secretKey,
      logger: pino({ level: 'silent' }),
    };
    const sigs = await peerSignatures(g3, { ...o, peers: [(server as RunningServer).url] }, h);
    expect(sigs.length).toBeGreaterThanOrEqual(3);
    const hash = group(0).store.blockByHeight(h)?.hash as Uint8Array;
    const keys = new Map(c.nodeKeys.map((k, i) => [`org${i}-node`, k.publicKey]));
    for (const s of sigs) {
      expect(s.height).toBe(h);
      expect(s.hash).toEqual(hash);
      expect(c.suite.verify(keys.get(s.node) as Uint8Array, s.hash, s.sig)).toBe(true);
    }
    expect(await peerSignatures(g3, { ...o, peers: ['http://127.0.0.1:9'] }, h)).toEqual([]);
  }, 30_000);

  it('a node reading old repair rounds from the stream (a restart) does not relay certificates for them', async () => {
    expect(repaired.at).toBeGreaterThan(0);
    // Past RELAY_MAX_AGE_MS since the repair messages: they are history now.
    await new Promise((r) => setTimeout(r, Math.max(0, repaired.at + RELAY_MAX_AGE_MS + 1_000 - Date.now())));
    const nc = await connect({ servers: cluster.urls });
    try {
      const jsm = await jetstreamManager(nc);
      const stream = streamNames('main').sigStream;
      const before = (await jsm.streams.info(stream)).state.last_seq;
      await (nodes[1] as GongzhiNode).close();
      nodes[1] = await startNode(1);
      // It reads the whole signature stream, node 3's repair messages included.
      await until(() => group(1).finalHeight >= group(0).finalHeight, 20_000, 'node 1 back and final');
      await new Promise((r) => setTimeout(r, 2_000));
      const last = (await jsm.streams.info(stream)).state.last_seq;
      const relayed: number[] = [];
      for (let s = before + 1; s <= last; s++) {
        const m = await jsm.streams.getMessage(stream, { seq: s });
        const v = m ? decodeCanonical(m.data) : undefined;
        if (isMap(v) && typeof v.height === 'number' && v.height >= repaired.from && v.height <= repaired.to)
          relayed.push(v.height);
      }
      expect(relayed).toEqual([]);
    } finally {
      await nc.close();
    }
  }, 90_000);

  it('a node whose stream lacks the messages of blocks a quorum certified takes those blocks from a peer', async () => {
    // As seen after SIGKILLs of two of three NATS servers: one server's copy of the ordering stream
    // lacks a message the others cut a block with, and a node reading from it is "caught up".
    const g3 = group(3);
    const to = g3.latest.header.order.to;
    const seq = Array.isArray(to) ? Number(to[0]) : 0;
    await (nodes[3] as GongzhiNode).close();
    nodes[3] = undefined;
    const missed = await anchor(0);
    await until(() => [0, 1, 2].every((i) => group(i).finalHeight >= missed), 20_000, 'final on three');
    const nc = await connect({ servers: cluster.urls });
    try {
      const jsm = await jetstreamManager(nc);
      const stream = streamNames('main').stream;
      const last = (await jsm.streams.info(stream)).state.last_seq;
      for (let s = seq + 1; s <= last; s++) await jsm.streams.deleteMessage(stream, s).catch(() => false);
    } finally {
      await nc.close();
    }
    nodes[3] = await startNode(3, [(server as RunningServer).url]);
    // Nothing more is sent: only the certified blocks from the peer can move its head.
    await until(() => group(3).latest.height >= missed, 40_000, 'node 3 took the certified blocks');
    await until(() => group(3).finalHeight >= missed, 20_000, 'node 3 final at the head');
    expect(group(3).store.blockByHeight(missed)?.hash).toEqual(group(0).store.blockByHeight(missed)?.hash);
    // It refuses transactions (NODE_RECOVERING) until its last request to the peer says there is
    // nothing more, and then orders again: the head can be in before that answer is.
    await until(() => group(3).halted === undefined, 20_000, 'node 3 ordering again');
    // And it orders on: a transaction sent to it commits alike everywhere.
    const after = await anchor(3);
    await until(() => group(0).latest.height >= after, 20_000, 'committed on node 0');
    expect(group(3).store.blockByHeight(after)?.hash).toEqual(group(0).store.blockByHeight(after)?.hash);
  }, 120_000);
});
