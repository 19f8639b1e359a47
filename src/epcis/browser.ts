import { BROWSER_PARTS } from './event-hash.js';

/**
 * The event-hash code as one browser script: the consumer page re-hashes the events it is served
 * with the same functions the node and the CLI use (event-hash.ts imports nothing, so each
 * function's source text stands alone), plus a pure-JS SHA-256 for pages served over plain HTTP
 * (WebCrypto exists only in secure contexts). The script defines `globalThis.GongzhiEpcis`.
 */

/** SHA-256 (FIPS 180-4) of a string's UTF-8 bytes, hex. Small and slow; for a page's few events. */
export function sha256Hex(text: string): string {
  const bytes = new TextEncoder().encode(text);
  const k = new Uint32Array(64);
  const primes: number[] = [];
  for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
  const frac = (x: number): number => ((x - Math.floor(x)) * 2 ** 32) >>> 0;
  primes.forEach((p, i) => {
    k[i] = frac(Math.cbrt(p));
  });
  const h = new Uint32Array(8);
  for (let i = 0; i < 8; i++) h[i] = frac(Math.sqrt(primes[i] as number));
  const len = bytes.length;
  const total = Math.ceil((len + 9) / 64) * 64;
  const msg = new Uint8Array(total);
  msg.set(bytes);
  msg[len] = 0x80;
  const view = new DataView(msg.buffer);
  view.setUint32(total - 8, Math.floor((len * 8) / 2 ** 32));
  view.setUint32(total - 4, (len * 8) >>> 0);
  const w = new Uint32Array(64);
  const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < total; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15] as number;
      const b = w[i - 2] as number;
      const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
      const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
      w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = Array.from(h) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    for (let i = 0; i < 64; i++) {
      const t1 =
        (hh +
          (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +
          ((e & f) ^ (~e & g)) +
          (k[i] as number) +
          (w[i] as number)) >>>
        0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    const add = [a, b, c, d, e, f, g, hh];
    for (let i = 0; i < 8; i++) h[i] = ((h[i] as number) + (add[i] as number)) >>> 0;
  }
  return Array.from(h, (x) => x.toString(16).padStart(8, '0')).join('');
}

/** JavaScript source of a table value (strings, numbers, arrays, plain objects, regular expressions). */
function sourceOf(v: unknown): string {
  if (v instanceof RegExp) return v.toString();
  if (Array.isArray(v)) return `[${v.map(sourceOf).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${sourceOf(x)}`)
      .join(',')}}`;
  }
  return v === undefined ? 'undefined' : JSON.stringify(v);
}

let cached: string | undefined;

/** The browser script (see above); `GongzhiEpcis.documentHashes(doc)` resolves to the hash URIs. */
export function epcisBrowserScript(): string {
  if (cached !== undefined) return cached;
  const parts: string[] = [];
  const entries = Object.entries({ ...BROWSER_PARTS, sha256Hex });
  for (const [name, v] of entries) {
    if (typeof v !== 'function') parts.push(`const ${name} = ${sourceOf(v)};`);
  }
  for (const [name, v] of entries) {
    if (typeof v !== 'function') continue;
    const src = v.toString();
    parts.push(/^(async\s+)?function\b/.test(src) ? src : `const ${name} = ${src};`);
  }
  cached = `(() => {
'use strict';
${parts.join('\n')}
async function sha256HexAsync(text) {
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (!subtle) return sha256Hex(text);
  const d = await subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}
async function documentHashes(doc) {
  const out = [];
  for (const p of documentPreHashes(doc)) out.push(eventHashUri(await sha256HexAsync(p)));
  return out;
}
async function eventHash(event, context, ignore) {
  return eventHashUri(await sha256HexAsync(eventPreHash(event, context, ignore || [])));
}
globalThis.GongzhiEpcis = { documentPreHashes, eventPreHash, documentHashes, eventHash, canonicalGs1Uri, gs1CheckDigitValid, sha256Hex };
})();
`;
  return cached;
}
