import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { getSuite, type KeyPair } from '../crypto/index.js';
import { toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { DEFAULT_PARAMS, encodeTx, type Genesis, signTx } from '../ledger/index.js';
import { DEFAULT_MODULES, DEFAULT_PERMISSIONS, GongzhiNode, type GroupLedger } from '../node/index.js';
import { applySyncPage, SYNC_RUN_TXS, syncBlocks } from '../node/peer-sync.js';

/** What `benchCatchUp` measured. */
export interface CatchUpFigures {
  readonly txs: number;
  readonly blocks: number;
  readonly verifyWorkers: number;
  readonly runTxs: number;
  /** Building the source ledger through admission (for scale: the same node's committed tx/s). */
  readonly sourceTxPerSec: number;
  /** Replay on a fresh node: certificate check, re-execution with every signature verified, commit. */
  readonly replayTxPerSec: number;
  readonly replayCpuUsPerTx: number;
  readonly replaySeconds: number;
}

const suite = getSuite('ed25519');

/**
 * Catch-up (issue 15, item 5): a node that joins late replays the blocks of another. The source
 * node builds a ledger of `txs` evidence anchors from 1,000 keys through the real node (admission,
 * worker verification, SQLite); a second node with the same genesis then takes those blocks as the
 * peer-sync route serves them (`syncBlocks`, 200 per page), checks each certificate and applies it
 * with `applySyncPage` as `catchUpFromPeers` does (the page cut into runs of `runTxs` transactions:
 * a run's signatures verified on the worker pool while the run before it is applied; every block
 * re-executed, its header required to be the certified one, each run committed in one SQLite
 * transaction). In process: HTTP transfer of the pages is not counted; serving them (`syncBlocks`
 * on the source) is, on the same thread. The replayed head must equal the source's.
 */
export async function benchCatchUp(o: {
  txs: number;
  verifyWorkers: number;
  /** Transactions per run that `applySyncPage` verifies ahead and commits in one transaction. */
  runTxs?: number;
  log: (m: string) => void;
}): Promise<CatchUpFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-catchup-'));
  const admin = suite.generateKeyPair();
  const nodeKey = suite.generateKeyPair();
  const genesis: Genesis = {
    chain: 'bench-catchup',
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
  const start = (sub: string, verifyWorkers: number) =>
    GongzhiNode.start({
      nodeId: 'n0',
      org: 'a',
      nodeSecretKey: nodeKey.secretKey,
      genesis: [genesis],
      dataDir: join(dir, sub),
      verifyWorkers,
      logger: pino({ level: 'silent' }),
      modules: DEFAULT_MODULES,
    });
  const source = await start('source', 1);
  let target: GongzhiNode | undefined;
  try {
    const g = source.group('main');
    const keys: KeyPair[] = Array.from({ length: 1000 }, () => suite.generateKeyPair());
    o.log(`catch-up: building a source ledger of ${o.txs} anchors`);
    const t0 = performance.now();
    for (let i = 0; i < o.txs; i += 1000) {
      const chunk: Uint8Array[] = [];
      for (let j = i; j < Math.min(o.txs, i + 1000); j++) {
        const k = keys[j % keys.length] as KeyPair;
        chunk.push(
          encodeTx(
            signTx(suite, k.secretKey, {
              chain: g.chain,
              group: g.group,
              sender: k.publicKey,
              nonce: `c${j}`,
              validUntil: g.latest.height + 900,
              module: 'evidence',
              method: 'anchor',
              args: {
                digest: suite.hash(new TextEncoder().encode(`catch-up-${j}`)),
                alg: 'sha256',
                meta: { type: 'bench', capturedBy: 'bench', capturedAt: j, method: 'generated' },
              },
            }),
          ),
        );
      }
      const results = await g.submit(chunk);
      await Promise.all(
        results.map((r) => {
          if ('error' in r) throw r.error;
          return g.waitForCommit(r.hash, 120_000);
        }),
      );
    }
    const sourceSeconds = (performance.now() - t0) / 1000;
    target = await start('target', o.verifyWorkers);
    const t = target.group('main');
    o.log(`catch-up: replaying ${g.latest.height} blocks on a fresh node`);
    const cpu0 = process.cpuUsage();
    const t1 = performance.now();
    const replayed = await replay(g, t, o.runTxs ?? SYNC_RUN_TXS);
    const replaySeconds = (performance.now() - t1) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (toHex(t.latest.hash) !== toHex(g.latest.hash)) {
      throw new GongzhiError('SYNC_FAILED', 'replayed head differs from the source head');
    }
    return {
      txs: replayed,
      blocks: t.latest.height,
      verifyWorkers: o.verifyWorkers,
      runTxs: o.runTxs ?? SYNC_RUN_TXS,
      sourceTxPerSec: Math.round(o.txs / sourceSeconds),
      replayTxPerSec: Math.round(replayed / replaySeconds),
      replayCpuUsPerTx: Math.round((cpu.user + cpu.system) / Math.max(1, replayed)),
      replaySeconds: Number(replaySeconds.toFixed(2)),
    };
  } finally {
    await target?.close();
    await source.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What catchUpFromPeers does with each page, without the HTTP fetch: returns the transactions applied. */
async function replay(from: GroupLedger, to: GroupLedger, runTxs: number): Promise<number> {
  let txs = 0;
  for (;;) {
    const page = syncBlocks(from, to.latest.height + 1, 200);
    if (page.length === 0) return txs;
    const before = to.latest.height;
    await applySyncPage(to, page, 67, undefined, runTxs);
    for (let h = before + 1; h <= to.latest.height; h++)
      txs += to.store.blockByHeight(h)?.header.txCount ?? 0;
  }
}
