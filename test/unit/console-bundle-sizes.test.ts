/**
 * The console bench's two sizes (src/bench/console-bundle.ts): every built file, and what a first
 * visit to `/` downloads — index.html and the files it names, not the chunks loaded by import().
 */
import { describe, expect, it } from 'vitest';
import { consoleBundleSizes, type ServedAsset } from '../../src/bench/console-bundle.js';

const file = (n: number, gz?: number): ServedAsset => ({
  body: new Uint8Array(n),
  ...(gz === undefined ? {} : { gzip: new Uint8Array(gz) }),
});

describe('consoleBundleSizes', () => {
  const html =
    '<!doctype html><script type="module" crossorigin src="/assets/index-a1.js"></script>' +
    '<link rel="modulepreload" crossorigin href="/assets/vendor-b2.js">' +
    '<link rel="stylesheet" crossorigin href="/assets/index-c3.css">';
  const assets = new Map<string, ServedAsset>([
    ['/index.html', { body: new TextEncoder().encode(html) }],
    ['/assets/index-a1.js', file(1000, 300)],
    ['/assets/vendor-b2.js', file(2000, 600)],
    ['/assets/index-c3.css', file(100)],
    ['/assets/explorer-d4.js', file(5000, 1500)],
    ['/assets/jsQR-e5.js', file(7000, 2000)],
  ]);

  it('counts every file in the whole bundle, gzipped where the node gzips', () => {
    const { all } = consoleBundleSizes(assets);
    expect(all.files).toBe(6);
    expect(all.bytes).toBe(html.length + 1000 + 2000 + 100 + 5000 + 7000);
    expect(all.gzipBytes).toBe(html.length + 300 + 600 + 100 + 1500 + 2000);
  });

  it('counts only index.html and what it names in the first load', () => {
    const { firstLoad } = consoleBundleSizes(assets);
    expect(firstLoad).toEqual({
      files: 4,
      bytes: html.length + 1000 + 2000 + 100,
      gzipBytes: html.length + 300 + 600 + 100,
    });
  });

  it('is empty without index.html, and skips a named file that was not built', () => {
    expect(consoleBundleSizes(new Map()).firstLoad).toEqual({ files: 0, bytes: 0, gzipBytes: 0 });
    const broken = new Map(assets);
    broken.delete('/assets/vendor-b2.js');
    expect(consoleBundleSizes(broken).firstLoad.files).toBe(3);
  });
});
