import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Runs against the compiled build: the worker entry only exists as dist/crypto/verify-worker.js.
type CryptoApi = typeof import('../../src/crypto/index.js');

const distIndex = new URL('../../dist/crypto/index.js', import.meta.url);
const distWorker = new URL('../../dist/crypto/verify-worker.js', import.meta.url);
const built = existsSync(fileURLToPath(distWorker));

if (!built) {
  console.warn(
    `[verify-pool] skipped: ${fileURLToPath(distWorker)} is absent; run \`npm run build\` (npm test does) first`,
  );
}

describe.skipIf(!built)('VerifyPool with worker threads (dist build)', () => {
  let api: CryptoApi;
  let pool: InstanceType<CryptoApi['VerifyPool']>;

  beforeAll(async () => {
    api = (await import(distIndex.href)) as CryptoApi;
    pool = new api.VerifyPool(2);
  });

  afterAll(async () => {
    await pool?.close();
  });

  it.each(['ed25519', 'secp256k1', 'sm2'] as const)('verifies a mixed %s batch in workers', async (id) => {
    const suite = api.getSuite(id);
    const keys = [suite.generateKeyPair(), suite.generateKeyPair()];
    const items = [];
    const expected: boolean[] = [];
    for (let i = 0; i < 101; i++) {
      const kp = keys[i % 2] as (typeof keys)[number];
      const message = new TextEncoder().encode(`tx ${i} ${'x'.repeat(i)}`);
      const signature = suite.sign(kp.secretKey, message);
      const mode = i % 5;
      if (mode === 1) signature[3] = (signature[3] as number) ^ 0x10;
      const publicKey = mode === 2 ? (keys[(i + 1) % 2] as (typeof keys)[number]).publicKey : kp.publicKey;
      items.push({ publicKey, message, signature });
      expected.push(mode !== 1 && mode !== 2);
    }
    expect(await pool.verifyBatch(id, items)).toEqual(expected);
    // Input buffers are copied into the transferred batch, never detached.
    expect(items[0]?.message.byteLength).toBeGreaterThan(0);
  });

  it('handles malformed items, empty and concurrent batches', async () => {
    const suite = api.getSuite('ed25519');
    const kp = suite.generateKeyPair();
    const msg = new TextEncoder().encode('m');
    const sig = suite.sign(kp.secretKey, msg);
    const items = [
      { publicKey: kp.publicKey, message: msg, signature: sig },
      { publicKey: new Uint8Array(0), message: msg, signature: sig },
      { publicKey: kp.publicKey, message: msg, signature: new Uint8Array(70_000) },
    ];
    const runs = await Promise.all(Array.from({ length: 10 }, () => pool.verifyBatch('ed25519', items)));
    for (const r of runs) expect(r).toEqual([true, false, false]);
    expect(await pool.verifyBatch('ed25519', [])).toEqual([]);
  });

  it('close() rejects later batches', async () => {
    const p = new api.VerifyPool(1);
    await p.close();
    await expect(p.verifyBatch('ed25519', [])).rejects.toThrow(
      expect.objectContaining({ code: 'CRYPTO_WORKER_UNAVAILABLE' }),
    );
  });
});
