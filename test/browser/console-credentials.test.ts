import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presentSdJwtVc } from '../../src/credentials/index.js';
import { decryptKeystore } from '../../src/crypto/keystore.js';
import { HINTS_ZH } from '../../src/errors/hints-zh.js';
import { hintFor } from '../../src/errors/index.js';
import { BUILTIN_MODULES } from '../../src/modules/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { seriousViolations } from './axe.js';
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
 * Credentials and keys made in the web console, in Debian's Chromium against a real demo node: a
 * clerk unlocks the issuer DID's keystore, fills in a registered schema's claims and issues an
 * SD-JWT VC signed in the page; the QR code shown encodes exactly that credential, and the
 * holder's presentation of it verifies at the node. A person makes a new key in the page and
 * downloads its keystore, which the node's decryptor opens. No request carries a password or a key.
 */
if (SKIP_REASON) console.warn(`[console-credentials] skipped: ${SKIP_REASON}`);

const DEMO_PASSWORD = 'gongzhi-demo';
const DOCS_IMG = new URL('../../docs/img/', import.meta.url).pathname;
/** docs/img/ with GONGZHI_SCREENSHOTS=1 (docs/console.md's images), else the temp folder. */
const shotPath = (name: string): string =>
  process.env.GONGZHI_SCREENSHOTS === '1'
    ? join(DOCS_IMG, name)
    : join(tmpdir(), `gongzhi-${process.pid}-${name}`);
const NEW_PASSWORD = 'a new long passphrase';
const GROUP = 'governance';
const SCHEMA_ID = 2_000_017;
// The modules' codes are in the table this test reads the English hints from.
void BUILTIN_MODULES;

