import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { it } from 'vitest';
import { startServer } from '../../src/api/index.js';
import { getSuite } from '../../src/crypto/index.js';
import { toBase64Url, toHex } from '../../src/encoding/index.js';
import { DEFAULT_PARAMS } from '../../src/ledger/index.js';
import { GongzhiNode } from '../../src/node/index.js';
import { buildTx } from '../../src/sdk/index.js';
const suite = getSuite('ed25519');
it('bench', async () => {
  const admin = suite.generateKeyPair(); const nk = suite.generateKeyPair();
  const addr = suite.address(admin.publicKey);
  const node = await GongzhiNode.start({ nodeId: 'n1', org: 'o1', nodeSecretKey: nk.secretKey, dataDir: mkdtempSync(join(tmpdir(), 'x')), logger: pino({level:'silent'}), verifyWorkers: Number(process.env.VW ?? 4),
    genesis: [{ chain: 'c', group: 'main', suite: 'ed25519', timestamp: 1, params: {...DEFAULT_PARAMS, blockIntervalMs: 200}, orgs: [{id:'o1', name:'o', admins:[toHex(admin.publicKey)], nodes:[{id:'n1', publicKey: toHex(nk.publicKey)}]}], committee: {members:[{account: addr, weight:1}], threshold: 67}, roles: {[addr]: ['org']}, permissions: {'evidence.anchor': ['org']} }] });
  const server = await startServer(node, { host: '127.0.0.1', port: 0 });
  for (let round = 0; round < 3; round++) {
    const txs = Array.from({ length: 10_000 }, (_, i) => toBase64Url(buildTx({ suite, secretKey: admin.secretKey, chain: 'c', group: 'main', module: 'evidence', method: 'anchor', args: { digest: suite.hash(new TextEncoder().encode(`${round}-${i}`)), alg: 'sha256', meta: { type: 'p', capturedBy: 'x', capturedAt: 1, method: 'm' } }, validUntil: 500 }).bytes));
    const body = JSON.stringify({ txs });
    if (process.env.DIRECT) {
      const { fromBase64Url } = await import('../../src/encoding/index.js');
      const d0 = performance.now();
      const parsed = JSON.parse(body) as { txs: string[] };
      const d1 = performance.now();
      const bytes = parsed.txs.map(fromBase64Url);
      const d2 = performance.now();
      const res = await node.group('main').submit(bytes);
      const d3 = performance.now();
      console.log(`direct: parse ${(d1-d0).toFixed(0)} b64 ${(d2-d1).toFixed(0)} submit ${(d3-d2).toFixed(0)} errors ${res.filter((x) => 'error' in x).length}`);
      while (node.group('main').mempoolSize > 0) await new Promise((res) => setTimeout(res, 5));
      console.log(`direct committed ${(performance.now()-d0).toFixed(0)}`);
      continue;
    }
    const t0 = performance.now();
    const r = await fetch(`${server.url}/v1/groups/main/txs/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const j = await r.json() as { results: { error?: unknown }[] };
    const t1 = performance.now();
    const r2 = await fetch(`${server.url}/v1/groups/main/txs/batch?wait=commit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ txs: [] }) });
    await r2.json();
    const h0 = node.group('main').latest.height;
    while (node.group('main').mempoolSize > 0) await new Promise((res) => setTimeout(res, 5));
    const t2 = performance.now();
    console.log(`round ${round}: body ${(body.length/1e6).toFixed(1)}MB, status ${r.status}, errors ${j.results.filter((x) => x.error).length}, submit ${(t1-t0).toFixed(0)}ms, all committed ${(t2-t0).toFixed(0)}ms, height ${h0}->${node.group('main').latest.height}`);
  }
  await server.close(); await node.close();
}, 120_000);
