/**
 * Benchmark of the web console (issue 13): the size of what a browser downloads (the built
 * bundle, raw and gzipped as the node serves it), the first load of `/` in Chromium when it is
 * installed (until the overview shows the groups), and the explorer's requests — the exact calls
 * its pages make through the SDK — on a group holding `txs` committed transactions: a page of ten
 * blocks, a transaction by hash (with its proofs, and its receipt alone as the page now asks), an
 * account's and a module's page of twenty, a deep page and a module's next page by the cursor.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConsoleAssets } from '../api/routes/console.js';
import { getSuite } from '../crypto/index.js';
import { toBase64Url } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { encodeTx, signTx } from '../ledger/index.js';
import { initConsortium } from '../node/consortium.js';
import { GongzhiClient } from '../sdk/index.js';
import { consoleBundleSizes } from './console-bundle.js';

export interface BenchConsoleOptions {
  /** Committed transactions in the group before the explorer is measured. */
  readonly txs: number;
  /** Samples per explorer view (default 200). */
  readonly samples?: number;
  readonly log?: (message: string) => void;
}

export interface ConsoleBenchResult {
  /** Every built file. */
  readonly bundleBytes: number;
  readonly bundleGzipBytes: number;
  /** What a first visit to `/` downloads: index.html and the files it names (not the lazy pages). */
  readonly firstLoadBytes: number;
  readonly firstLoadGzipBytes: number;
  /** Chromium: navigation to the overview showing its group cards (undefined without Chromium). */
  readonly firstLoadMs?: number;
  readonly txs: number;
  readonly blocks: number;
  /** p50 / p99 (ms) of each explorer view, as the page makes its requests. */
  readonly views: Readonly<Record<string, { readonly p50: number; readonly p99: number }>>;
}

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const KEYS = 1000;
const BATCH = 2000;

function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function startNode(config: string, password: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(CLI, ['start', '--config', config, '--port', '0', '--log-level', 'warn'], {
    env: { ...process.env, GONGZHI_PASSWORD: password },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; url?: string }) => {
      if (m.ready && m.url) resolve({ child, url: m.url });
    });
    child.on('exit', (code) => reject(new GongzhiError('EXEC_INTERNAL', `bench node exited with ${code}`)));
  });
}

/** First load of `/` in headless Chromium, or undefined when Chromium or playwright-core is missing. */
async function firstLoad(url: string): Promise<number | undefined> {
  if (!existsSync(CHROMIUM)) return undefined;
  let pw: typeof import('playwright-core');
  try {
    pw = await import('playwright-core');
  } catch {
    return undefined;
  }
  const browser = await pw.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  try {
    const page = await browser.newPage();
    const t0 = performance.now();
    await page.goto(`${url}/`);
    await page.waitForSelector('[data-testid=group-main]');
    return Math.round(performance.now() - t0);
  } finally {
    await browser.close();
  }
}

async function timed(n: number, f: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f(i);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: round2(pct(ms, 50)), p99: round2(pct(ms, 99)) };
}

