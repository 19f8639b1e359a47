import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { epcisBrowserScript, hashDocument, sha256Hex } from '../../src/epcis/index.js';

/**
 * The consumer page re-hashes events with the browser script built from event-hash.ts's own
 * functions. Run it in a bare V8 context (no Node globals, no WebCrypto: the pure-JS SHA-256
 * path) over every vector: the same hashes as the node computes.
 */
const DIR = fileURLToPath(new URL('../vectors/epcis/hash-vectors/', import.meta.url));

interface Epcis {
  documentHashes(doc: unknown): Promise<string[]>;
  canonicalGs1Uri(uri: string): string | undefined;
  sha256Hex(s: string): string;
}

function load(): Epcis {
  const ctx = createContext({ TextEncoder });
  runInContext(epcisBrowserScript(), ctx);
  return (ctx as { GongzhiEpcis: Epcis }).GongzhiEpcis;
}

describe('the event hash as a browser script', () => {
  it('defines GongzhiEpcis without Node globals', () => {
    const src = epcisBrowserScript();
    expect(src).not.toMatch(/\brequire\(|\bprocess\.|\bBuffer\b|__vi|__vite|import\(/);
    expect(Object.keys(load())).toContain('documentHashes');
  });

  it('sha256Hex matches node:crypto', () => {
    const g = load();
    for (const s of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), '龙井 ✓ 𝄞'.repeat(40)]) {
      const want = createHash('sha256').update(s, 'utf8').digest('hex');
      expect(sha256Hex(s)).toBe(want);
      expect(g.sha256Hex(s)).toBe(want);
    }
  });

  it.each(readdirSync(DIR).filter((f) => f.endsWith('.jsonld')))('%s hashes as on the node', async (f) => {
    const doc = JSON.parse(readFileSync(join(DIR, f), 'utf8'));
    expect(await load().documentHashes(doc)).toEqual(hashDocument(doc).map((h) => h.hash));
  });
});
