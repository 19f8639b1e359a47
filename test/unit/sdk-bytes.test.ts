import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fromBase64Url,
  fromBase64UrlFallback,
  fromHex,
  fromHexFallback,
  toBase64Url,
  toBase64UrlFallback,
  toHex,
  toHexFallback,
} from '../../src/encoding/bytes.js';

/** The outcome of a decoder: bytes (hex) or the error code it threw. */
function outcome(f: () => Uint8Array): string {
  try {
    return `ok:${Buffer.from(f()).toString('hex')}`;
  } catch (e) {
    return `err:${(e as { code?: string }).code ?? String(e)}`;
  }
}

const B64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Valid characters plus the ones a lenient decoder might accept or skip.
const b64ish = fc
  .array(fc.constantFrom(...B64_CHARS, ...B64_CHARS, '+', '/', '=', ' ', '\n', '.', 'é', '\u0000'), {
    maxLength: 40,
  })
  .map((a) => a.join(''));
const hexish = fc
  .array(fc.constantFrom(...'0123456789abcdef', ...'0123456789abcdef', 'A', 'F', 'g', 'x', ' '), {
    maxLength: 40,
  })
  .map((a) => a.join(''));

describe('bytes.ts: pure-JS fallbacks equal the Buffer paths', () => {
  it('the runtime under test has Buffer (so the exported functions take the Buffer path)', () => {
    expect(typeof globalThis.Buffer).toBe('function');
  });

  it('hex encode (property, including views into larger buffers)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 8 }), (b, off) => {
        const view = new Uint8Array(b.buffer, Math.min(off, b.length), Math.max(0, b.length - off));
        expect(toHexFallback(b)).toBe(toHex(b));
        expect(toHexFallback(view)).toBe(toHex(view));
      }),
      { numRuns: 500 },
    );
  });

  it('hex decode: same bytes and the same strictness (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hexish,
          hexish.map((s) => `0x${s}`),
          fc.string({ maxLength: 20 }),
        ),
        (s) => {
          expect(outcome(() => fromHexFallback(s))).toBe(outcome(() => fromHex(s)));
          expect(outcome(() => fromHexFallback(s, 'TX_MALFORMED'))).toBe(
            outcome(() => fromHex(s, 'TX_MALFORMED')),
          );
        },
      ),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expect(fromHexFallback(toHex(b))).toEqual(b);
        expect(fromHexFallback(`0x${toHex(b)}`)).toEqual(b);
      }),
    );
  });

  it('base64url encode (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(toBase64UrlFallback(b)).toBe(toBase64Url(b));
      }),
      { numRuns: 500 },
    );
  });

  it('base64url decode: same bytes and the same strictness (property)', () => {
    fc.assert(
      fc.property(fc.oneof(b64ish, fc.string({ maxLength: 12 })), (s) => {
        expect(outcome(() => fromBase64UrlFallback(s))).toBe(outcome(() => fromBase64Url(s)));
      }),
      { numRuns: 3000 },
    );
    // Valid encodings and their one-character mutations (dangling bits, padding, wrong alphabet).
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.nat(),
        fc.constantFrom('A', 'B', 'Q', 'g', '_', '-', '=', '+', '/'),
        (b, pos, ch) => {
          const s = toBase64Url(b);
          expect(fromBase64UrlFallback(s)).toEqual(b);
          const i = s.length === 0 ? 0 : pos % s.length;
          for (const m of [s.slice(0, i) + ch + s.slice(i + 1), `${s}${ch}`, `${s}==`, s.slice(0, -1)]) {
            expect(
              outcome(() => fromBase64UrlFallback(m)),
              m,
            ).toBe(outcome(() => fromBase64Url(m)));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('without Buffer (a fresh JS realm, as in a browser) the module uses its fallbacks', async () => {
    // Bundle bytes.ts and run it in a new V8 context, which has no Buffer, process or require.
    const built = await build({
      entryPoints: [fileURLToPath(new URL('../../src/encoding/bytes.ts', import.meta.url))],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      globalName: 'bytes',
      logLevel: 'silent',
    });
    const code = built.outputFiles[0]?.text ?? '';
    const ctx = createContext({ TextEncoder });
    runInContext(code, ctx);
    expect(runInContext('typeof Buffer', ctx)).toBe('undefined');
    const mod = (ctx as { bytes: typeof import('../../src/encoding/bytes.js') }).bytes;
    const data = Uint8Array.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    expect(mod.toHex(data)).toBe('000102fafbfcfdfeff');
    expect(Array.from(mod.fromHex('0x000102fafbfcfdfeff'))).toEqual(Array.from(data));
    expect(mod.toBase64Url(data)).toBe('AAEC-vv8_f7_');
    expect(Array.from(mod.fromBase64Url('AAEC-vv8_f7_'))).toEqual(Array.from(data));
    expect(() => mod.fromBase64Url('AAEC-vv8_f7/')).toThrow('invalid base64url');
    expect(() => mod.fromHex('0A')).toThrow('expected lower-case hex');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        expect(mod.toHex(b)).toBe(toHex(b));
        expect(mod.toBase64Url(b)).toBe(toBase64Url(b));
        expect(Array.from(mod.fromBase64Url(toBase64Url(b)))).toEqual(Array.from(b));
        expect(Array.from(mod.fromHex(toHex(b)))).toEqual(Array.from(b));
      }),
      { numRuns: 200 },
    );
  });
});
