import { webcrypto } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The SDK must bundle for browsers: nothing reachable from src/sdk/index.ts may import a node:
 * module or use Node's globals. esbuild with platform 'browser' fails on any node builtin, and
 * nothing is marked external, so a successful build is the proof; the output is then scanned and
 * run in a fresh V8 context that has no Buffer, process or require.
 */

const SDK_ENTRY = fileURLToPath(new URL('../../src/sdk/index.ts', import.meta.url));
const PORTABLE_ENTRY = fileURLToPath(new URL('../../src/crypto/portable.ts', import.meta.url));

const ABC = {
  sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  sm3: '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
} as const;

async function bundle(entry: string, format: 'esm' | 'iife'): Promise<{ text: string; metafile: Metafile }> {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format,
    ...(format === 'iife' ? { globalName: 'Gongzhi' } : {}),
    metafile: true,
    // Drops comments (which mention Buffer) but keeps every identifier as written.
    minifyWhitespace: true,
    logLevel: 'silent',
  });
  expect(r.errors).toEqual([]);
  return { text: r.outputFiles[0]?.text ?? '', metafile: r.metafile };
}

/** Free (unguarded) uses of a Node global: `Buffer.x`, not `globalThis.Buffer.x` or `ArrayBuffer.x`. */
function freeUses(code: string, name: string): string[] {
  const re = new RegExp(`(?<![\\w$.])${name}\\s*\\.`, 'g');
  return [...code.matchAll(re)].map((m) => code.slice(Math.max(0, m.index - 40), m.index + 40));
}

describe('the SDK bundles for the browser', () => {
  for (const [name, entry] of [
    ['src/sdk/index.ts', SDK_ENTRY],
    ['src/crypto/portable.ts', PORTABLE_ENTRY],
  ] as const) {
    it(`${name}: builds with platform 'browser', no node builtins, no free Buffer/process/require`, async () => {
      const { text, metafile } = await bundle(entry, 'esm');
      const inputs = Object.keys(metafile.inputs);
      expect(inputs.filter((p) => p.startsWith('node:') || /(^|\/)node_modules\/@types\//.test(p))).toEqual(
        [],
      );
      for (const [file, info] of Object.entries(metafile.inputs)) {
        for (const imp of info.imports) {
          expect(imp.path.startsWith('node:'), `${file} imports ${imp.path}`).toBe(false);
          expect(imp.external ?? false, `${file} imports ${imp.path} as external`).toBe(false);
        }
      }
      // None of the node-only crypto files are reachable.
      for (const nodeOnly of [
        'ed25519.ts',
        'secp256k1.ts',
        'sm2.ts',
        'node-internal.ts',
        'keys.ts',
        'keystore.ts',
      ]) {
        expect(inputs).not.toContain(`src/crypto/${nodeOnly}`);
      }
      expect(text).not.toContain('require("node:');
      expect(text).not.toMatch(/(?<![\w$.])require\(/);
      expect(freeUses(text, 'Buffer')).toEqual([]);
      expect(freeUses(text, 'process')).toEqual([]);
      // Sanity: the scan would catch a real use.
      expect(freeUses('x = Buffer.from(y)', 'Buffer')).toHaveLength(1);
      expect(freeUses('globalThis.Buffer.from(y); ArrayBuffer.isView(y)', 'Buffer')).toEqual([]);
    });
  }

  it('runs in a JS realm without Node globals: keys, signatures, transactions, addresses', async () => {
    const { text } = await bundle(SDK_ENTRY, 'iife');
    // Only what a browser page also has: Web Crypto, TextEncoder/TextDecoder, URL, fetch types.
    const ctx = createContext({
      crypto: webcrypto,
      TextEncoder,
      TextDecoder,
      URLSearchParams,
      AbortController,
      setTimeout,
      clearTimeout,
    });
    runInContext(text, ctx);
    expect(runInContext('[typeof Buffer, typeof process, typeof require]', ctx)).toEqual([
      'undefined',
      'undefined',
      'undefined',
    ]);
    const out = runInContext(
      `(() => {
        const { getSuite, buildTx, toHex, fileDigest, verifyProof } = Gongzhi;
        const res = {};
        for (const id of ['ed25519', 'secp256k1', 'sm2']) {
          const suite = getSuite(id);
          const kp = suite.generateKeyPair();
          const tx = buildTx({ suite, secretKey: kp.secretKey, chain: 'c', group: 'g', module: 'evidence',
            method: 'anchor', args: { digest: suite.hash(new Uint8Array([1])) }, validUntil: 10 });
          res[id] = {
            sk: toHex(kp.secretKey),
            pub: toHex(kp.publicKey),
            address: suite.address(kp.publicKey),
            sig: toHex(suite.sign(kp.secretKey, new TextEncoder().encode('hi'))),
            tx: toHex(tx.bytes),
            hash: tx.hash,
            digest: toHex(fileDigest(suite.hashName, new TextEncoder().encode('abc'))),
          };
        }
        return JSON.stringify(res);
      })()`,
      ctx,
    ) as string;
    const res = JSON.parse(out) as Record<
      string,
      { sk: string; pub: string; address: string; sig: string; tx: string; hash: string; digest: string }
    >;
    // Check the realm's results with the node suites of the server.
    const { getSuite } = await import('../../src/crypto/index.js');
    const { fromHex, toHex } = await import('../../src/encoding/index.js');
    const { decodeTx, txHash } = await import('../../src/ledger/index.js');
    for (const id of ['ed25519', 'secp256k1', 'sm2'] as const) {
      const r = res[id];
      expect(r).toBeDefined();
      if (r === undefined) continue;
      const suite = getSuite(id);
      expect(toHex(suite.publicKeyFromSecret(fromHex(r.sk)))).toBe(r.pub);
      expect(suite.address(fromHex(r.pub))).toBe(r.address);
      expect(suite.verify(fromHex(r.pub), new TextEncoder().encode('hi'), fromHex(r.sig))).toBe(true);
      const tx = decodeTx(fromHex(r.tx));
      const h = txHash(suite, tx.body);
      expect(toHex(h)).toBe(r.hash);
      expect(toHex(tx.body.sender)).toBe(r.pub);
      expect(suite.verify(tx.body.sender, h, tx.sig)).toBe(true);
      expect(r.digest).toBe(ABC[suite.hashName]);
    }
  });
});
