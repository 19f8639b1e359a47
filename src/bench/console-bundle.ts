/**
 * The console's size as a browser sees it (issue 13's "gzipped bundle" bar): every built file, and
 * the part a first visit to `/` downloads — index.html and the files it names (the entry script,
 * the chunks Vite preloads with it, the stylesheet). Pages, the QR reader and other files loaded by
 * `import()` are fetched only when a page needs them, so they count in the first figure only.
 */

/** A built file as the node serves it (src/api/routes/console.ts): gzip when it pays. */
export interface ServedAsset {
  readonly body: Uint8Array;
  readonly gzip?: Uint8Array;
}

export interface Size {
  readonly files: number;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface ConsoleBundleSizes {
  readonly all: Size;
  readonly firstLoad: Size;
}

function sum(assets: readonly ServedAsset[]): Size {
  return {
    files: assets.length,
    bytes: assets.reduce((n, a) => n + a.body.length, 0),
    gzipBytes: assets.reduce((n, a) => n + (a.gzip ?? a.body).length, 0),
  };
}

/** Sizes of `assets` (URL path → file, as loadConsoleAssets returns them). */
export function consoleBundleSizes(assets: ReadonlyMap<string, ServedAsset>): ConsoleBundleSizes {
  const index = assets.get('/index.html');
  const first: ServedAsset[] = index ? [index] : [];
  if (index) {
    const html = new TextDecoder().decode(index.body);
    const named = new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? ''));
    for (const url of named) {
      const a = assets.get(url);
      if (a) first.push(a);
    }
  }
  return { all: sum([...assets.values()]), firstLoad: sum(first) };
}
