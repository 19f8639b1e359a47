/**
 * The explorer's routes (header-only block pages, one block's header, a page of one block's
 * transactions) and the CORS allow-list, against a real node over HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import { getSuite } from '../../src/crypto/index.js';
import { toHex, utf8 } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import { DEFAULT_PARAMS, type Genesis } from '../../src/ledger/index.js';
import { parseCorsOrigins } from '../../src/node/cors-config.js';
import { GongzhiNode } from '../../src/node/index.js';
import { buildTx, GongzhiClient } from '../../src/sdk/index.js';

const suite = getSuite('ed25519');
const CHAIN = 'pages-test';
const admin = suite.generateKeyPair();
const nodeKey = suite.generateKeyPair();
const adminAddr = suite.address(admin.publicKey);
const ALLOWED = 'https://console.example.org';

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

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isGongzhiError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('block pages and CORS', () => {
  let dataDir: string;
  let node: GongzhiNode;
  let server: RunningServer;
  let open: RunningServer;
  let client: GongzhiClient;
  /** Height of the block holding the big batch, and its transactions in block order. */
  let big: { height: number; hashes: string[] };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-pages-'));
    node = await GongzhiNode.start({
      nodeId: 'node1',
      org: 'org1',
      nodeSecretKey: nodeKey.secretKey,
      genesis: [genesis],
      dataDir,
      logger: pino({ level: 'silent' }),
      cutWhenIdle: false,
    });
    server = await startServer(node, { host: '127.0.0.1', port: 0 });
    open = await startServer(node, { host: '127.0.0.1', port: 0, corsOrigins: [ALLOWED] });
    client = new GongzhiClient({ url: server.url });
    const txs = Array.from({ length: 250 }, (_, i) =>
      buildTx({
        suite,
        secretKey: admin.secretKey,
        chain: CHAIN,
        group: 'main',
        module: 'evidence',
        method: 'anchor',
        args: { digest: suite.hash(utf8(`page-${i}`)), alg: 'sha256', meta },
        validUntil: 1000,
      }),
    );
    const r = await client.submitBatch(
      'main',
      txs.map((t) => t.bytes),
      { wait: 'commit' },
    );
    const heights = new Set(r.map((x) => x.height));
    const height = Math.max(...[...heights].map(Number));
    const full = await client.block('main', height);
    big = { height, hashes: full.txs };
  });

  afterAll(async () => {
    await open?.close();
    await server?.close();
    await node?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('pages block headers newest first, without transaction lists', async () => {
    const head = node.group('main').latest.height;
    const first = await client.blocks('main', { limit: 2 });
    expect(first.map((b) => b.height)).toEqual([head, head - 1].filter((h) => h >= 0));
    expect(first[0]).not.toHaveProperty('txs');
    const full = await client.block('main', head);
    const { txs: _txs, ...header } = full;
    expect(first[0]).toEqual(header);
    const older = await client.blocks('main', { before: 0, limit: 10 });
    expect(older.map((b) => b.height)).toEqual([0]);
    expect(await client.blocks('main', { before: head + 1000, limit: 1 })).toHaveLength(1);
    expect(await code(client.blocks('main', { limit: 0 }))).toBe('API_BAD_REQUEST');
    expect(await code(client.blocks('main', { limit: 101 }))).toBe('API_BAD_REQUEST');
    expect(await code(client.blocks('nope'))).toBe('TX_UNKNOWN_GROUP');
  });

  it('answers one block header by height and by hash', async () => {
    const byHeight = await client.blockHeader('main', big.height);
    const byHash = await client.blockHeader('main', byHeight.hash);
    expect(byHash).toEqual(byHeight);
    expect(byHeight.header.txCount).toBe(big.hashes.length);
    expect(byHeight).not.toHaveProperty('txs');
    expect(await code(client.blockHeader('main', 999_999))).toBe('BLOCK_NOT_FOUND');
    expect(await code(client.blockHeader('main', 'zz'))).toBe('API_BAD_REQUEST');
  });

  it('pages one block’s transactions in block order, to the end', async () => {
    expect(big.hashes.length).toBeGreaterThan(100);
    const seen: string[] = [];
    let from: number | null = 0;
    let pages = 0;
    while (from !== null) {
      const page = await client.blockTxs('main', big.height, { from, limit: 100 });
      expect(page.height).toBe(big.height);
      expect(page.txCount).toBe(big.hashes.length);
      for (const [k, t] of page.txs.entries()) {
        expect(t.index).toBe(from + k);
        expect(t).toMatchObject({ height: big.height, sender: adminAddr, module: 'evidence', status: 'ok' });
      }
      seen.push(...page.txs.map((t) => t.hash));
      from = page.next;
      pages++;
    }
    expect(seen).toEqual(big.hashes);
    expect(pages).toBe(Math.ceil(big.hashes.length / 100));
    const past = await client.blockTxs('main', big.height, { from: big.hashes.length + 5 });
    expect(past).toMatchObject({ txs: [], next: null });
    const genesisTxs = await client.blockTxs('main', 0);
    expect(genesisTxs).toMatchObject({ height: 0, txCount: 0, txs: [], next: null });
    expect(await code(client.blockTxs('main', big.height, { limit: 1001 }))).toBe('API_BAD_REQUEST');
    expect(await code(client.blockTxs('main', 999_999))).toBe('BLOCK_NOT_FOUND');
  });

  it('opens no cross-origin access by default', async () => {
    const res = await fetch(`${server.url}/v1/groups`, { headers: { origin: ALLOWED } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${server.url}/v1/groups/main/txs`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.status).toBe(404);
  });

  it('allows exactly the named origins', async () => {
    const res = await fetch(`${open.url}/v1/groups`, { headers: { origin: ALLOWED } });
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('vary')).toMatch(/origin/i);
    const pre = await fetch(`${open.url}/v1/groups/main/txs`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toContain('content-type');
    const other = await fetch(`${open.url}/v1/groups`, { headers: { origin: 'https://evil.example' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const otherPre = await fetch(`${open.url}/v1/groups/main/txs`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(otherPre.status).toBe(404);
    expect(otherPre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a malformed origin list in the config with CONFIG_INVALID', () => {
    expect(parseCorsOrigins(undefined)).toEqual([]);
    expect(parseCorsOrigins(['https://A.example.org:8443', 'http://127.0.0.1:5173'])).toEqual([
      'https://a.example.org:8443',
      'http://127.0.0.1:5173',
    ]);
    for (const bad of ['*', ['*'], ['https://x.org/path'], ['ftp://x.org'], [5], 'https://x.org']) {
      let c = '';
      try {
        parseCorsOrigins(bad, '/tmp/node.json');
      } catch (e) {
        c = isGongzhiError(e) ? e.code : 'other';
      }
      expect(c, JSON.stringify(bad)).toBe('CONFIG_INVALID');
    }
  });
});
