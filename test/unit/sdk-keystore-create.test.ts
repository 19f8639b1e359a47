/**
 * Keystores made by the SDK (src/sdk/keystore-create.ts, the console's "new key") open with the
 * node's decryptor and the SDK's, for every suite; bad passwords and costs are refused by code.
 */
import { describe, expect, it } from 'vitest';
import { decryptKeystore } from '../../src/crypto/keystore.js';
import { SUITE_IDS, type SuiteId } from '../../src/crypto/suite.js';
import { getSuite } from '../../src/crypto/suites.js';
import { toHex } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import { createKeystore, parseKeystore, unlockKeystore } from '../../src/sdk/index.js';

const N = 2 ** 10;

function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'no error',
    (e: unknown) => (isGongzhiError(e) ? e.code : `not a GongzhiError: ${String(e)}`),
  );
}

describe.each(SUITE_IDS)('%s keystore made by the SDK', (id: SuiteId) => {
  it('opens with the node’s decryptor and the SDK’s, giving the same key', async () => {
    const { keystore, key } = await createKeystore(id, 'a long passphrase ①', {
      scryptN: N,
      weakForTests: true,
    });
    const text = JSON.stringify(keystore);
    expect(parseKeystore(JSON.parse(text)).address).toBe(key.address);
    const byNode = await decryptKeystore(JSON.parse(text), 'a long passphrase ①');
    expect(toHex(byNode.secretKey)).toBe(toHex(key.secretKey));
    expect(toHex(getSuite(id).publicKeyFromSecret(byNode.secretKey))).toBe(keystore.publicKey);
    const bySdk = await unlockKeystore(text, 'a long passphrase ①');
    expect(bySdk.address).toBe(key.address);
    expect(await codeOf(decryptKeystore(JSON.parse(text), 'a long passphrase ②'))).toBe(
      'KEYSTORE_BAD_PASSWORD',
    );
  });
});

describe('new keystore inputs', () => {
  it('two keystores hold different keys, salts and IVs', async () => {
    const a = await createKeystore('ed25519', 'password-123', { scryptN: N, weakForTests: true });
    const b = await createKeystore('ed25519', 'password-123', { scryptN: N, weakForTests: true });
    expect(a.key.address).not.toBe(b.key.address);
    expect(a.keystore.kdf.salt).not.toBe(b.keystore.kdf.salt);
    expect(a.keystore.cipher.iv).not.toBe(b.keystore.cipher.iv);
  });

  it('refuses a short password, a weak or malformed cost, by code', async () => {
    expect(await codeOf(createKeystore('ed25519', 'short', { scryptN: N, weakForTests: true }))).toBe(
      'KEYSTORE_WEAK_PASSWORD',
    );
    expect(await codeOf(createKeystore('ed25519', 'password-123', { scryptN: N }))).toBe('CRYPTO_BAD_KEY');
    expect(await codeOf(createKeystore('ed25519', 'password-123', { scryptN: 1000 }))).toBe('CRYPTO_BAD_KEY');
  });

  it('uses 2^17 by default, as the node', async () => {
    const { keystore } = await createKeystore('secp256k1', 'password-123');
    expect(keystore.kdf.N).toBe(2 ** 17);
  }, 30_000);
});
