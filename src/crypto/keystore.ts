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
import { isSuiteId, type KeyPair, type SuiteId } from './suite.js';
import { getSuite } from './suites.js';

/**
 * Password-encrypted keystore (version 1).
 *
 * scrypt(password NFKC UTF-8, salt, N, r = 8, p = 1) derives the keys. The authenticated
 * header (`keystoreHeader`) binds every other field, so no field can be swapped or edited.
 * - ed25519 / secp256k1: AES-256-GCM, 12-byte IV, 16-byte tag, header as AAD.
 * - sm2: node has SM4-CTR but no SM4-GCM, so SM4-CTR + HMAC-SM3 encrypt-then-MAC:
 *   the 48 scrypt bytes are split into a 16-byte SM4 key and a 32-byte MAC key, and
 *   tag = HMAC-SM3(macKey, header || ciphertext), checked before decrypting.
 */

export type KeystoreCipher = 'aes-256-gcm' | 'sm4-ctr-hmac-sm3';

/** The JSON object stored on disk. */
export interface Keystore {
  readonly version: 1;
  readonly suite: SuiteId;
  readonly address: string;
  /** hex */
  readonly publicKey: string;
  readonly kdf: {
    readonly name: 'scrypt';
    readonly N: number;
    readonly r: number;
    readonly p: number;
    /** hex */
    readonly salt: string;
  };
  readonly cipher: {
    readonly name: KeystoreCipher;
    /** hex */
    readonly iv: string;
    /** hex: GCM tag or HMAC-SM3 */
    readonly tag: string;
  };
  /** hex */
  readonly ciphertext: string;
}

/**
 * Default scrypt cost for new keystores: 2^17 (128 MiB per derivation; one unlock measured at
 * ~0.5 s on this project's 2-core test machine under load, ~0.1 s for 2^14).
 */
export const KEYSTORE_DEFAULT_SCRYPT_N = 2 ** 17;
/**
 * Lowest N a new keystore may use outside tests (2^14, the cost of the demo's keystores). Tests
 * and the benchmark's throw-away consortia may go lower only by saying so (`weakForTests`), or
 * when run by vitest.
 */
export const KEYSTORE_MIN_SCRYPT_N = 2 ** 14;
/** Largest N accepted when reading a keystore, so a hostile file cannot exhaust memory. */
export const KEYSTORE_MAX_SCRYPT_N = 2 ** 20;

const SCRYPT_R = 8;
const SCRYPT_P = 1;

function invalid(
  message: string,
  details: Record<string, string | number> = {},
  cause?: unknown,
): GongzhiError {
  return new GongzhiError('KEYSTORE_INVALID', message, details, cause === undefined ? undefined : { cause });
}

function cipherFor(suite: SuiteId): KeystoreCipher {
  return suite === 'sm2' ? 'sm4-ctr-hmac-sm3' : 'aes-256-gcm';
}

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

type HeaderFields = Omit<Keystore, 'ciphertext' | 'cipher'> & {
  readonly cipher: { name: string; iv: string };
};

/** Bytes authenticated alongside the ciphertext: every field except ciphertext and tag. */
function keystoreHeader(ks: HeaderFields): Buffer {
  const fields = [
    'gongzhi-keystore',
    ks.version,
    ks.suite,
    ks.address,
    ks.publicKey,
    ks.kdf.name,
    ks.kdf.N,
    ks.kdf.r,
    ks.kdf.p,
    ks.kdf.salt,
    ks.cipher.name,
    ks.cipher.iv,
  ];
  return Buffer.from(JSON.stringify(fields), 'utf8');
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

function checkN(N: unknown, code: 'KEYSTORE_INVALID' | 'CRYPTO_BAD_KEY'): asserts N is number {
  const ok =
    typeof N === 'number' &&
    Number.isInteger(N) &&
    N >= 2 &&
    N <= KEYSTORE_MAX_SCRYPT_N &&
    (N & (N - 1)) === 0;
  if (!ok) throw new GongzhiError(code, 'scrypt N must be a power of two in [2, 2^20]', { N: String(N) });
}

function hexField(v: unknown, name: string, bytes?: readonly number[]): string {
  if (typeof v !== 'string' || !/^(?:[0-9a-f]{2})+$/.test(v)) throw invalid(`${name} must be lower-case hex`);
  if (bytes !== undefined && !bytes.includes(v.length / 2)) throw invalid(`${name} has the wrong length`);
  return v;
}

function obj(v: unknown, name: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${name} must be an object`);
  return v as Record<string, unknown>;
}

/** Validate the shape of a parsed keystore JSON value; throws KEYSTORE_INVALID. */
export function parseKeystore(value: unknown): Keystore {
  const ks = obj(value, 'keystore');
  if (ks.version !== 1) throw invalid('unsupported keystore version', { version: String(ks.version) });
  if (!isSuiteId(ks.suite)) throw invalid('unknown keystore suite', { suite: String(ks.suite) });
  const suite = ks.suite;
  const kdf = obj(ks.kdf, 'kdf');
  const cipher = obj(ks.cipher, 'cipher');
  if (kdf.name !== 'scrypt') throw invalid('unsupported kdf', { kdf: String(kdf.name) });
  checkN(kdf.N, 'KEYSTORE_INVALID');
  // r and p are fixed by this version; accepting others would only widen the DoS surface.
  if (kdf.r !== SCRYPT_R || kdf.p !== SCRYPT_P) throw invalid('unsupported scrypt r/p');
  const name = cipherFor(suite);
  if (cipher.name !== name) throw invalid('cipher does not match suite', { cipher: String(cipher.name) });
  if (typeof ks.address !== 'string') throw invalid('address must be a string');
  const out: Keystore = {
    version: 1,
    suite,
    address: ks.address,
    publicKey: hexField(ks.publicKey, 'publicKey', [suite === 'ed25519' ? 32 : 33]),
    kdf: {
      name: 'scrypt',
      N: kdf.N,
      r: SCRYPT_R,
      p: SCRYPT_P,
      salt: hexField(kdf.salt, 'kdf.salt', [16, 32, 64]),
    },
    cipher: {
      name,
      iv: hexField(cipher.iv, 'cipher.iv', [name === 'aes-256-gcm' ? 12 : 16]),
      tag: hexField(cipher.tag, 'cipher.tag', [name === 'aes-256-gcm' ? 16 : 32]),
    },
    ciphertext: hexField(ks.ciphertext, 'ciphertext', [32]),
  };
  if (getSuite(suite).address(Buffer.from(out.publicKey, 'hex')) !== out.address) {
    throw invalid('address does not match publicKey');
  }
  return out;
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
