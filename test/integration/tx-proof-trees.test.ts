import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import { getSuite } from '../../src/crypto/index.js';
import { fromHex, toHex, utf8 } from '../../src/encoding/index.js';
import { DEFAULT_PARAMS, type Genesis, packedTreeBytes } from '../../src/ledger/index.js';
import { GongzhiNode } from '../../src/node/index.js';
import {
  buildTx,
  type EvidenceCertificate,
  GongzhiClient,
  type TxResponse,
  verifyCertificate,
  verifyTxInclusion,
} from '../../src/sdk/index.js';

/**
 * `GET …/txs/{hash}` (issue 13): the inclusion proofs are read from the Merkle trees the node keeps
 * with each block (one row), not rebuilt from every transaction of the block. The answer is the
 * same, byte for byte, as the one rebuilt from the block — which is still what a block committed
 * before the trees were kept gets, and what a stored tree that does not lead to the header's root
 * gets (it is never served). The same holds for the offline evidence certificate's proofs.
 */
const suite = getSuite('ed25519');
const CHAIN = 'proof-trees-test';
const admin = suite.generateKeyPair();
const nodeKey = suite.generateKeyPair();
const adminAddr = suite.address(admin.publicKey);
const trustedNodes = [{ id: 'node1', publicKey: toHex(nodeKey.publicKey) }];

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

describe('a transaction’s proofs from the trees kept with its block', () => {
  let dataDir: string;
  let node: GongzhiNode;
  let server: RunningServer;
  let client: GongzhiClient;
  const hashes: string[] = [];
  /** Each transaction's answer as first served, as text. */
  const first = new Map<string, string>();
  const get = async (hash: string) => {
    const res = await fetch(`${server.url}/v1/groups/main/txs/${hash}`);
    expect(res.status).toBe(200);
    return res.text();
  };
  const store = () => node.group('main').store;
  const digests: string[] = [];
  /** Each digest's evidence certificate as first served, as text. */
  const certs = new Map<string, string>();
  const cert = async (digest: string) => {
    const res = await fetch(`${server.url}/v1/groups/main/evidence/${digest}/certificate`);
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-proof-trees-'));
    node = await GongzhiNode.start({
      nodeId: 'node1',
      org: 'org1',
      nodeSecretKey: nodeKey.secretKey,
      genesis: [genesis],
      dataDir,
      logger: pino({ level: 'silent' }),
    });
    server = await startServer(node, { host: '127.0.0.1', port: 0 });
    client = new GongzhiClient({ url: server.url });
    let n = 0;
    // Blocks of 1, 2, 5, 7 and 12 transactions: trees with odd levels and promoted nodes.
    for (const size of [1, 2, 5, 7, 12]) {
      const txs = Array.from({ length: size }, () => {
        const digest = suite.hash(utf8(`tree-${n++}`));
        digests.push(toHex(digest));
        return buildTx({
          suite,
          secretKey: admin.secretKey,
          chain: CHAIN,
          group: 'main',
          module: 'evidence',
          method: 'anchor',
          args: { digest, alg: 'sha256', meta },
          validUntil: node.group('main').latest.height + 100,
        });
      });
      const r = await client.submitBatch(
        'main',
        txs.map((t) => t.bytes),
        { wait: 'commit' },
      );
      for (const x of r) {
        if (x.hash === undefined || x.height === undefined)
          throw new Error(`not committed: ${JSON.stringify(x)}`);
        hashes.push(x.hash);
      }
    }
  }, 60_000);

  afterAll(async () => {
    vi.restoreAllMocks();
    await server?.close();
    await node?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every answer verifies, and none read its block’s transactions', async () => {
    const spy = vi.spyOn(store(), 'txsOfBlock');
    const heights = new Set<number>();
    for (const h of hashes) {
      const text = await get(h);
      first.set(h, text);
      const resp = JSON.parse(text) as TxResponse;
      expect(verifyTxInclusion(resp, { chain: CHAIN, group: 'main' })).toMatchObject({ ok: true });
      heights.add(resp.height as number);
    }
    expect(heights.size).toBeGreaterThan(2);
    // The offline evidence certificate (its proofs too) of every anchor, verified in the same way.
    for (const d of digests) {
      const text = await cert(d);
      certs.set(d, text);
      const c = JSON.parse(text) as EvidenceCertificate;
      expect(verifyCertificate({ certificate: c, digest: fromHex(d), trustedNodes }).valid).toBe(true);
    }
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    // One row per block with transactions, of the size its transaction count gives.
    const rows = store()
      .db.prepare(
        'SELECT b.tx_count AS n, length(t.tx_tree) AS a, length(t.receipt_tree) AS b FROM block_trees t JOIN blocks b USING (height)',
      )
      .all() as { n: number; a: number; b: number }[];
    expect(rows.length).toBe(heights.size);
    for (const r of rows) expect([r.a, r.b]).toEqual([packedTreeBytes(r.n), packedTreeBytes(r.n)]);
  });

  it('a stored tree that does not lead to the header’s root is not served: the same answer, rebuilt from the block', async () => {
    const h = hashes.at(-1) as string;
    const height = (JSON.parse(first.get(h) as string) as TxResponse).height as number;
    const spy = vi.spyOn(store(), 'txsOfBlock');
    // The same size, other bytes (the receipt tree), then a tree cut short (the tx tree).
    store()
      .db.prepare('UPDATE block_trees SET receipt_tree = zeroblob(length(receipt_tree)) WHERE height = ?')
      .run(height);
    expect(await get(h)).toBe(first.get(h));
    store().db.prepare('UPDATE block_trees SET tx_tree = substr(tx_tree, 33) WHERE height = ?').run(height);
    expect(await get(h)).toBe(first.get(h));
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });

  it('a block committed before the trees were kept gets the same answers, rebuilt from the block', async () => {
    store().db.prepare('DELETE FROM block_trees').run();
    const spy = vi.spyOn(store(), 'txsOfBlock');
    for (const h of hashes) expect(await get(h)).toBe(first.get(h));
    expect(spy).toHaveBeenCalledTimes(hashes.length);
    for (const d of digests) expect(await cert(d)).toBe(certs.get(d));
    expect(spy).toHaveBeenCalledTimes(2 * hashes.length);
    spy.mockRestore();
  });
});
