import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type DeliveryCipher, openStream, sealStream } from '../../src/api/datashare-seal.js';

/** Seal `data` in one pass, then open it from chunks of the given sizes (cycled). */
async function roundTrip(cipher: DeliveryCipher, data: Buffer, sizes: number[], flip?: number) {
  const key = Buffer.alloc(cipher === 'sm2kx-sm4-ctr' ? 16 : 32, 9);
  const iv = Buffer.alloc(16, 3);
  const aad = Buffer.from('delivery 1');
  const sealed: Buffer[] = [];
  const s = Readable.from([Buffer.from(data)]).pipe(
    sealStream(
      cipher,
      key,
      iv,
      aad,
      () => undefined,
      () => undefined,
    ),
  );
  for await (const c of s) sealed.push(c as Buffer);
  const all = Buffer.concat(sealed);
  if (flip !== undefined) all[flip] = (all[flip] as number) ^ 1;
  const o = openStream(cipher, key, iv, aad);
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < all.length; i++) {
    const n = sizes[i % sizes.length] as number;
    out.push(...o.update(Buffer.from(all.subarray(at, at + n))));
    at += n;
  }
  out.push(o.final());
  return Buffer.concat(out);
}

describe('datashare seal/open streams', () => {
  const data = Buffer.alloc(10_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) & 0xff;
  it('open gives the plaintext back whatever the chunking, the GCM tag split across chunks included', async () => {
    for (const cipher of ['x25519-hkdf-aes-256-gcm', 'sm2kx-sm4-ctr'] as const) {
      for (const sizes of [[1], [7, 16, 3], [15], [16], [17], [4096], [100_000]]) {
        expect((await roundTrip(cipher, data, sizes)).equals(data)).toBe(true);
      }
    }
  });
  it('a flipped ciphertext or tag byte fails the GCM check; SM4-CTR leaves it to the digest check', async () => {
    await expect(roundTrip('x25519-hkdf-aes-256-gcm', data, [5, 16], 10)).rejects.toThrow();
    await expect(roundTrip('x25519-hkdf-aes-256-gcm', data, [5, 16], data.length + 3)).rejects.toThrow();
    const sm4 = await roundTrip('sm2kx-sm4-ctr', data, [5, 16], 10);
    expect(sm4.equals(data)).toBe(false);
    expect(sm4[10]).toBe((data[10] as number) ^ 1);
  });
});
