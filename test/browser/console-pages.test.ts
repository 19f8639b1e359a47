import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import {
  cli,
  type DemoNode,
  freePort,
  launchChromium,
  SKIP_REASON,
  startDemoNode,
  stopNode,
} from './console-harness.js';

/**
 * The web console in Debian's Chromium against a real demo node started by the built CLI: the
 * pages a clerk, a community worker and an auditor use, clicked and typed as a person would.
 * Evidence is anchored with the real CLI first, then checked by dropping the file on the page.
 */
if (SKIP_REASON) console.warn(`[console-pages] skipped: ${SKIP_REASON}`);

const DOCS_IMG = new URL('../../docs/img/', import.meta.url).pathname;
/**
 * Where a screenshot goes: docs/img/ with GONGZHI_SCREENSHOTS=1 (to refresh docs/console.md's
 * images), otherwise the temp folder — a test run leaves the tracked files alone.
 */
const shotPath = (name: string): string =>
  process.env.GONGZHI_SCREENSHOTS === '1'
    ? join(DOCS_IMG, name)
    : join(tmpdir(), `gongzhi-${process.pid}-${name}`);
const CJK = /[\u3400-\u9fff]/;

describe.skipIf(SKIP_REASON !== undefined)('the web console in Chromium', () => {
  const tmp = tempDir('gongzhi-console-');
  let node: DemoNode | undefined;
  let browser: Browser | undefined;
  let anchored: { hash: string; height: number; file: string; bytes: Buffer };
  const pageErrors: string[] = [];

  const open = async (path: string, opts: { lang?: 'en'; width?: number } = {}): Promise<Page> => {
    if (!browser || !node) throw new Error('not started');
    const ctx = await browser.newContext({
      viewport: { width: opts.width ?? 1280, height: 900 },
      acceptDownloads: true,
    });
    if (opts.lang === 'en') {
      await ctx.addInitScript(() => localStorage.setItem('gongzhi.console.lang', 'en'));
    }
    const page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${node.url}${path}`);
    return page;
  };
  const close = (page: Page) => page.context().close();

  /** Drop files on the drop zone as a person dragging them from the desktop would. */
  const drop = async (page: Page, files: readonly { name: string; bytes: Buffer; type?: string }[]) => {
    const dt = await page.evaluateHandle(
      (fs) => {
        const d = new DataTransfer();
        for (const f of fs) d.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
        return d;
      },
      files.map((f) => ({ name: f.name, bytes: [...f.bytes], type: f.type ?? 'application/octet-stream' })),
    );
    await page.dispatchEvent('[data-testid=drop-zone]', 'dragover', { dataTransfer: dt });
    await page.dispatchEvent('[data-testid=drop-zone]', 'drop', { dataTransfer: dt });
  };

  beforeAll(async () => {
    node = await startDemoNode(tmp.dir, await freePort());
    browser = await launchChromium();
    const file = join(tmp.dir, 'minutes.txt');
    const bytes = Buffer.from(`residents meeting ${Date.now()}: the new bicycle shed is approved`);
    writeFileSync(file, bytes);
    const key = join(tmp.dir, 'demo', 'keys', 'community-admin.json');
    const r = JSON.parse(await cli(node, 'evidence', 'anchor', file, '--key', key, '--type', 'minutes')) as {
      hash: string;
      height: number;
      receipt: { status: string };
    };
    expect(r.receipt.status).toBe('ok');
    anchored = { hash: r.hash, height: r.height, file, bytes };
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await stopNode(node?.child);
    tmp.remove();
  });

  it('serves the console at / with its content types, and keeps the API answers', async () => {
    if (!node) throw new Error('not started');
    const root = await fetch(`${node.url}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await root.text();
    const js = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(js).toBeDefined();
    const asset = await fetch(`${node.url}${js}`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // A console path opened directly (a bookmark) is the same page ...
    const deep = await fetch(`${node.url}/explorer/block/1`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);
    // ... while the API keeps its routes and its JSON 404.
    expect((await fetch(`${node.url}/health`)).headers.get('content-type')).toContain('application/json');
    const missing = await fetch(`${node.url}/v1/no-such-route`, { headers: { accept: 'text/html' } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('API_NOT_FOUND');
  });

  it('overview: groups with their heights, live, in Chinese by default', async () => {
    const page = await open('/');
    await expect.poll(() => page.textContent('[data-testid=connection]')).toBe('实时连接');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.textContent('[data-testid=nav-overview]')).toBe('概览');
    await page.waitForSelector('[data-testid=group-governance]');
    const height = Number(await page.textContent('[data-testid=height-governance]'));
    expect(height).toBeGreaterThanOrEqual(anchored.height);
    expect(await page.textContent('[data-testid=group-health]')).toContain('health');
    expect(await page.textContent('[data-testid=health-status]')).toBe('正常');
    await close(page);
  });

  it('switches to English and back; the choice survives a reload', async () => {
    const page = await open('/explorer?g=governance');
    await page.waitForSelector('[data-testid=block-row]');
    expect(await page.textContent('[data-testid=nav-explorer]')).toBe('区块与交易');
    await page.click('[data-testid=lang-switch]');
    expect(await page.textContent('[data-testid=nav-explorer]')).toBe('Blocks & transactions');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.reload();
    await page.waitForSelector('[data-testid=block-row]');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    // Every string the console itself shows on this page is English (the data here has no Chinese;
    // the switch names the other language in that language).
    for (const part of ['header .brand', 'nav', 'main', 'footer']) {
      expect(await page.innerText(part), part).not.toMatch(CJK);
    }
    await page.click('[data-testid=lang-switch]');
    expect(await page.textContent('[data-testid=nav-explorer]')).toBe('区块与交易');
    await close(page);

    // The other pages whose data has no Chinese: nothing of the console's own is left untranslated.
    for (const [path, ready] of [
      ['/evidence?g=governance', '[data-testid=drop-zone]'],
      ['/identity?g=governance', '[data-testid=status-list] [data-testid=run-query]'],
      ['/points?g=governance', 'main p'],
      ['/modules?g=governance', '[data-testid=module-card-points]'],
    ] as const) {
      const p = await open(path, { lang: 'en' });
      await p.waitForSelector(ready);
      expect(await p.innerText('main'), path).not.toMatch(CJK);
      await close(p);
    }
  });

  it('explorer: pages of blocks, a transaction with its verified inclusion proof, an account', async () => {
    const page = await open('/explorer?g=governance', { lang: 'en' });
    await page.waitForSelector('[data-testid=block-row]');
    const heights = async () =>
      (
        await page.$$eval('[data-testid=block-row] td:first-child', (tds) => tds.map((td) => td.textContent))
      ).map(Number);
    const first = await heights();
    expect(first.length).toBe(Math.min(10, first[0] as number) + (first.at(-1) === 0 ? 1 : 0));
    expect(first[0]).toBeGreaterThanOrEqual(anchored.height);
    await page.click('[data-testid=older]');
    await expect.poll(async () => (await heights())[0]).toBe((first[0] as number) - 10);

    // Search by transaction hash: the anchor and its receipt from the transaction's own row (the
    // receipt route, not the full answer that reads the whole block); the proof when asked for.
    const urls: string[] = [];
    page.on('request', (r) => urls.push(new URL(r.url()).pathname));
    await page.fill('[data-testid=search-input]', anchored.hash);
    await page.click('[data-testid=search-button]');
    await page.waitForSelector('[data-testid=tx-view] [data-testid=tx-call]');
    expect(await page.textContent('[data-testid=tx-call]')).toBe('evidence.anchor');
    const txPath = `/v1/groups/governance/txs/${anchored.hash}`;
    expect(urls).toContain(`${txPath}/receipt`);
    expect(urls).not.toContain(txPath);
    await page.click('[data-testid=check-inclusion]');
    await expect.poll(() => page.textContent('[data-testid=inclusion]')).toContain('Verified');
    expect(urls).toContain(txPath);
    expect(await page.textContent('[data-testid=inclusion]')).toContain('✓');
    expect(await page.textContent('[data-testid=tx-view]')).toContain('evidence.anchored');
    await page.screenshot({ path: shotPath('console-transaction.png'), fullPage: true });

    // The sender's transactions, from the paged index.
    await page.click('[data-testid=tx-view] a[href*="/explorer/account/"]');
    await page.waitForSelector('[data-testid=tx-row]');
    expect(await page.textContent('[data-testid=tx-list]')).toContain('evidence.anchor');

    // Search by height.
    await page.fill('[data-testid=search-input]', String(anchored.height));
    await page.click('[data-testid=search-button]');
    await expect.poll(() => page.textContent('[data-testid=block-height]')).toBe(String(anchored.height));
    // The block's transactions: a page of the paged route, loaded after the header.
    await page.waitForSelector('[data-testid=block-tx]');
    await close(page);
  });

  it('evidence: a dropped anchored file verifies; a changed file fails with its code and hint', async () => {
    const page = await open('/evidence?g=governance', { lang: 'en' });
    await drop(page, [{ name: 'minutes.txt', bytes: anchored.bytes, type: 'text/plain' }]);
    await expect.poll(() => page.textContent('[data-testid=verdict]')).toContain('Valid');
    const checks = await page.$$eval('[data-testid=check]', (li) => li.map((x) => x.textContent ?? ''));
    expect(checks.length).toBeGreaterThan(5);
    expect(checks.every((c) => c.startsWith('✓'))).toBe(true);
    expect(await page.textContent('[data-testid=evidence-result]')).toContain(`Block ${anchored.height}`);
    await page.screenshot({ path: shotPath('console-evidence.png'), fullPage: true });

    // Download the offline certificate ...
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=download-cert]'),
    ]);
    const certPath = join(tmp.dir, 'minutes.cert.json');
    await download.saveAs(certPath);
    const cert = readFileSync(certPath);
    expect(JSON.parse(cert.toString()).type).toBe('gongzhi.evidence.certificate');

    // The auditor's independent check: trust the node keys of the genesis file she holds.
    const genesis = readFileSync(join(tmp.dir, 'demo', 'genesis', 'governance.json'));
    await drop(page, [
      { name: 'governance.json', bytes: genesis, type: 'application/json' },
      { name: 'minutes.txt', bytes: anchored.bytes, type: 'text/plain' },
    ]);
    await expect
      .poll(() => page.textContent('[data-testid=outcome-trust]'))
      .toContain('from the genesis file');
    expect(await page.textContent('[data-testid=trust-source]')).toContain('governance.json');
    expect(await page.textContent('[data-testid=verdict]')).toContain('Valid');

    // ... and drop the certificate with a changed file: the digest check fails, with its code and hint.
    const changed = Buffer.from(anchored.bytes.toString().replace('approved', 'rejected'));
    await drop(page, [
      { name: 'minutes.cert.json', bytes: cert, type: 'application/json' },
      { name: 'minutes.txt', bytes: changed, type: 'text/plain' },
    ]);
    await expect.poll(() => page.textContent('[data-testid=verdict]')).toContain('EVIDENCE_DIGEST_MISMATCH');
    expect(await page.textContent('[data-testid=verdict]')).toContain('✗');
    const failed = await page.$$eval('.check-bad', (li) => li.map((x) => x.textContent ?? ''));
    expect(failed.some((c) => c.includes('digest') && c.includes('EVIDENCE_DIGEST_MISMATCH'))).toBe(true);
    expect(await page.textContent('[data-testid=check-hint]')).toMatch(
      /not the one the certificate is about/,
    );

    // A file nobody anchored: the node's answer, code and hint shown.
    await drop(page, [{ name: 'other.txt', bytes: changed, type: 'text/plain' }]);
    await page.waitForSelector('[data-testid=not-anchored]');
    expect(await page.textContent('[data-testid=evidence-result] [data-testid=error-code]')).toMatch(
      /^[A-Z_]+$/,
    );
    await close(page);
  });

  it('modules: every module listed from the node; a query runs; a bad argument shows code and hint', async () => {
    const page = await open('/modules?g=governance', { lang: 'en' });
    for (const m of ['governance', 'evidence', 'identity', 'points']) {
      await page.waitForSelector(`[data-testid=module-card-${m}]`);
    }
    const params = page.locator('[data-testid="query-governance.params"]');
    await params.locator('summary').click();
    await params.locator('[data-testid=run-query]').click();
    await expect
      .poll(() => params.locator('[data-testid=query-result]').textContent())
      .toContain('maxBlockTxs');

    const get = page.locator('[data-testid="query-evidence.get"]');
    await get.locator('summary').click();
    await get.locator('input[name=digest]').fill('not-a-digest');
    await get.locator('[data-testid=run-query]').click();
    await expect
      .poll(() => get.locator('[data-testid=error-code]').textContent())
      .toBe('EVIDENCE_BAD_DIGEST');
    expect(await get.locator('[data-testid=error-hint]').textContent()).toContain('64 hex');
    await page.screenshot({ path: shotPath('console-modules.png') });
    await close(page);
  });

  it('identity: a DID resolves with its QR code; an unknown DID shows the module code and its hint', async () => {
    if (!node) throw new Error('not started');
    const keyFile = join(tmp.dir, 'demo', 'keys', 'court-admin.json');
    const ks = JSON.parse(readFileSync(keyFile, 'utf8')) as { publicKey: string; address: string };
    const created = JSON.parse(
      await cli(
        node,
        'tx',
        'send',
        '--module',
        'identity',
        '--method',
        'create',
        '--key',
        keyFile,
        '--args',
        JSON.stringify({ publicKey: `0x${ks.publicKey}` }),
      ),
    ) as { receipt: { status: string } };
    expect(created.receipt.status).toBe('ok');
    const did = `did:gongzhi:gongzhi-demo:governance:${ks.address}`;

    const page = await open('/identity?g=governance', { lang: 'en' });
    const form = page.locator('[data-testid=resolve-did]');
    await form.locator('input[name=did]').fill(did);
    await form.locator('[data-testid=run-query]').click();
    await expect.poll(() => form.locator('[data-testid=query-result]').textContent()).toContain(did);
    expect(await form.locator('[data-testid=qr]').getAttribute('alt')).toBe(`QR code: ${did}`);
    expect(await form.locator('[data-testid=qr]').getAttribute('src')).toMatch(/^data:image\/png;base64,/);

    // A code of the identity module, which the browser's own table does not hold: the node's hint.
    await form.locator('input[name=did]').fill(`did:gongzhi:gongzhi-demo:governance:gz${'0'.repeat(40)}`);
    await form.locator('[data-testid=run-query]').click();
    await expect
      .poll(() => form.locator('[data-testid=error-code]').textContent())
      .toBe('IDENTITY_NOT_FOUND');
    expect(await form.locator('[data-testid=error-hint]').textContent()).toContain('create it first');
    await close(page);
  });

  it('governance: organisations, committee with the threshold unit, permissions, proposals', async () => {
    const page = await open('/governance?g=governance', { lang: 'en' });
    await page.waitForSelector('[data-testid=orgs] tbody tr');
    expect(await page.$$('[data-testid=orgs] tbody tr')).toHaveLength(5);
    expect(await page.textContent('[data-testid=threshold]')).toMatch(/\d+ % of total active weight/);
    expect(await page.textContent('[data-testid=permissions]')).toContain('evidence.anchor');
    expect(await page.textContent('[data-testid=proposals]')).toContain('setParam');
    await page.screenshot({ path: shotPath('console-governance.png') });
    await close(page);
  });

  it('fits a phone screen: no sideways scrolling on the overview and the explorer', async () => {
    for (const path of ['/', '/explorer?g=governance', '/evidence?g=governance']) {
      const page = await open(path, { width: 390 });
      await page.waitForSelector('main .card');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
      await close(page);
    }
  });

  it('saves the overview screenshot for docs/console.md', async () => {
    const page = await open('/', { lang: 'en' });
    await page.waitForSelector('[data-testid=group-governance]');
    await expect.poll(() => page.textContent('[data-testid=connection]')).toBe('Live');
    await page.screenshot({ path: shotPath('console-overview.png'), fullPage: true });
    await close(page);
    expect(pageErrors).toEqual([]);
  });
});
