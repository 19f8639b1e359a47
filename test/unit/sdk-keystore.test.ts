/**
 * The SDK's portable keystore opener (src/sdk/keystore.ts: noble scrypt, Web Crypto AES-GCM,
 * plain-JS SM4-CTR + HMAC-SM3) against the node's own encryptor (node:crypto), for every suite:
 * the same key back, the same error codes for a wrong password, an edited field or a broken file.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptKeystore } from '../../src/crypto/keystore.js';
import { SUITE_IDS, type SuiteId } from '../../src/crypto/suite.js';
import { getSuite } from '../../src/crypto/suites.js';
import { toHex } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import { unlockKeystore } from '../../src/sdk/index.js';
import { sm4Ctr, sm4EncryptBlock, sm4RoundKeys } from '../../src/sdk/sm4.js';

const N = 2 ** 10;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return isGongzhiError(e) ? e.code : `not a GongzhiError: ${String(e)}`;
  }
  return 'no error';
}

describe('SM4', () => {
  it('gives the standard’s example (GB/T 32907 A.1)', () => {
    const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const rk = sm4RoundKeys(key);
    expect(toHex(sm4EncryptBlock(rk, key))).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('is the same CTR stream as node:crypto, across a counter carry', () => {
    for (const ivHex of ['00'.repeat(16), `${'00'.repeat(14)}ffff`, 'ff'.repeat(16)]) {
      const key = randomBytes(16);
      const iv = Buffer.from(ivHex, 'hex');
      const data = randomBytes(77);
      const c = createCipheriv('sm4-ctr', key, iv);
      const expected = Buffer.concat([c.update(data), c.final()]);
      expect(toHex(sm4Ctr(key, iv, data))).toBe(expected.toString('hex'));
    }
  });
});

describe.each(SUITE_IDS)('%s keystore opened by the SDK', (id: SuiteId) => {
  const suite = getSuite(id);

  it('gives back the key the node encrypted, from the object or the file text', async () => {
    const kp = suite.generateKeyPair();
    const ks = await encryptKeystore(id, kp, 'pässwörd ①', { scryptN: N });
    const opened = await unlockKeystore(JSON.parse(JSON.stringify(ks)), 'pässwörd ①');
    expect(toHex(opened.secretKey)).toBe(toHex(kp.secretKey));
    expect(toHex(opened.publicKey)).toBe(toHex(kp.publicKey));
    expect(opened.address).toBe(ks.address);
    expect(opened.suite).toBe(id);
    const fromText = await unlockKeystore(JSON.stringify(ks), 'pässwörd ①');
    expect(fromText.address).toBe(ks.address);
    // NFKC: the compatibility form of the same password opens it too (as on the node).
    expect((await unlockKeystore(ks, 'pässwörd 1')).address).toBe(ks.address);
  });

  it('refuses a wrong password and any edited field with KEYSTORE_BAD_PASSWORD', async () => {
    const ks = await encryptKeystore(id, suite.generateKeyPair(), 'right', { scryptN: N });
    expect(await codeOf(unlockKeystore(ks, 'wrong'))).toBe('KEYSTORE_BAD_PASSWORD');
    const flip = (h: string) => `${h.slice(0, -1)}${h.endsWith('0') ? '1' : '0'}`;
    expect(await codeOf(unlockKeystore({ ...ks, ciphertext: flip(ks.ciphertext) }, 'right'))).toBe(
      'KEYSTORE_BAD_PASSWORD',
    );
    expect(
      await codeOf(unlockKeystore({ ...ks, cipher: { ...ks.cipher, tag: flip(ks.cipher.tag) } }, 'right')),
    ).toBe('KEYSTORE_BAD_PASSWORD');
    expect(
      await codeOf(unlockKeystore({ ...ks, kdf: { ...ks.kdf, salt: flip(ks.kdf.salt) } }, 'right')),
    ).toBe('KEYSTORE_BAD_PASSWORD');
  });

  it('refuses malformed files with KEYSTORE_INVALID or KEYSTORE_NOT_A_KEYSTORE', async () => {
    const ks = await encryptKeystore(id, suite.generateKeyPair(), 'right', { scryptN: N });
    expect(await codeOf(unlockKeystore('not json {', 'right'))).toBe('KEYSTORE_NOT_A_KEYSTORE');
    expect(await codeOf(unlockKeystore({ ...ks, version: 2 }, 'right'))).toBe('KEYSTORE_INVALID');
    expect(await codeOf(unlockKeystore({ ...ks, kdf: { ...ks.kdf, N: 2 ** 21 } }, 'right'))).toBe(
      'KEYSTORE_INVALID',
    );
    expect(await codeOf(unlockKeystore({ ...ks, kdf: { ...ks.kdf, N: 1000 } }, 'right'))).toBe(
      'KEYSTORE_INVALID',
    );
    expect(await codeOf(unlockKeystore({ ...ks, address: 'gz0' }, 'right'))).toBe('KEYSTORE_INVALID');
    expect(await codeOf(unlockKeystore([], 'right'))).toBe('KEYSTORE_INVALID');
  });
});
