/**
 * Open an encrypted keystore file in the page: scrypt from @noble/hashes, AES-256-GCM from Web
 * Crypto (browsers and Node ≥ 20 have `crypto.subtle`), SM4-CTR + HMAC-SM3 in plain JS for SM2
 * keystores. The password and the key stay in the caller's memory — nothing is sent anywhere.
 * Same format, same checks and the same error codes as the node's decryptor
 * (src/crypto/keystore.ts): KEYSTORE_INVALID for a malformed file, KEYSTORE_BAD_PASSWORD for a
 * wrong password or any edited field (they cannot be told apart).
 */
import { scryptAsync } from '@noble/hashes/scrypt';
import { type Keystore, keystoreHeader, parseKeystore } from '../crypto/keystore-format.js';
import { hmacSm3 } from '../crypto/sm3.js';
import { bytesEqual, fromHex, toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { sm4Ctr } from './sm4.js';
import type { KeyPair } from './suite.js';
import { getSuite } from './suite.js';

export { type Keystore, parseKeystore } from '../crypto/keystore-format.js';

/** An opened keystore: the key pair and who it is. */
export interface UnlockedKey extends KeyPair {
  readonly suite: Keystore['suite'];
  readonly address: string;
}

const badPassword = () => new GongzhiError('KEYSTORE_BAD_PASSWORD', 'wrong keystore password');

function copy(b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

async function aesGcmOpen(
  key: Uint8Array,
  iv: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Promise<Uint8Array> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new GongzhiError(
      'CONFIG_INVALID',
      'Web Crypto (crypto.subtle) is not available: open the page over https or localhost',
    );
  }
  const k = await subtle.importKey('raw', copy(key), { name: 'AES-GCM' }, false, ['decrypt']);
  try {
    const plain = await subtle.decrypt(
      { name: 'AES-GCM', iv: copy(iv), additionalData: copy(aad), tagLength: 128 },
      k,
      copy(sealed),
    );
    return new Uint8Array(plain);
  } catch {
    throw badPassword();
  }
}

/**
 * Decrypt a keystore (the parsed JSON of the file, or its text) with `password`. Takes as long
 * as the file's scrypt cost asks (≈ 0.5–2 s in a browser at N = 2^17).
 */
export async function unlockKeystore(value: unknown, password: string): Promise<UnlockedKey> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new GongzhiError('KEYSTORE_NOT_A_KEYSTORE', 'the file is not JSON, so not a keystore');
    }
  }
  const ks = parseKeystore(parsed);
  if (typeof password !== 'string') throw new GongzhiError('KEYSTORE_INVALID', 'password must be a string');
  const gcm = ks.cipher.name === 'aes-256-gcm';
  const { N, r, p } = ks.kdf;
  const dk = await scryptAsync(new TextEncoder().encode(password.normalize('NFKC')), fromHex(ks.kdf.salt), {
    N,
    r,
    p,
    dkLen: gcm ? 32 : 48,
    maxmem: 256 * N * r * p + 32 * 1024 * 1024,
  });
  const header = keystoreHeader(ks);
  const iv = fromHex(ks.cipher.iv);
  const tag = fromHex(ks.cipher.tag);
  const ciphertext = fromHex(ks.ciphertext);
  let secretKey: Uint8Array;
  try {
    if (gcm) {
      const sealed = new Uint8Array(ciphertext.length + tag.length);
      sealed.set(ciphertext);
      sealed.set(tag, ciphertext.length);
      secretKey = await aesGcmOpen(dk, iv, header, sealed);
    } else {
      if (!bytesEqual(hmacSm3(dk.subarray(16), header, ciphertext), tag)) throw badPassword();
      secretKey = sm4Ctr(dk.subarray(0, 16), iv, ciphertext);
    }
  } finally {
    dk.fill(0);
  }
  const suite = getSuite(ks.suite);
  let publicKey: Uint8Array;
  try {
    publicKey = suite.publicKeyFromSecret(secretKey);
  } catch (e) {
    throw new GongzhiError('KEYSTORE_INVALID', 'keystore holds an invalid secret key', {}, { cause: e });
  }
  if (toHex(publicKey) !== ks.publicKey) {
    throw new GongzhiError('KEYSTORE_INVALID', 'keystore secret key does not match its public key');
  }
  return { suite: ks.suite, address: ks.address, secretKey, publicKey };
}
