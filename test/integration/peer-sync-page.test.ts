import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import { fromBase64Url, toBase64Url, toHex } from '../../src/encoding/index.js';
import { DEFAULT_PARAMS, decodeTx, encodeTx, type Genesis, signTx } from '../../src/ledger/index.js';
import { DEFAULT_MODULES, DEFAULT_PERMISSIONS, GongzhiNode, type GroupLedger } from '../../src/node/index.js';
import { applySyncPage, type SyncBlock, syncBlocks } from '../../src/node/peer-sync.js';

const suite = getSuite('ed25519');

describe('applySyncPage (catch-up: runs of blocks verified on the pool, replayed and committed one run at a time)', () => {
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
  // Fresh nodes verify on a worker pool, as a catch-up does: the next run's batch is then in flight while one applies.
  const start = async (sub: string) => {
    const n = await GongzhiNode.start({
      ...(sub === 'source' ? {} : { verifyWorkers: 1 }),
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

  /** `block` with one bit of its first transaction's signature flipped (byte `at`). */
  const withBadSignature = (block: SyncBlock, at: number): SyncBlock => {
    const tx = decodeTx(fromBase64Url(block.txs[0] as string));
    const sig = Uint8Array.from(tx.sig);
    sig[at] = (sig[at] as number) ^ 1;
    return { ...block, txs: [toBase64Url(encodeTx({ ...tx, sig })), ...block.txs.slice(1)] };
  };

  it('refuses a block carrying a transaction whose signature does not verify (SYNC_FAILED), nothing applied', async () => {
    const t = await start('tampered');
    const tampered = withBadSignature(page[0] as SyncBlock, 0);
    await expect(applySyncPage(t, [tampered, ...page.slice(1)], 67)).rejects.toMatchObject({
      code: 'SYNC_FAILED',
    });
    expect(t.latest.height).toBe(0);
    expect(t.store.txCount()).toBe(0);
  });

  /** Every block hash (it covers the state root, tx root and receipt root) from height 1 up. */
  const hashes = (g: GroupLedger | undefined, upTo: number) =>
    Array.from({ length: upTo }, (_, i) => toHex(g?.store.blockByHeight(i + 1)?.hash ?? new Uint8Array()));

  it('in runs of one block each (the next verified while one applies): same blocks and state roots as the source', async () => {
    const t = await start('runs');
    const source = nodes[0]?.group('main');
    expect(page.length).toBeGreaterThan(2);
    expect(await applySyncPage(t, page, 67, undefined, 1)).toBe(page.length);
    expect(hashes(t, page.length)).toEqual(hashes(source, page.length));
    expect(t.latest.header.stateRoot).toEqual(source?.latest.header.stateRoot);
    expect(t.finalHeight).toBe(page.length);
  });

  it('a bad signature in a later run: the runs before it stay applied, the bad block and all after it do not', async () => {
    const t = await start('tampered-later');
    const source = nodes[0]?.group('main');
    const tampered = withBadSignature(page[1] as SyncBlock, 5);
    const bad = [page[0] as SyncBlock, tampered, ...page.slice(2)];
    await expect(applySyncPage(t, bad, 67, undefined, 1)).rejects.toMatchObject({ code: 'SYNC_FAILED' });
    expect(t.latest.height).toBe(1);
    expect(toHex(t.latest.hash)).toBe(hashes(source, 1)[0]);
    expect(t.store.txCount()).toBe(page[0]?.txs.length);
    // The same page in one run: the first block commits with the run, the rest is rolled back.
    const one = await start('tampered-one-run');
    await expect(applySyncPage(one, bad, 67)).rejects.toMatchObject({ code: 'SYNC_FAILED' });
    expect(one.latest.height).toBe(1);
    expect(one.store.txCount()).toBe(page[0]?.txs.length);
    // The honest page then applies on top, to the source head.
    expect(await applySyncPage(one, page.slice(1), 67)).toBe(page.length - 1);
    expect(hashes(one, page.length)).toEqual(hashes(source, page.length));
  });

  it('an uncertified block inside a run: the blocks before it commit (the certified prefix), reason uncertified', async () => {
    const t = await start('uncertified-later');
    expect(page.length).toBeGreaterThan(2);
    const bad = page.map((b, i) => (i === 2 ? { ...b, signatures: [] } : b));
    await expect(applySyncPage(t, bad, 67)).rejects.toMatchObject({
      code: 'SYNC_FAILED',
      details: { reason: 'uncertified', height: 3 },
    });
    expect(t.latest.height).toBe(2);
    expect(t.store.blockByHeight(3)).toBeUndefined();
    expect(t.store.txCount()).toBe((page[0]?.txs.length ?? 0) + (page[1]?.txs.length ?? 0));
  });

  it('the head on disk after a run is the last fully applied block (reopened from the file)', async () => {
    const name = 'reopen';
    const t = await start(name);
    await applySyncPage(t, page.slice(0, 2), 67);
    const n = nodes.pop();
    await n?.close();
    const again = await start(name);
    expect(again.latest.height).toBe(2);
    expect(toHex(again.latest.hash)).toBe(hashes(nodes[0]?.group('main'), 2)[1]);
    expect(await applySyncPage(again, page.slice(2), 67)).toBe(page.length - 2);
    expect(toHex(again.latest.hash)).toBe(toHex(nodes[0]?.group('main').latest.hash ?? new Uint8Array()));
  });
});
