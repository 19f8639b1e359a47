import { describe, expect, it } from 'vitest';
import { measureVerifyRate } from '../../src/crypto/measure.js';
import { SUITE_IDS, type SuiteId } from '../../src/crypto/suite.js';
import { getSuite } from '../../src/crypto/suites.js';
import { decodeBatch, encodeBatch, type VerifyItem } from '../../src/crypto/verify-batch.js';
import { VerifyPool } from '../../src/crypto/verify-pool.js';
import { utf8 } from '../../src/encoding/bytes.js';

function makeItems(id: SuiteId, n: number): { items: VerifyItem[]; expected: boolean[] } {
  const suite = getSuite(id);
  const kp = suite.generateKeyPair();
  const items: VerifyItem[] = [];
  const expected: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const message = utf8(`item ${i}`);
    const signature = suite.sign(kp.secretKey, message);
    const ok = i % 3 !== 1;
    items.push({ publicKey: kp.publicKey, message: ok ? message : utf8(`forged ${i}`), signature });
    expected.push(ok);
  }
  return { items, expected };
}

describe('verify batch codec', () => {
  it('round trips items as views of one buffer', () => {
    const { items } = makeItems('ed25519', 5);
    const buf = encodeBatch(items, 1, 4);
    const back = decodeBatch(buf);
    expect(back).toHaveLength(3);
    back?.forEach((it, i) => {
      expect(it.publicKey).toEqual(items[i + 1]?.publicKey);
      expect(it.message).toEqual(items[i + 1]?.message);
      expect(it.signature).toEqual(items[i + 1]?.signature);
      expect(it.message.buffer).toBe(buf);
    });
    expect(decodeBatch(buf.slice(0, buf.byteLength - 1))).toBeUndefined();
    expect(decodeBatch(new ArrayBuffer(2))).toBeUndefined();
  });
});

describe('VerifyPool', () => {
  it('size 0 verifies inline', async () => {
    const pool = new VerifyPool(0);
    for (const id of SUITE_IDS) {
      const { items, expected } = makeItems(id, 7);
      expect(await pool.verifyBatch(id, items)).toEqual(expected);
    }
    expect(await pool.verifyBatch('sm2', [])).toEqual([]);
    await expect(pool.verifyBatch('nope' as SuiteId, [])).rejects.toThrow(
      expect.objectContaining({ code: 'CRYPTO_UNKNOWN_SUITE' }),
    );
    await pool.close();
    await expect(pool.verifyBatch('ed25519', [])).rejects.toThrow(
      expect.objectContaining({ code: 'CRYPTO_WORKER_UNAVAILABLE' }),
    );
  });

  it('size > 0 from .ts sources throws CRYPTO_WORKER_UNAVAILABLE; withFallback goes inline', () => {
    expect(() => new VerifyPool(2)).toThrow(expect.objectContaining({ code: 'CRYPTO_WORKER_UNAVAILABLE' }));
    expect(VerifyPool.withFallback(2).size).toBe(0);
    expect(() => new VerifyPool(-1)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('measureVerifyRate', () => {
  it('returns a positive rate', () => {
    for (const id of SUITE_IDS) expect(measureVerifyRate(id, 20)).toBeGreaterThan(0);
  });
});
