import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import { recordTeaSeason, TeaNet } from '../../src/demos/tea.js';
import { TEA, tinSerial } from '../../src/demos/tea-story.js';
import { TRACE_DOCUMENTS_FILE, TraceDocumentStore } from '../../src/storage/index.js';
import { tempDir } from '../helpers/fixtures.js';

/**
 * The consumer page behind the tea tin's QR code, in Debian's Chromium (playwright-core over
 * CDP), at a phone's size: the page re-hashes every served event itself and shows the badge; a
 * tampered document turns it red; the cloned-code warning and the English switch work. With
 * GONGZHI_SCREENSHOTS=1 the screenshot for docs/traceability.md is written to docs/images/.
 */

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const SKIP_NOTE = `skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`;
if (!HAS_CHROMIUM) console.warn(`[trace-page] ${SKIP_NOTE}`);

describe.skipIf(!HAS_CHROMIUM)(
  `tea consumer page in Chromium${HAS_CHROMIUM ? '' : ` (${SKIP_NOTE})`}`,
  () => {
    const tmp = tempDir('gongzhi-trace-page-');
    let net: TeaNet;
    let server: RunningServer;
    let context: BrowserContext | undefined;
    let profile: string | undefined;
    const tinPath = `/01/${TEA.gtin.tin}/10/${TEA.lots.dry}/21/${tinSerial(1)}`;
    const shots =
      process.env.GONGZHI_SCREENSHOTS === '1'
        ? fileURLToPath(new URL('../../docs/images/', import.meta.url))
        : join(tmp.dir, 'shots');

    beforeAll(async () => {
      net = await TeaNet.start({ dataDir: join(tmp.dir, 'node') });
      await recordTeaSeason(net);
      await net.scan(1, '杭州 Hangzhou');
      await net.scan(2, '杭州 Hangzhou');
      for (const city of ['上海 Shanghai', '北京 Beijing', '广州 Guangzhou']) await net.scan(1, city);
      server = await startServer(net.node, { host: '127.0.0.1', port: 0 });
      const { chromium } = await import('playwright-core');
      profile = mkdtempSync(join(tmpdir(), 'gongzhi-chromium-'));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 1,
        locale: 'zh-CN',
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      mkdirSync(shots, { recursive: true });
    });

    afterAll(async () => {
      await context?.close();
      if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
      await server?.close();
      await net?.stop();
      tmp.remove();
    });

    /** Open `path` and wait for the page's own verification to finish. */
    async function open(path: string, init?: string): Promise<{ page: Page; errors: string[] }> {
      if (context === undefined) throw new Error('browser not started');
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      if (init !== undefined) await page.addInitScript(init);
      await page.goto(`${server.url}${path}`);
      await page.waitForFunction(
        () => document.getElementById('badge')?.dataset.state !== 'verifying',
        undefined,
        {
          timeout: 20_000,
        },
      );
      return { page, errors };
    }

    it('re-hashes the 13 served events in the page and shows them verified (zh-CN)', async () => {
      const { page, errors } = await open(tinPath);
      try {
        expect(errors).toEqual([]);
        expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
        const badge = page.locator('#badge');
        expect(await badge.getAttribute('data-state')).toBe('ok');
        expect(await badge.getAttribute('data-checked')).toBe('13');
        expect(await badge.textContent()).toContain('13 个事件');
        expect(await page.locator('[data-check]').allTextContents()).toEqual(Array(13).fill('✓'));
        expect(await page.locator('#garden').textContent()).toContain('狮峰山茶园');
        expect(await page.locator('#dates').textContent()).toContain('2025-04-02');
        expect(await page.locator('#roles').textContent()).toContain('炒茶师');
        expect(await page.locator('#sensors').textContent()).toContain('土壤含水量');
        expect(await page.locator('#custody li').count()).toBe(13);
        expect(await page.locator('#scans').textContent()).toContain('4 个不同地点');
        await page.screenshot({ path: join(shots, 'trace-consumer-page.png'), fullPage: true });
      } finally {
        await page.close();
      }
    });

    it('works without WebCrypto (plain HTTP on a LAN address): the pure-JS SHA-256', async () => {
      const { page, errors } = await open(
        `/01/${TEA.gtin.tin}/10/${TEA.lots.dry}/21/${tinSerial(2)}?lang=en`,
        'Object.defineProperty(globalThis.crypto, "subtle", { value: undefined });',
      );
      try {
        expect(errors).toEqual([]);
        expect(await page.evaluate(() => globalThis.crypto.subtle)).toBeUndefined();
        expect(await page.getAttribute('html', 'lang')).toBe('en');
        expect(await page.locator('#badge').getAttribute('data-state')).toBe('ok');
        expect(await page.locator('#badge').textContent()).toMatch(/^Verified: .*12 events/);
        expect(await page.locator('#scans').textContent()).toContain('scanned 1 times, in 1 places');
      } finally {
        await page.close();
      }
    });

    it('switches to English with the link', async () => {
      const { page } = await open(tinPath);
      try {
        await page.click('#lang');
        await page.waitForFunction(() => document.getElementById('badge')?.dataset.state === 'ok');
        expect(await page.getAttribute('html', 'lang')).toBe('en');
        expect(await page.locator('#custody h2').textContent()).toBe('Chain of custody');
        expect(await page.locator('#scans').textContent()).toMatch(/likely counterfeit/);
      } finally {
        await page.close();
      }
    });

    it('turns red when a served document was altered', async () => {
      const store = TraceDocumentStore.open(join(tmp.dir, 'node', TRACE_DOCUMENTS_FILE));
      const events = (
        net.query('trace', { id: `01/${TEA.gtin.tin}/21/${tinSerial(1)}` }) as { events: { hash: string }[] }
      ).events;
      const first = events[0]?.hash as string;
      const doc = store.get('main', first);
      if (doc === undefined) throw new Error('no stored document');
      const ql = (doc.event.quantityList as { quantity: number }[])[0] as { quantity: number };
      store.put([{ ...doc, event: { ...doc.event, quantityList: [{ ...ql, quantity: 480 }] } }]);
      const { page } = await open(tinPath);
      try {
        expect(await page.locator('#badge').getAttribute('data-state')).toBe('mismatch');
        expect(await page.locator(`[data-check="${first}"]`).textContent()).toBe('✗');
        await page.screenshot({ path: join(tmp.dir, 'trace-consumer-page-tampered.png') });
      } finally {
        await page.close();
        store.put([doc]);
        store.close();
      }
    });

    it('says a code the ledger does not know is probably not genuine (404)', async () => {
      if (context === undefined) throw new Error('browser not started');
      const page = await context.newPage();
      try {
        const r = await page.goto(`${server.url}/01/${TEA.gtin.tin}/10/${TEA.lots.dry}/21/9999`);
        expect(r?.status()).toBe(404);
        expect(await page.locator('#badge').getAttribute('data-state')).toBe('not-found');
      } finally {
        await page.close();
      }
    });
  },
);
