import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HINTS_ZH } from '../../src/errors/hints-zh.js';
import { hintFor } from '../../src/errors/index.js';
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
 * Reading a presentation's QR code in the web console with Debian's Chromium, which has no
 * BarcodeDetector, against a real demo node: the CLI issues an SD-JWT VC and the holder's
 * presentation of it with a QR code PNG (`--qr-png`, the project's own QR output). A clerk picks
 * that picture in the verifier form: the page decodes it (jsQR) into exactly the presentation and
 * the node verifies it. The same code shown to Chromium's fake camera (a Y4M video of it) is read
 * from the video frames. A picture with no code, a file that is no picture and a refused camera
 * each show their code and hint (English, then Chinese), and leave the text as it was.
 */
if (SKIP_REASON) console.warn(`[console-scan] skipped: ${SKIP_REASON}`);

const GROUP = 'governance';
const SCHEMA_ID = 2_000_023;
const NONCE = 'n-scan-1';
const AUD = 'https://housing.example';
const DOCS_IMG = new URL('../../docs/img/', import.meta.url).pathname;
/** docs/img/ with GONGZHI_SCREENSHOTS=1 (docs/console.md's images), else the temp folder. */
const shotPath = (name: string): string =>
  process.env.GONGZHI_SCREENSHOTS === '1'
    ? join(DOCS_IMG, name)
    : join(tmpdir(), `gongzhi-${process.pid}-${name}`);

/**
 * A Y4M video (what Chromium's fake camera plays from a file) of one frame showing the QR code of
 * `text`, as the console's QR codes are made (qrcode, error correction L), black on white.
 */
function qrVideo(text: string, path: string, width = 1280, height = 720): void {
  const m = QRCode.create(text, { errorCorrectionLevel: 'L' }).modules;
  const quiet = 4;
  const px = Math.floor((height * 0.9) / (m.size + 2 * quiet));
  const left = Math.floor((width - m.size * px) / 2);
  const top = Math.floor((height - m.size * px) / 2);
  const y = Buffer.alloc(width * height, 255);
  for (let r = 0; r < m.size; r++) {
    for (let c = 0; c < m.size; c++) {
      if (!m.get(r, c)) continue;
      for (let dy = 0; dy < px; dy++)
        y.fill(
          0,
          (top + r * px + dy) * width + left + c * px,
          (top + r * px + dy) * width + left + (c + 1) * px,
        );
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma]);
  writeFileSync(path, Buffer.concat([header, frame, frame]));
}

describe.skipIf(SKIP_REASON !== undefined)(
  'reading a QR code in the web console (no BarcodeDetector)',
  () => {
    const tmp = tempDir('gongzhi-console-scan-');
    let node: DemoNode | undefined;
    let browser: Browser | undefined;
    let ctx: BrowserContext;
    let page: Page;
    const pageErrors: string[] = [];
    const keyFile = (org: string) => join(tmp.dir, 'demo', 'keys', `${org}-admin.json`);
    const file = (name: string) => join(tmp.dir, name);
    let vp = '';

    beforeAll(async () => {
      node = await startDemoNode(tmp.dir, await freePort());
      const opts = ['--group', GROUP, '--key', keyFile('community')];
      await cli(node, 'did', 'create', ...opts);
      writeFileSync(
        file('schema.json'),
        JSON.stringify({
          type: 'object',
          properties: { name: { type: 'string' }, district: { type: 'string' } },
          required: ['name', 'district'],
        }),
      );
      await cli(
        node,
        'schema',
        'register',
        file('schema.json'),
        '--id',
        String(SCHEMA_ID),
        '--name',
        'Residence',
        ...opts,
      );
      writeFileSync(file('claims.json'), JSON.stringify({ name: 'Wang Fang', district: 'Xihu' }));
      const court = JSON.parse(readFileSync(keyFile('court'), 'utf8')) as { publicKey: string };
      await cli(
        node,
        'credential',
        'issue',
        '--schema',
        String(SCHEMA_ID),
        '--claims',
        file('claims.json'),
        '--holder',
        court.publicKey,
        '--out',
        file('cred.txt'),
        ...opts,
      );
      await cli(
        node,
        'credential',
        'present',
        file('cred.txt'),
        '--disclose',
        'district',
        '--nonce',
        NONCE,
        '--aud',
        AUD,
        '--key',
        keyFile('court'),
        '--out',
        file('vp.txt'),
        '--qr-png',
        file('vp.png'),
      );
      vp = readFileSync(file('vp.txt'), 'utf8').trim();
      qrVideo(vp, file('vp.y4m'));
      writeFileSync(file('notes.png'), 'not a picture, only text named like one\n');

      browser = await launchChromium([
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-video-capture=${file('vp.y4m')}`,
      ]);
      ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await ctx.grantPermissions(['camera'], { origin: node.url });
      await ctx.addInitScript(() => {
        localStorage.setItem('gongzhi.console.lang', 'en');
        // Keep every camera stream the page opens, to check it is stopped after a scan.
        const media = navigator.mediaDevices;
        const open = media.getUserMedia.bind(media);
        const opened: MediaStream[] = [];
        (globalThis as { opened?: MediaStream[] }).opened = opened;
        media.getUserMedia = async (c) => {
          const s = await open(c);
          opened.push(s);
          return s;
        };
      });
      page = await ctx.newPage();
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.goto(`${node.url}/identity?g=${GROUP}`);
      await page.waitForSelector('[data-testid=verify-presentation] [data-testid=scan-file]');
    }, 120_000);

    afterAll(async () => {
      await browser?.close().catch(() => {});
      await stopNode(node?.child);
      tmp.remove();
    });

    const form = () => page.locator('[data-testid=verify-presentation]');
    const scan = () => form().locator('[data-testid=qr-scan]');

    it('this Chromium has no BarcodeDetector, and the presentation is long (a dense QR code)', async () => {
      expect(await page.evaluate(() => 'BarcodeDetector' in globalThis)).toBe(false);
      expect(vp.split('~').length).toBe(3);
      expect(vp.length).toBeGreaterThan(500);
    });

    it('a picture with no QR code: CONSOLE_QR_NOT_FOUND with its hint in English and Chinese; nothing filled in', async () => {
      // A real picture with no code in it: the page's own header, screenshotted.
      await page
        .locator('header')
        .first()
        .screenshot({ path: file('header.png') });
      await form().locator('#vp-text').fill('kept');
      await scan().locator('[data-testid=scan-file]').setInputFiles(file('header.png'));
      await expect
        .poll(() => scan().locator('[data-testid=error-code]').textContent(), { timeout: 20_000 })
        .toBe('CONSOLE_QR_NOT_FOUND');
      expect(await scan().locator('[data-testid=error-hint]').textContent()).toContain(
        hintFor('CONSOLE_QR_NOT_FOUND'),
      );
      await page.click('[data-testid=lang-switch]');
      await expect
        .poll(() => scan().locator('[data-testid=error-hint]').textContent())
        .toContain(HINTS_ZH.CONSOLE_QR_NOT_FOUND);
      await page.click('[data-testid=lang-switch]');
      expect(await form().locator('#vp-text').inputValue()).toBe('kept');
      expect(await scan().locator('[data-testid=scan-found]').count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
    });

    it('a file that is no picture: CONSOLE_IMAGE_UNREADABLE, with its hint; nothing filled in', async () => {
      await scan().locator('[data-testid=scan-file]').setInputFiles(file('notes.png'));
      await expect
        .poll(() => scan().locator('[data-testid=error-code]').textContent(), { timeout: 20_000 })
        .toBe('CONSOLE_IMAGE_UNREADABLE');
      expect(await scan().locator('[data-testid=error-hint]').textContent()).toContain(
        hintFor('CONSOLE_IMAGE_UNREADABLE'),
      );
      expect(await form().locator('#vp-text').inputValue()).toBe('kept');
    });

    it('the presentation’s QR code PNG, picked as a file, decodes to exactly it, and the node verifies it', async () => {
      await scan().locator('[data-testid=scan-file]').setInputFiles(file('vp.png'));
      await scan().locator('[data-testid=scan-found]').waitFor({ timeout: 20_000 });
      expect(await scan().locator('[data-testid=error]').count()).toBe(0);
      expect(await form().locator('#vp-text').inputValue()).toBe(vp);
      await form().locator('#vp-disclose').fill('district');
      await form().locator('#vp-nonce').fill(NONCE);
      await form().locator('#vp-aud').fill(AUD);
      await form().locator('[data-testid=verify-button]').click();
      await expect
        .poll(() => form().locator('[data-testid=vp-verdict]').textContent(), { timeout: 20_000 })
        .toMatch(/^✓/);
      const checks = await form().locator('[data-testid=vp-check]').allTextContents();
      expect(checks.length).toBeGreaterThan(3);
      expect(checks.filter((c) => !c.startsWith('✓'))).toEqual([]);
      await form().screenshot({ path: shotPath('console-scan.png') });
    });

    it('the same code shown to the camera is read from the video frames', async () => {
      await form().locator('#vp-text').fill('');
      await page.reload();
      await scan().locator('[data-testid=scan-start]').click();
      await scan().locator('[data-testid=scan-found]').waitFor({ timeout: 30_000 });
      expect(await form().locator('#vp-text').inputValue()).toBe(vp);
      // Once read, the camera is off and its view gone.
      expect(await scan().locator('video').isHidden()).toBe(true);
      expect(
        await scan()
          .locator('video')
          .evaluate((v: HTMLVideoElement) => v.srcObject),
      ).toBe(null);
      const tracks = await page.evaluate(() =>
        ((globalThis as { opened?: MediaStream[] }).opened ?? []).flatMap((s) =>
          s.getTracks().map((t) => `${t.kind} ${t.readyState}`),
        ),
      );
      expect(tracks).toEqual(['video ended']);
    }, 45_000);

    it('a refused camera: CONSOLE_CAMERA_UNAVAILABLE with its hint; the photo way stays', async () => {
      const denied = await browser?.newContext();
      if (denied === undefined) throw new Error('no browser');
      try {
        await denied.addInitScript(() => {
          localStorage.setItem('gongzhi.console.lang', 'zh-CN');
          // What a person's "Block" answer to the camera prompt gives the page.
          navigator.mediaDevices.getUserMedia = async () => {
            throw new DOMException('Permission denied', 'NotAllowedError');
          };
        });
        const p = await denied.newPage();
        await p.goto(`${node?.url}/identity?g=${GROUP}`);
        const s = p.locator('[data-testid=verify-presentation] [data-testid=qr-scan]');
        await s.locator('[data-testid=scan-start]').click();
        await expect
          .poll(() => s.locator('[data-testid=error-code]').textContent())
          .toBe('CONSOLE_CAMERA_UNAVAILABLE');
        expect(await s.locator('[data-testid=error-hint]').textContent()).toContain(
          HINTS_ZH.CONSOLE_CAMERA_UNAVAILABLE,
        );
        expect(await s.locator('[data-testid=error]').textContent()).toContain('NotAllowedError');
        expect(await s.locator('[data-testid=scan-file]').isEnabled()).toBe(true);
      } finally {
        await denied.close();
      }
      expect(pageErrors).toEqual([]);
    });
  },
);