export async function benchConsole(o: BenchConsoleOptions): Promise<ConsoleBenchResult> {
  const log = o.log ?? (() => {});
  const samples = o.samples ?? 200;
  const assets = loadConsoleAssets();
  if (assets.size === 0)
    throw new GongzhiError('CONFIG_INVALID', 'dist/console is missing: run npm run build');
  const sizes = consoleBundleSizes(assets);
  const bundleBytes = sizes.all.bytes;
  const bundleGzipBytes = sizes.all.gzipBytes;

  const suite = getSuite('ed25519');
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-console-'));
  const password = 'bench';
  try {
    const init = await initConsortium({
      dir,
      chain: 'bench',
      suite: 'ed25519',
      orgs: [{ id: 'a' }],
      groups: [{ id: 'main' }],
      password,
      timestamp: 1_700_000_000_000,
      // The floor for keystores outside tests (2^14, as the demo): the bench makes a throw-away consortium.
      scryptN: 1 << 14,
      permissions: { 'evidence.anchor': ['*'] },
    });
    const keys = Array.from({ length: KEYS }, () => suite.generateKeyPair());
    const senders = keys.map((k) => suite.address(k.publicKey));
    const { child, url } = await startNode(init.nodeConfigs.a as string, password);
    const client = new GongzhiClient({ url });
    try {
      // Signed and submitted a batch at a time, so a million transactions never sit in memory.
      log(`console: committing ${o.txs} transactions in batches of ${BATCH}`);
      for (let start = 0; start < o.txs; start += BATCH) {
        const latest = (await client.block('main', 'latest')).height;
        const batch: string[] = [];
        for (let i = start; i < Math.min(o.txs, start + BATCH); i++) {
          // A turn of the event loop now and then: signing a whole batch in one go held the loop
          // past the node's keep-alive, and fetch then sent the batch on the socket the node had
          // closed (ECONNRESET); with the turns, fetch's idle timer drops that socket first.
          if (i > start && i % 100 === 0) await new Promise((r) => setImmediate(r));
          const k = keys[i % KEYS] as (typeof keys)[number];
          const tx = signTx(suite, k.secretKey, {
            chain: 'bench',
            group: 'main',
            sender: k.publicKey,
            nonce: `c${i}`,
            validUntil: latest + 500,
            module: 'evidence',
            method: 'anchor',
            args: {
              digest: suite.hash(new TextEncoder().encode(`console-bench-${i}`)),
              alg: 'sha256',
              meta: { type: 'bench', capturedBy: 'bench', capturedAt: i, method: 'generated' },
            },
          });
          batch.push(toBase64Url(encodeTx(tx)));
        }
        const res = await fetch(`${url}/v1/groups/main/txs/batch?wait=commit&timeoutMs=120000`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ txs: batch }),
        });
        // Read to the end, so the socket goes back to the pool rather than waiting for the collector.
        await res.arrayBuffer();
        if (!res.ok) throw new GongzhiError('EXEC_INTERNAL', `batch failed: HTTP ${res.status}`);
        if (start % (BATCH * 50) === 0) log(`console: ${start + batch.length} submitted`);
      }
      const latest = await client.block('main', 'latest');
      const blocks = latest.height;
      const someTxs = await client.txs('main', { module: 'evidence', limit: 1000 });
      const hashes = someTxs.map((t) => t.hash);
      const views: Record<string, { p50: number; p99: number }> = {};
      const topOf = (i: number) => Math.max(10, blocks - (i % Math.max(1, blocks - 10)));
      // The explorer's newest-blocks page: one header-only page of ten, as the page asks now ...
      views.blocksPage = await timed(samples, (i) => client.blocks('main', { before: topOf(i), limit: 10 }));
      // ... and, for the ratio, the ten full block answers (every tx hash) the page used to ask for.
      views.blocksPageFull = await timed(samples, async (i) => {
        const top = topOf(i);
        await Promise.all(Array.from({ length: 10 }, (_, j) => client.block('main', top - j)));
      });
      // A block's page: its header and the first fifty of its transactions.
      views.blockView = await timed(samples, async (i) => {
        const h = topOf(i);
        await Promise.all([client.blockHeader('main', h), client.blockTxs('main', h, { limit: 50 })]);
      });
      // A transaction with its proofs (its own row and the Merkle trees kept with its block) and as
      // the page asks for it now: its own row only (the receipt route).
      views.txByHash = await timed(samples, (i) => client.tx('main', hashes[i % hashes.length] as string));
      views.txReceipt = await timed(samples, (i) =>
        client.txReceipt('main', hashes[i % hashes.length] as string),
      );
      views.accountPage = await timed(samples, (i) =>
        client.txs('main', { sender: senders[i % KEYS] as string, limit: 20 }),
      );
      views.accountDeepPage = await timed(samples, (i) =>
        client.txs('main', {
          sender: senders[i % KEYS] as string,
          limit: 20,
          before: Math.floor(blocks / 2),
        }),
      );
      views.modulePage = await timed(samples, (i) =>
        client.txs('main', { module: 'evidence', limit: 20, before: blocks - (i % blocks) }),
      );
      // The module page's "older" button: the (height, index) cursor of a page in the middle.
      const mid = await client.txPage('main', {
        module: 'evidence',
        limit: 20,
        before: Math.floor(blocks / 2),
      });
      const cursor = mid.next ?? { before: Math.floor(blocks / 2), beforeIndex: 0 };
      views.moduleNextPage = await timed(samples, () =>
        client.txPage('main', { module: 'evidence', limit: 20, ...cursor }),
      );
      const firstLoadMs = await firstLoad(url);
      return {
        bundleBytes,
        bundleGzipBytes,
        firstLoadBytes: sizes.firstLoad.bytes,
        firstLoadGzipBytes: sizes.firstLoad.gzipBytes,
        ...(firstLoadMs === undefined ? {} : { firstLoadMs }),
        txs: o.txs,
        blocks,
        views,
      };
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The `--console` entry of the benchmark (`--console-txs N`, default 1,000,000). */
export async function runConsoleBench(
  arg: (name: string, dflt: number) => number,
  report: (o: Record<string, unknown>, line: string) => void,
  log: (message: string) => void,
): Promise<void> {
  const r = await benchConsole({ txs: arg('--console-txs', 1_000_000), log });
  const kb = (n: number) => `${Math.round(n / 1024)} KB`;
  const views = Object.entries(r.views)
    .map(([k, v]) => `${k} p50 ${v.p50} ms p99 ${v.p99} ms`)
    .join(', ');
  report(
    { bench: 'console', ...r },
    `console: bundle ${kb(r.bundleBytes)} (${kb(r.bundleGzipBytes)} gzipped), of which a first visit ` +
      `downloads ${kb(r.firstLoadBytes)} (${kb(r.firstLoadGzipBytes)} gzipped); first load of / ` +
      `${r.firstLoadMs === undefined ? 'not measured (no Chromium)' : `${r.firstLoadMs} ms`}; explorer with ` +
      `${r.txs} txs in ${r.blocks} blocks: ${views}`,
  );
}
