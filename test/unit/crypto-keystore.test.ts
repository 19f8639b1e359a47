import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decryptKeystore,
  encryptKeystore,
  type Keystore,
  parseKeystore,
  readKeystoreFile,
  writeKeystoreFile,
} from '../../src/crypto/keystore.js';
import { SUITE_IDS, type SuiteId } from '../../src/crypto/suite.js';
import { getSuite } from '../../src/crypto/suites.js';

const N = 2 ** 10; // keep tests fast; production default is 2^15
const bad = (code: string) => expect.objectContaining({ code });
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe.each(SUITE_IDS)('%s keystore', (id: SuiteId) => {
  const suite = getSuite(id);

  it('round trips and has the documented shape', async () => {
    const kp = suite.generateKeyPair();
    const ks = await encryptKeystore(id, kp, 'correct horse', { scryptN: N });
    expect(ks).toMatchObject({
      version: 1,
      suite: id,
      address: suite.address(kp.publicKey),
      kdf: { name: 'scrypt', N, r: 8, p: 1 },
      cipher: { name: id === 'sm2' ? 'sm4-ctr-hmac-sm3' : 'aes-256-gcm' },
    });
    expect(ks.ciphertext).toHaveLength(64);
    expect(JSON.stringify(ks)).not.toContain(Buffer.from(kp.secretKey).toString('hex'));
    const back = await decryptKeystore(JSON.parse(JSON.stringify(ks)), 'correct horse');
    expect(back).toEqual(kp);
  });

  it('wrong password and tampering → KEYSTORE_BAD_PASSWORD', async () => {
    const kp = suite.generateKeyPair();
    const ks = await encryptKeystore(id, kp, 'pw', { scryptN: N });
    await expect(decryptKeystore(ks, 'pW')).rejects.toThrow(bad('KEYSTORE_BAD_PASSWORD'));
    const flip = (h: string) => (h[0] === '0' ? '1' : '0') + h.slice(1);
    await expect(decryptKeystore({ ...ks, ciphertext: flip(ks.ciphertext) }, 'pw')).rejects.toThrow(
      bad('KEYSTORE_BAD_PASSWORD'),
    );
    await expect(
      decryptKeystore({ ...ks, cipher: { ...ks.cipher, iv: flip(ks.cipher.iv) } }, 'pw'),
    ).rejects.toThrow(bad('KEYSTORE_BAD_PASSWORD'));
    await expect(
      decryptKeystore({ ...ks, cipher: { ...ks.cipher, tag: flip(ks.cipher.tag) } }, 'pw'),
    ).rejects.toThrow(bad('KEYSTORE_BAD_PASSWORD'));
    // Swap in another key's public key + address: header is authenticated.
    const other = suite.generateKeyPair();
    const swapped = {
      ...ks,
      publicKey: Buffer.from(other.publicKey).toString('hex'),
      address: suite.address(other.publicKey),
    };
    await expect(decryptKeystore(swapped, 'pw')).rejects.toThrow(bad('KEYSTORE_BAD_PASSWORD'));
  });

  it('malformed → KEYSTORE_INVALID', async () => {
    const kp = suite.generateKeyPair();
    const ks = await encryptKeystore(id, kp, 'pw', { scryptN: N });
    const cases: unknown[] = [
      null,
      'x',
      { ...ks, version: 2 },
      { ...ks, suite: 'rsa' },
      { ...ks, address: 'gz00' },
      { ...ks, ciphertext: 'zz' },
      { ...ks, ciphertext: ks.ciphertext.toUpperCase() },
      { ...ks, kdf: { ...ks.kdf, N: 3 } },
      { ...ks, kdf: { ...ks.kdf, N: 2 ** 30 } },
      { ...ks, kdf: { ...ks.kdf, name: 'pbkdf2' } },
      { ...ks, kdf: { ...ks.kdf, r: 1 } },
      { ...ks, cipher: { ...ks.cipher, name: 'aes-128-cbc' } },
      { ...ks, cipher: undefined },
    ];
    for (const c of cases) {
      await expect(decryptKeystore(c, 'pw')).rejects.toThrow(bad('KEYSTORE_INVALID'));
    }
  });

  it('rejects an inconsistent key pair on encryption', async () => {
    const kp = suite.generateKeyPair();
    const other = suite.generateKeyPair();
    await expect(
      encryptKeystore(id, { secretKey: kp.secretKey, publicKey: other.publicKey }, 'pw', { scryptN: N }),
    ).rejects.toThrow(bad('CRYPTO_BAD_KEY'));
  });
});

describe('keystore files', () => {
  it('writes mode 0600 and reads back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gz-ks-'));
    dirs.push(dir);
    const kp = getSuite('sm2').generateKeyPair();
    const ks = await encryptKeystore('sm2', kp, 'pw', { scryptN: N });
    const path = join(dir, 'key.json');
    await writeKeystoreFile(path, ks);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const read: Keystore = await readKeystoreFile(path);
    expect(read).toEqual(ks);
    expect(parseKeystore(JSON.parse(await readFile(path, 'utf8')))).toEqual(ks);
    expect(await decryptKeystore(read, 'pw')).toEqual(kp);
    // overwrite keeps 0600
    await writeKeystoreFile(path, ks);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('unreadable or non-JSON files → KEYSTORE_INVALID', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gz-ks-'));
    dirs.push(dir);
    await expect(readKeystoreFile(join(dir, 'missing.json'))).rejects.toThrow(bad('KEYSTORE_INVALID'));
    await writeFile(join(dir, 'bad.json'), '{nope');
    await expect(readKeystoreFile(join(dir, 'bad.json'))).rejects.toThrow(bad('KEYSTORE_INVALID'));
  });

  it('default N is 2^17', async () => {
    const kp = getSuite('ed25519').generateKeyPair();
    const ks = await encryptKeystore('ed25519', kp, 'pw');
    expect(ks.kdf.N).toBe(2 ** 17);
    expect(await decryptKeystore(ks, 'pw')).toEqual(kp);
  });

  it('N below 2^14 is refused outside tests', async () => {
    const kp = getSuite('ed25519').generateKeyPair();
    const saved = process.env.VITEST;
    delete process.env.VITEST;
    try {
      await expect(encryptKeystore('ed25519', kp, 'pw', { scryptN: 2 ** 13 })).rejects.toThrow(
        bad('CRYPTO_BAD_KEY'),
      );
      const ok = await encryptKeystore('ed25519', kp, 'pw', { scryptN: 2 ** 13, weakForTests: true });
      expect(ok.kdf.N).toBe(2 ** 13);
    } finally {
      process.env.VITEST = saved;
    }
  });
});
