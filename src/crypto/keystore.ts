/** Password-encrypted keystores (format and parser: ./keystore-format.ts), on node:crypto. */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  type ScryptOptions,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { GongzhiError } from '../errors/index.js';
import { hexOf, plainBytes } from './internal.js';
import {
  checkN,
  cipherFor,
  invalid,
  KEYSTORE_DEFAULT_SCRYPT_N,
  KEYSTORE_MIN_SCRYPT_N,
  type Keystore,
  keystoreHeader,
  parseKeystore,
  SCRYPT_P,
  SCRYPT_R,
} from './keystore-format.js';
import type { KeyPair, SuiteId } from './suite.js';
import { getSuite } from './suites.js';

export {
  KEYSTORE_DEFAULT_SCRYPT_N,
  KEYSTORE_MAX_SCRYPT_N,
  KEYSTORE_MIN_SCRYPT_N,
  type Keystore,
  type KeystoreCipher,
  parseKeystore,
} from './keystore-format.js';

function deriveKey(password: string, salt: Uint8Array, N: number, r: number, p: number, length: number) {
  const opts: ScryptOptions = { N, r, p, maxmem: 256 * N * r * p + 32 * 1024 * 1024 };
  return new Promise<Buffer>((resolve, reject) => {
    // Async scrypt runs on the libuv pool, keeping the event loop free for ~100 ms.
    scrypt(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, length, opts, (err, key) => {
      if (err) reject(invalid('scrypt failed', {}, err));
      else resolve(key);
    });
  });
}

function hmacSm3(key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = createHmac('sm3', key);
  for (const part of parts) h.update(part);
  return h.digest();
}

/**
 * Encrypt a key pair under `password`. The key pair must be consistent (CRYPTO_BAD_KEY otherwise).
 * `scryptN` (power of two) sets the cost; the default is 2^17, the floor 2^14 outside tests.
 */
export async function encryptKeystore(
  suite: SuiteId,
  keyPair: KeyPair,
  password: string,
  opts: { scryptN?: number; weakForTests?: boolean } = {},
): Promise<Keystore> {
  const impl = getSuite(suite);
  const publicKey = impl.publicKeyFromSecret(keyPair.secretKey);
  if (hexOf(publicKey) !== hexOf(keyPair.publicKey)) {
    throw new GongzhiError('CRYPTO_BAD_KEY', 'public key does not match the secret key');
  }
  const N = opts.scryptN ?? KEYSTORE_DEFAULT_SCRYPT_N;
  checkN(N, 'CRYPTO_BAD_KEY');
  const testing = opts.weakForTests === true || process.env.VITEST === 'true';
  if (N < KEYSTORE_MIN_SCRYPT_N && !testing) {
    throw new GongzhiError('CRYPTO_BAD_KEY', 'scrypt N below 2^14 is for tests only', { N: String(N) });
  }
  const salt = randomBytes(32);
  const name = cipherFor(suite);
  const iv = randomBytes(name === 'aes-256-gcm' ? 12 : 16);
  const base = {
    version: 1 as const,
    suite,
    address: impl.address(publicKey),
    publicKey: hexOf(publicKey),
    kdf: { name: 'scrypt' as const, N, r: SCRYPT_R, p: SCRYPT_P, salt: hexOf(salt) },
  };
  const header = keystoreHeader({ ...base, cipher: { name, iv: hexOf(iv) } });
  const dk = await deriveKey(password, salt, N, SCRYPT_R, SCRYPT_P, name === 'aes-256-gcm' ? 32 : 48);
  try {
    let ciphertext: Buffer;
    let tag: Buffer;
    if (name === 'aes-256-gcm') {
      const c = createCipheriv('aes-256-gcm', dk, iv, { authTagLength: 16 });
      c.setAAD(header);
      ciphertext = Buffer.concat([c.update(keyPair.secretKey), c.final()]);
      tag = c.getAuthTag();
    } else {
      const c = createCipheriv('sm4-ctr', dk.subarray(0, 16), iv);
      ciphertext = Buffer.concat([c.update(keyPair.secretKey), c.final()]);
      tag = hmacSm3(dk.subarray(16), header, ciphertext);
    }
    return { ...base, cipher: { name, iv: hexOf(iv), tag: hexOf(tag) }, ciphertext: hexOf(ciphertext) };
  } finally {
    dk.fill(0);
  }
}

/**
 * Decrypt a keystore (parsed JSON object). Wrong password (or any edit to the authenticated
 * fields, which is indistinguishable) → KEYSTORE_BAD_PASSWORD; malformed → KEYSTORE_INVALID.
 */
export async function decryptKeystore(value: unknown, password: string): Promise<KeyPair> {
  const ks = parseKeystore(value);
  if (typeof password !== 'string') throw invalid('password must be a string');
  const salt = Buffer.from(ks.kdf.salt, 'hex');
  const iv = Buffer.from(ks.cipher.iv, 'hex');
  const tag = Buffer.from(ks.cipher.tag, 'hex');
  const ciphertext = Buffer.from(ks.ciphertext, 'hex');
  const header = keystoreHeader(ks);
  const gcm = ks.cipher.name === 'aes-256-gcm';
  const dk = await deriveKey(password, salt, ks.kdf.N, ks.kdf.r, ks.kdf.p, gcm ? 32 : 48);
  const badPassword = () => new GongzhiError('KEYSTORE_BAD_PASSWORD', 'wrong keystore password');
  let secret: Buffer;
  try {
    if (gcm) {
      const d = createDecipheriv('aes-256-gcm', dk, iv, { authTagLength: 16 });
      d.setAAD(header);
      d.setAuthTag(tag);
      try {
        secret = Buffer.concat([d.update(ciphertext), d.final()]);
      } catch {
        throw badPassword();
      }
    } else {
      if (!timingSafeEqual(hmacSm3(dk.subarray(16), header, ciphertext), tag)) throw badPassword();
      const d = createDecipheriv('sm4-ctr', dk.subarray(0, 16), iv);
      secret = Buffer.concat([d.update(ciphertext), d.final()]);
    }
  } finally {
    dk.fill(0);
  }
  const secretKey = plainBytes(secret);
  secret.fill(0);
  let publicKey: Uint8Array;
  try {
    publicKey = getSuite(ks.suite).publicKeyFromSecret(secretKey);
  } catch (e) {
    throw invalid('keystore holds an invalid secret key', {}, e);
  }
  if (hexOf(publicKey) !== ks.publicKey) throw invalid('keystore secret key does not match its public key');
  return { secretKey, publicKey };
}

function errnoOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

/** Write a keystore as JSON with mode 0600, atomically (temp file + rename). */
export async function writeKeystoreFile(path: string, ks: Keystore): Promise<void> {
  const json = `${JSON.stringify(parseKeystore(ks), null, 2)}\n`;
  const tmp = `${path}.${hexOf(randomBytes(6))}.tmp`;
  try {
    await writeFile(tmp, json, { mode: 0o600, flag: 'wx' });
    // mode is masked by the umask at creation; make sure it ends up exactly 0600.
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new GongzhiError(
      'STORAGE_FAILURE',
      'cannot write keystore file',
      { path, errno: errnoOf(e) },
      { cause: e },
    );
  }
}

/** Read and validate a keystore file (KEYSTORE_INVALID if unreadable or malformed). */
export async function readKeystoreFile(path: string): Promise<Keystore> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw invalid('cannot read keystore file', { path, errno: errnoOf(e) }, e);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw invalid('keystore file is not JSON', { path }, e);
  }
  return parseKeystore(value);
}
