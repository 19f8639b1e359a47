import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import { fromBase64Url, toBase64Url, toHex } from '../../src/encoding/index.js';
import { DEFAULT_PARAMS, decodeTx, encodeTx, type Genesis, signTx } from '../../src/ledger/index.js';
import { DEFAULT_MODULES, DEFAULT_PERMISSIONS, GongzhiNode } from '../../src/node/index.js';
import { applySyncPage, type SyncBlock, syncBlocks } from '../../src/node/peer-sync.js';

const suite = getSuite('ed25519');

describe('applySyncPage (catch-up: a page verified in one batch, then replayed block by block)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-sync-page-'));
  const admin = suite.generateKeyPair();
  const nodeKey = suite.generateKeyPair();
  const genesis: Genesis = {
    chain: 'sync-page',
    group: 'main',
    suite: 'ed25519',
    timestamp: 1_700_000_000_000,
    params: { ...DEFAULT_PARAMS },
    orgs: [
      {
        id: 'a',
        name: 'A',
        admins: [toHex(admin.publicKey)],
        nodes: [{ id: 'n0', publicKey: toHex(nodeKey.publicKey) }],
      },
    ],
    committee: { members: [{ account: suite.address(admin.publicKey), weight: 1 }], threshold: 67 },
    roles: {},
    permissions: { ...DEFAULT_PERMISSIONS, 'evidence.anchor': ['*'] },
  };
  const nodes: GongzhiNode[] = [];
  const start = async (sub: string) => {
    const n = await GongzhiNode.start({
      nodeId: 'n0',
      org: 'a',
      nodeSecretKey: nodeKey.secretKey,
      genesis: [genesis],
      dataDir: join(dir, sub),
      logger: pino({ level: 'silent' }),
      modules: DEFAULT_MODULES,
    });
    nodes.push(n);
    return n.group('main');
  };
  let page: SyncBlock[] = [];

  beforeAll(async () => {
    const g = await start('source');
    const keys: KeyPair[] = Array.from({ length: 3 }, () => suite.generateKeyPair());
    let nonce = 0;
    for (let block = 0; block < 3; block++) {
      const txs = keys.map((k) =>
        encodeTx(
          signTx(suite, k.secretKey, {
            chain: g.chain,
            group: g.group,
            sender: k.publicKey,
            nonce: `n${nonce++}`,
            validUntil: 500,
            module: 'evidence',
            method: 'anchor',
            args: {
              digest: suite.hash(new TextEncoder().encode(`sync-page-${nonce}`)),
              alg: 'sha256',
              meta: { type: 'test', capturedBy: 'test', capturedAt: nonce, method: 'generated' },
            },
          }),
        ),
      );
      const results = await g.submit(txs);
      await Promise.all(
        results.map((r) => ('error' in r ? Promise.reject(r.error) : g.waitForCommit(r.hash, 30_000))),
      );
    }
    page = syncBlocks(g, 1, 200);
  });

  afterAll(async () => {
    for (const n of nodes) await n.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a fresh node applying the page reaches the source head, block for block', async () => {
    const t = await start('fresh');
    expect(page.length).toBeGreaterThan(0);
    expect(await applySyncPage(t, page, 67)).toBe(page.length);
    const source = nodes[0]?.group('main');
    expect(toHex(t.latest.hash)).toBe(toHex(source?.latest.hash ?? new Uint8Array()));
    expect(t.store.txCount()).toBe(source?.store.txCount());
  });

  it('refuses a page whose certificate is not signed by a quorum (SYNC_FAILED), nothing applied', async () => {
    const t = await start('uncertified');
    const bad = page.map((b) => ({ ...b, signatures: [] }));
    await expect(applySyncPage(t, bad, 67)).rejects.toMatchObject({ code: 'SYNC_FAILED' });
    expect(t.latest.height).toBe(0);
    expect(t.store.txCount()).toBe(0);
  });

  it('refuses a block carrying a transaction whose signature does not verify (SYNC_FAILED), nothing applied', async () => {
    const t = await start('tampered');
    const first = page[0] as SyncBlock;
    const tx = decodeTx(fromBase64Url(first.txs[0] as string));
    const sig = Uint8Array.from(tx.sig);
    sig[0] = (sig[0] as number) ^ 1;
    const tampered: SyncBlock = {
      ...first,
      txs: [toBase64Url(encodeTx({ ...tx, sig })), ...first.txs.slice(1)],
    };
    await expect(applySyncPage(t, [tampered, ...page.slice(1)], 67)).rejects.toMatchObject({
      code: 'SYNC_FAILED',
    });
    expect(t.latest.height).toBe(0);
    expect(t.store.txCount()).toBe(0);
  });
});
