/**
 * Make a new key and its encrypted keystore file in the page: the key from the portable suite
 * (Web Crypto randomness), scrypt from @noble/hashes, AES-256-GCM from Web Crypto or, for sm2,
 * SM4-CTR + HMAC-SM3 in plain JS — the format the node writes (src/crypto/keystore.ts
 * `encryptKeystore`) and opens (`decryptKeystore`), checked by test/unit/sdk-keystore-create.test.ts.
 * The password and the secret key never leave the caller's memory.
 */
import { scryptAsync } from '@noble/hashes/scrypt';
import {
  cipherFor,
  KEYSTORE_DEFAULT_SCRYPT_N,
  KEYSTORE_MIN_SCRYPT_N,
  type Keystore,
  keystoreHeader,
  SCRYPT_P,
  SCRYPT_R,
} from '../crypto/keystore-format.js';
import { portableRandomBytes } from '../crypto/portable.js';
import { hmacSm3 } from '../crypto/sm3.js';
import { toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import type { UnlockedKey } from './keystore.js';
import { sm4Ctr } from './sm4.js';
import { getSuite, type SuiteId } from './suite.js';

/** Shortest password a new keystore accepts: scrypt slows guessing, it cannot save a short password. */
export const MIN_KEYSTORE_PASSWORD = 8;

function copy(b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

async function aesGcmSeal(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plain: Uint8Array) {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new GongzhiError(
      'CONFIG_INVALID',
      'Web Crypto (crypto.subtle) is not available: open the page over https or localhost',
    );
  }
  const k = await subtle.importKey('raw', copy(key), { name: 'AES-GCM' }, false, ['encrypt']);
  const sealed = new Uint8Array(
    await subtle.encrypt(
      { name: 'AES-GCM', iv: copy(iv), additionalData: copy(aad), tagLength: 128 },
      k,
      copy(plain),
    ),
  );
  return { ciphertext: sealed.subarray(0, sealed.length - 16), tag: sealed.subarray(sealed.length - 16) };
}

/**
 * A new key pair of `suite` and its keystore under `password` (at least MIN_KEYSTORE_PASSWORD
 * characters: KEYSTORE_WEAK_PASSWORD otherwise). `scryptN` defaults to 2^17, as the node's; below 2^14
 * only with `weakForTests`.
 */
export async function createKeystore(
  suite: SuiteId,
  password: string,
  opts: { readonly scryptN?: number; readonly weakForTests?: boolean } = {},
): Promise<{ readonly keystore: Keystore; readonly key: UnlockedKey }> {
  if (typeof password !== 'string' || [...password].length < MIN_KEYSTORE_PASSWORD) {
    throw new GongzhiError(
      'KEYSTORE_WEAK_PASSWORD',
      `the password must have at least ${MIN_KEYSTORE_PASSWORD} characters`,
    );
  }
  const N = opts.scryptN ?? KEYSTORE_DEFAULT_SCRYPT_N;
  if (!Number.isInteger(N) || N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0) {
    throw new GongzhiError('CRYPTO_BAD_KEY', 'scrypt N must be a power of two in [2, 2^20]', {
      N: String(N),
    });
  }
  if (N < KEYSTORE_MIN_SCRYPT_N && opts.weakForTests !== true) {
    throw new GongzhiError('CRYPTO_BAD_KEY', 'scrypt N below 2^14 is for tests only', { N: String(N) });
  }
  const impl = getSuite(suite);
  const pair = impl.generateKeyPair();
  const name = cipherFor(suite);
  const salt = portableRandomBytes(32);
  const iv = portableRandomBytes(name === 'aes-256-gcm' ? 12 : 16);
  const base = {
    version: 1 as const,
    suite,
    address: impl.address(pair.publicKey),
    publicKey: toHex(pair.publicKey),
    kdf: { name: 'scrypt' as const, N, r: SCRYPT_R, p: SCRYPT_P, salt: toHex(salt) },
  };
  const header = keystoreHeader({ ...base, cipher: { name, iv: toHex(iv) } });
  const dk = await scryptAsync(new TextEncoder().encode(password.normalize('NFKC')), salt, {
    N,
    r: SCRYPT_R,
    p: SCRYPT_P,
    dkLen: name === 'aes-256-gcm' ? 32 : 48,
    maxmem: 256 * N * SCRYPT_R * SCRYPT_P + 32 * 1024 * 1024,
  });
  try {
    let ciphertext: Uint8Array;
    let tag: Uint8Array;
    if (name === 'aes-256-gcm') ({ ciphertext, tag } = await aesGcmSeal(dk, iv, header, pair.secretKey));
    else {
      ciphertext = sm4Ctr(dk.subarray(0, 16), iv, pair.secretKey);
      tag = hmacSm3(dk.subarray(16), header, ciphertext);
    }
    const keystore: Keystore = {
      ...base,
      cipher: { name, iv: toHex(iv), tag: toHex(tag) },
      ciphertext: toHex(ciphertext),
    };
    return { keystore, key: { suite, address: base.address, ...pair } };
  } finally {
    dk.fill(0);
  }
}