describe.skipIf(SKIP_REASON !== undefined)('credentials and keys in the web console', () => {
  const tmp = tempDir('gongzhi-console-cred-');
  let node: DemoNode | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  const sent: string[] = [];
  const keyFile = (org: string) => join(tmp.dir, 'demo', 'keys', `${org}-admin.json`);
  const keystore = (org: string) =>
    JSON.parse(readFileSync(keyFile(org), 'utf8')) as { address: string; publicKey: string };
  let issued = '';
  let newSecretHex = '';

  beforeAll(async () => {
    node = await startDemoNode(tmp.dir, await freePort());
    const opts = ['--group', GROUP, '--key', keyFile('community')];
    await cli(node, 'did', 'create', ...opts);
    const schemaFile = join(tmp.dir, 'residence.json');
    writeFileSync(
      schemaFile,
      JSON.stringify({
        type: 'object',
        properties: {
          name: { type: 'string', description: 'full name' },
          district: { type: 'string' },
          since: { type: 'integer' },
        },
        required: ['name', 'district'],
        additionalProperties: false,
      }),
    );
    await cli(
      node,
      'schema',
      'register',
      schemaFile,
      '--id',
      String(SCHEMA_ID),
      '--name',
      'Residence',
      ...opts,
    );
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await ctx.addInitScript(() => localStorage.setItem('gongzhi.console.lang', 'en'));
    page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('request', (r) => sent.push(`${r.url()} ${r.postData() ?? ''}`));
    await page.goto(`${node.url}/account?g=${GROUP}`);
    await page.waitForSelector('[data-testid=unlock-form]');
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await stopNode(node?.child);
    tmp.remove();
  });

  it('issues an SD-JWT VC signed in the page and shows it as a QR code of exactly that text', async () => {
    await page.setInputFiles('[data-testid=keystore-file]', keyFile('community'));
    await page.fill('[data-testid=keystore-password]', DEMO_PASSWORD);
    await page.click('[data-testid=unlock]');
    await page.waitForSelector('[data-testid=account-address]');
    await page.click('[data-testid=nav-identity]');
    const form = page.locator('[data-testid=issue-credential]');
    // An unknown schema: the node's code, its hint in English, then in Chinese after the switch.
    await form.locator('#issue-schema').fill('2000999');
    await form.locator('[data-testid=issue-load-schema]').click();
    await expect
      .poll(() => form.locator('[data-testid=error-code]').textContent())
      .toBe('IDENTITY_SCHEMA_NOT_FOUND');
    expect(await form.locator('[data-testid=error-hint]').textContent()).toContain(
      hintFor('IDENTITY_SCHEMA_NOT_FOUND'),
    );
    await page.click('[data-testid=lang-switch]');
    await expect
      .poll(() => form.locator('[data-testid=error-hint]').textContent())
      .toContain(HINTS_ZH.IDENTITY_SCHEMA_NOT_FOUND);
    await page.click('[data-testid=lang-switch]');
    await form.locator('#issue-schema').fill(String(SCHEMA_ID));
    await form.locator('[data-testid=issue-load-schema]').click();
    await expect
      .poll(() => form.locator('[data-testid=issue-schema-name]').textContent())
      .toBe('Residence (v1)');

    // A required claim left out: the SDK refuses it, with its code and the hint.
    await form.locator('#claim-name').fill('Wang Fang');
    await form.locator('#issue-holder').fill(keystore('court').publicKey);
    await form.locator('[data-testid=issue-button]').click();
    await expect
      .poll(() => form.locator('[data-testid=error-code]').textContent(), { timeout: 20_000 })
      .toBe('SDK_CLAIMS_INVALID');
    expect(await form.locator('[data-testid=error-hint]').textContent()).toContain(
      hintFor('SDK_CLAIMS_INVALID'),
    );
    expect(await form.locator('[data-testid=issued]').count()).toBe(0);
    // The SDK's own code in Chinese too (the table is in the page, no node answer needed).
    await page.click('[data-testid=lang-switch]');
    await expect
      .poll(() => form.locator('[data-testid=error-hint]').textContent())
      .toContain(HINTS_ZH.SDK_CLAIMS_INVALID);
    await page.click('[data-testid=lang-switch]');

    await form.locator('#claim-district').fill('Xihu');
    await form.locator('#claim-since').fill('2019');
    await form.locator('[data-testid=issue-button]').click();
    await form.locator('[data-testid=issued]').waitFor({ timeout: 20_000 });
    issued = (await form.locator('[data-testid=issued-text]').inputValue()).trim();
    expect(issued.split('~').length).toBeGreaterThan(3);
    const src = (await form.locator('[data-testid=qr]').getAttribute('src')) ?? '';
    const svg = decodeURIComponent(src.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''));
    const expected = await QRCode.toString(issued, {
      type: 'svg',
      errorCorrectionLevel: 'L',
      margin: 1,
      width: 220,
    });
    expect(svg).toBe(expected);
    expect(await seriousViolations(page)).toEqual([]);
    await form.locator('[data-testid=issued]').screenshot({ path: shotPath('console-credential.png') });
  });

  it('the holder’s presentation of it verifies at the node, issuer and key binding included', async () => {
    const court = await decryptKeystore(JSON.parse(readFileSync(keyFile('court'), 'utf8')), DEMO_PASSWORD);
    const vp = await presentSdJwtVc(
      issued,
      { type: 'ed25519', ...court },
      {
        disclose: ['district'],
        nonce: 'n-7',
        aud: 'https://housing.example',
        iat: Math.floor(Date.now() / 1000),
      },
    );
    const res = await fetch(`${node?.url}/v1/groups/${GROUP}/credentials/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        presentation: vp,
        policy: { disclose: ['district'], nonce: 'n-7', aud: 'https://housing.example' },
      }),
    });
    const body = (await res.json()) as { valid: boolean; checks: { name: string; ok: boolean }[] };
    expect(body.checks.filter((c) => !c.ok)).toEqual([]);
    expect(body.valid).toBe(true);
    // The same presentation pasted in the page's verifier passes too.
    const vform = page.locator('[data-testid=verify-presentation]');
    await vform.locator('#vp-text').fill(vp);
    await vform.locator('#vp-disclose').fill('district');
    await vform.locator('#vp-nonce').fill('n-7');
    await vform.locator('#vp-aud').fill('https://housing.example');
    await vform.locator('[data-testid=verify-button]').click();
    await expect
      .poll(() => vform.locator('[data-testid=vp-verdict]').textContent(), { timeout: 20_000 })
      .toMatch(/^✓/);
  });

  it('makes a new key in the page, downloads its keystore, which the node opens', async () => {
    await page.click('[data-testid=nav-account]');
    await page.click('[data-testid=lock]');
    const form = page.locator('[data-testid=new-key-form]');
    await form.locator('[data-testid=new-key-password]').fill('short');
    await form.locator('[data-testid=new-key-password2]').fill('shorter');
    await form.locator('[data-testid=new-key-button]').click();
    expect(await form.locator('[data-testid=error-code]').textContent()).toBe('CONSOLE_BAD_INPUT');
    await form.locator('[data-testid=new-key-password2]').fill('short');
    await form.locator('[data-testid=new-key-button]').click();
    await expect
      .poll(() => form.locator('[data-testid=error-code]').textContent(), { timeout: 20_000 })
      .toBe('KEYSTORE_WEAK_PASSWORD');

    await form.locator('[data-testid=new-key-password]').fill(NEW_PASSWORD);
    await form.locator('[data-testid=new-key-password2]').fill(NEW_PASSWORD);
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 90_000 }),
      form.locator('[data-testid=new-key-button]').click(),
    ]);
    const path = join(tmp.dir, 'new-key.json');
    await download.saveAs(path);
    const ks = JSON.parse(readFileSync(path, 'utf8')) as { address: string; kdf: { N: number } };
    expect(ks.kdf.N).toBe(2 ** 17);
    const kp = await decryptKeystore(ks, NEW_PASSWORD);
    newSecretHex = Buffer.from(kp.secretKey).toString('hex');
    expect(await form.locator('[data-testid=new-key-address]').textContent()).toBe(ks.address);
    expect(download.suggestedFilename()).toBe(`${ks.address}.json`);
    await form.locator('[data-testid=new-key-use]').click();
    await expect.poll(() => page.textContent('[data-testid=account-address]')).toBe(ks.address);
    await expect.poll(() => page.textContent('[data-testid=account-roles]')).toBe('no roles');
    expect(await seriousViolations(page)).toEqual([]);
  }, 120_000);

  it('scans a presentation’s QR code with the browser’s own BarcodeDetector where it has one', async () => {
    // A camera (Chromium's fake device) and, since Chromium on Linux has no BarcodeDetector, a
    // stand-in for it that answers once the video shows frames: this checks that the page prefers
    // the browser's detector; QR decoding without one (jsQR) is console-scan.test.ts's.
    const camBrowser = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ]);
    try {
      const ctx = await camBrowser.newContext({ viewport: { width: 1280, height: 900 } });
      await ctx.grantPermissions(['camera'], { origin: node?.url ?? '' });
      await ctx.addInitScript(() => {
        localStorage.setItem('gongzhi.console.lang', 'en');
        (globalThis as { BarcodeDetector?: unknown }).BarcodeDetector = class {
          constructor(readonly opts: { formats: string[] }) {}
          async detect(v: HTMLVideoElement) {
            return v.videoWidth > 0 && this.opts.formats.includes('qr_code')
              ? [{ rawValue: 'eyJ0eXAiOiJkYytzZC1qd3QifQ.scanned~' }]
              : [];
          }
        };
      });
      const p = await ctx.newPage();
      await p.goto(`${node?.url}/identity?g=${GROUP}`);
      await p.click('[data-testid=verify-presentation] [data-testid=scan-start]');
      await p.waitForSelector('[data-testid=scan-found]', { timeout: 20_000 });
      expect(await p.inputValue('#vp-text')).toBe('eyJ0eXAiOiJkYytzZC1qd3QifQ.scanned~');
      await ctx.close();
    } finally {
      await camBrowser.close().catch(() => {});
    }
  }, 60_000);

  it('never sent a password or a secret key to the node', async () => {
    const secrets = [DEMO_PASSWORD, NEW_PASSWORD, newSecretHex];
    const community = await decryptKeystore(
      JSON.parse(readFileSync(keyFile('community'), 'utf8')),
      DEMO_PASSWORD,
    );
    secrets.push(
      Buffer.from(community.secretKey).toString('hex'),
      Buffer.from(community.secretKey).toString('base64url'),
      Buffer.from(newSecretHex, 'hex').toString('base64url'),
    );
    expect(newSecretHex).toMatch(/^[0-9a-f]{64}$/);
    expect(sent.length).toBeGreaterThan(5);
    // The demo's chain id is its password too: DIDs in query URLs name it, which is no leak.
    const scrubbed = sent.map((r) => r.replaceAll('did%3Agongzhi%3Agongzhi-demo%3A', 'did:gongzhi:<chain>:'));
    for (const s of secrets) expect([s, scrubbed.filter((r) => r.includes(s))]).toEqual([s, []]);
    expect(pageErrors).toEqual([]);
  });
});
