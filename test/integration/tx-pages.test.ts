import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import { getSuite } from '../../src/crypto/index.js';
import { toHex, utf8 } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import { DEFAULT_PARAMS, type Genesis } from '../../src/ledger/index.js';
import { GongzhiNode } from '../../src/node/index.js';
import { buildTx, GongzhiClient, type TxIndexEntry } from '../../src/sdk/index.js';
import { GroupStore } from '../../src/storage/index.js';

/**
 * The explorer's paged reads (issue 13): a sender's or a module's transactions page by the
 * (height, index) cursor the node returns, read in the order of an index (no sort of the whole
 * history), every row once; a transaction with its receipt from its own row
 * (`GET …/txs/{hash}/receipt`); a file with the first indexes gets the new ones when opened.
 */
const suite = getSuite('ed25519');
const CHAIN = 'pages-test';
const admin = suite.generateKeyPair();
const other = suite.generateKeyPair();
const nodeKey = suite.generateKeyPair();
const adminAddr = suite.address(admin.publicKey);
const otherAddr = suite.address(other.publicKey);

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
      admins: [toHex(admin.publicKey), toHex(other.publicKey)],
      nodes: [{ id: 'node1', publicKey: toHex(nodeKey.publicKey) }],
    },
  ],
  committee: { members: [{ account: adminAddr, weight: 1 }], threshold: 67 },
  roles: { [adminAddr]: ['org'], [otherAddr]: ['org'] },
  permissions: { 'evidence.anchor': ['org'] },
};

const meta = { type: 'photo', capturedBy: 'tester', capturedAt: 1_700_000_000_000, method: 'camera' };

describe('paged transaction lists and the receipt-only look-up', () => {
  let dataDir: string;
  let node: GongzhiNode;
  let server: RunningServer;
  let client: GongzhiClient;
  /** Every anchor, newest first (height desc, index desc). */
  let all: { hash: string; height: number; index: number; sender: string }[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-pages-'));
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
    // Three batches: several blocks, several transactions per block, two senders interleaved.
    for (let round = 0; round < 3; round++) {
      const txs = Array.from({ length: 9 }, (_, i) =>
        buildTx({
          suite,
          secretKey: (i % 3 === 0 ? other : admin).secretKey,
          chain: CHAIN,
          group: 'main',
          module: 'evidence',
          method: 'anchor',
          args: { digest: suite.hash(utf8(`page-${n++}`)), alg: 'sha256', meta },
          validUntil: node.group('main').latest.height + 100,
        }),
      );
      const r = await client.submitBatch(
        'main',
        txs.map((t) => t.bytes),
        { wait: 'commit' },
      );
      for (const [i, x] of r.entries()) {
        if (x.hash === undefined || x.height === undefined || x.index === undefined) {
          throw new Error(`not committed: ${JSON.stringify(x)}`);
        }
        all.push({
          hash: x.hash,
          height: x.height,
          index: x.index,
          sender: i % 3 === 0 ? otherAddr : adminAddr,
        });
      }
    }
    all = all.sort((a, b) => b.height - a.height || b.index - a.index);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await node?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const pageThrough = async (by: { module: string } | { sender: string }, limit: number) => {
    const seen: TxIndexEntry[] = [];
    let cursor: { before: number; beforeIndex: number } | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const p = await client.txPage('main', { ...by, limit, ...cursor });
      expect(p.txs.length).toBeLessThanOrEqual(limit);
      seen.push(...p.txs);
      if (p.next === undefined) return { seen, pages: pages + 1 };
      cursor = p.next;
    }
    throw new Error('did not end');
  };

  it('a module’s transactions, 4 a page by the cursor: each once, newest first, across blocks', async () => {
    expect(new Set(all.map((x) => x.height)).size).toBeGreaterThan(1);
    const { seen, pages } = await pageThrough({ module: 'evidence' }, 4);
    expect(seen.map((x) => x.hash)).toEqual(all.map((x) => x.hash));
    expect(pages).toBe(Math.ceil(all.length / 4) + (all.length % 4 === 0 ? 1 : 0));
  });

  it('a sender’s transactions page the same way', async () => {
    const { seen } = await pageThrough({ sender: otherAddr }, 2);
    expect(seen.map((x) => x.hash)).toEqual(all.filter((x) => x.sender === otherAddr).map((x) => x.hash));
    expect(seen.every((x) => x.sender === otherAddr)).toBe(true);
  });

  it('`before` alone still means "at or below this height"; beforeIndex alone is refused', async () => {
    const h = all[3]?.height as number;
    const r = await client.txs('main', { module: 'evidence', before: h, limit: 1000 });
    expect(r.map((x) => x.hash)).toEqual(all.filter((x) => x.height <= h).map((x) => x.hash));
    const res = await fetch(`${server.url}/v1/groups/main/txs?module=evidence&beforeIndex=2`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('API_BAD_REQUEST');
  });

  it('the page queries read an index in order: no sort step in their plans', () => {
    const db = node.group('main').store.db;
    for (const col of ['module', 'sender']) {
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT hash, height, idx, sender, module, method, status FROM txs WHERE ${col} = ? AND (height, idx) < (?, ?) ORDER BY height DESC, idx DESC LIMIT ?`,
        )
        .all('evidence', 10, 0, 20) as { detail: string }[];
      const text = plan.map((p) => p.detail).join(' | ');
      expect(text).toContain(`txs_by_${col}_position`);
      expect(text).not.toContain('TEMP B-TREE');
    }
  });

  it('GET …/txs/{hash}/receipt: the transaction and receipt of the full answer, without proofs', async () => {
    const one = all[5] as (typeof all)[number];
    const lite = await client.txReceipt('main', one.hash);
    const full = await client.tx('main', one.hash);
    const { proof: _p, receiptProof: _r, block: _b, ...rest } = full;
    expect(lite).toEqual(rest);
    expect(lite.receipt?.status).toBe('ok');
    expect('proof' in lite).toBe(false);
    const missing = await client.txReceipt('main', 'ab'.repeat(32)).catch((e: unknown) => e);
    expect(isGongzhiError(missing) && missing.code).toBe('TX_NOT_FOUND');
    const bad = await fetch(`${server.url}/v1/groups/main/txs/nothex/receipt`);
    expect(bad.status).toBe(400);
  });
});

describe('a group file with the first transaction indexes', () => {
  it('gets the position indexes, and loses the old ones, when it is opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongzhi-index-migrate-'));
    try {
      const path = join(dir, 'main.sqlite');
      new GroupStore(path, { check: false }).db.close();
      const db = new Database(path);
      db.exec(
        'DROP INDEX txs_by_sender_position; DROP INDEX txs_by_module_position; ' +
          'CREATE INDEX txs_by_sender ON txs (sender, height); CREATE INDEX txs_by_module ON txs (module, method, height);',
      );
      db.close();
      const store = new GroupStore(path, { check: false });
      const names = (
        store.db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'txs'")
          .all() as {
          name: string;
        }[]
      ).map((r) => r.name);
      store.db.close();
      expect(names).toContain('txs_by_sender_position');
      expect(names).toContain('txs_by_module_position');
      expect(names).not.toContain('txs_by_sender');
      expect(names).not.toContain('txs_by_module');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
