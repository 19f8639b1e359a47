import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import type { KeyPair, SuiteId } from '../../src/crypto/index.js';
import { toHex } from '../../src/encoding/index.js';
import type { GongzhiNode } from '../../src/node/index.js';
import { startTestNode, tempDir, testConsortium } from '../helpers/fixtures.js';
import { settle } from '../helpers/processes.js';
import type { PageInput, PageResult } from './page.js';

/**
 * The SDK in a real browser: Debian's Chromium (driven by playwright-core over CDP) loads a page
 * whose script is the SDK bundled by esbuild for the browser. Against a real node started here,
 * the page signs an evidence.anchor transaction with the portable suite, submits it, follows the
 * block stream, and verifies the inclusion proof and the evidence certificate in the page.
 *
 * The page is served under the node's own origin by intercepting one path prefix (page.route),
 * so the SDK's fetches reach the real node same-origin, without CORS and without touching the API.
 */

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const SKIP_NOTE = `skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`;
if (!HAS_CHROMIUM) console.warn(`[sdk-in-chromium] ${SKIP_NOTE}`);

const PAGE_PREFIX = '/__gongzhi_browser_test__/';
const SUITES: readonly SuiteId[] = ['ed25519', 'secp256k1', 'sm2'];

async function bundlePage(): Promise<string> {
  const r = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    logLevel: 'silent',
  });
  return r.outputFiles[0]?.text ?? '';
}

const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>Gongzhi SDK</title></head>
<body><script src="${PAGE_PREFIX}page.js"></script></body></html>`;

describe.skipIf(!HAS_CHROMIUM)(`Gongzhi SDK in Chromium${HAS_CHROMIUM ? '' : ` (${SKIP_NOTE})`}`, () => {
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  let script = '';
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    let t = performance.now();
    script = await bundlePage();
    timings.bundleMs = Math.round(performance.now() - t);
    t = performance.now();
    const { chromium } = await import('playwright-core');
    profile = mkdtempSync(join(tmpdir(), 'gongzhi-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    timings.launchMs = Math.round(performance.now() - t);
  });

  afterAll(async () => {
    // Bounded: a browser that does not close is left to Playwright's own exit handler (it kills it).
    await settle(context?.close(), 15_000);
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
    console.info(`[sdk-in-chromium] ${JSON.stringify(timings)}`);
  });

  it.each(SUITES)('%s: sign, submit, stream, and verify the certificate in the page', async (id) => {
    if (context === undefined) throw new Error('browser not started');
    const t0 = performance.now();
    const c = testConsortium({ suite: id, orgs: 1 });
    const dir = tempDir();
    let node: GongzhiNode | undefined;
    let server: RunningServer | undefined;
    const page = await context.newPage();
    try {
      node = await startTestNode(c, dir.dir);
      server = await startServer(node, { host: '127.0.0.1', port: 0 });
      const origin = server.url;
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.route(`${origin}${PAGE_PREFIX}**`, (route) => {
        const path = new URL(route.request().url()).pathname;
        if (path === `${PAGE_PREFIX}page.js`)
          return route.fulfill({ status: 200, contentType: 'text/javascript', body: script });
        if (path === `${PAGE_PREFIX}index.html`)
          return route.fulfill({ status: 200, contentType: 'text/html', body: HTML });
        return route.fulfill({ status: 404, body: 'not found' });
      });
      await page.goto(`${origin}${PAGE_PREFIX}index.html`);
      await page.waitForFunction(
        () => typeof (globalThis as { gongzhiRun?: unknown }).gongzhiRun === 'function',
      );
      const admin = c.admins[0] as KeyPair;
      const input: PageInput = {
        group: 'main',
        secretKey: toHex(admin.secretKey),
        label: `${id}-${Date.now()}`,
      };
      const result = await page.evaluate(
        (i) => (globalThis as unknown as { gongzhiRun: (x: PageInput) => Promise<PageResult> }).gongzhiRun(i),
        input,
      );
      expect(errors).toEqual([]);

      // The page ran in a browser: none of Node's globals exist there.
      expect(result.globals).toEqual(['undefined', 'undefined', 'undefined']);
      expect(result.suite).toBe(id);
      expect(result.sender).toBe(c.suite.address(admin.publicKey));
      // The node (node:crypto suites) accepted and committed the browser-signed transaction.
      expect(result.submitted).toMatchObject({ hash: result.txHash, status: 'ok' });
      expect(result.streamed).toEqual({ height: result.submitted.height, hasTx: true });
      const stored = node.group('main').committed(result.txHash);
      expect(stored?.height).toBe(result.submitted.height);
      expect(stored?.receipt.status).toBe('ok');
      // Offline verification in the page of the node's proofs and block signature.
      expect(result.inclusion).toEqual({ ok: true, signedBy: ['org0-node'] });
      expect(result.certificate.failed).toEqual([]);
      expect(result.certificate.valid).toBe(true);
      expect(result.certificate.errors).toEqual([]);
      expect(result.certificate.signers).toEqual([result.sender]);
      expect(result.certificate.anchoredHeight).toBe(result.submitted.height);
      expect(result.tamperedValid).toBe(false);
      expect(result.tamperedErrors).toEqual(['EVIDENCE_DIGEST_MISMATCH']);
      timings[`${id}InPageMs`] = result.ms;
      timings[`${id}TotalMs`] = Math.round(performance.now() - t0);
    } finally {
      await page.close();
      await server?.close();
      await node?.close();
      dir.remove();
    }
  });
});
