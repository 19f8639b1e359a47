/**
 * The keystore file format (version 1), portable: its fields, the authenticated header and the
 * strict parser, with no node: imports, so the SDK decrypts keystores in a browser
 * (src/sdk/keystore.ts) with exactly the checks the node's decryptor (./keystore.ts) applies.
 *
 * scrypt(password NFKC UTF-8, salt, N, r = 8, p = 1) derives the keys. The authenticated
 * header (`keystoreHeader`) binds every other field, so no field can be swapped or edited.
 * - ed25519 / secp256k1: AES-256-GCM, 12-byte IV, 16-byte tag, header as AAD.
 * - sm2: SM4-CTR + HMAC-SM3 encrypt-then-MAC (node has SM4-CTR but no SM4-GCM): the 48 scrypt
 *   bytes are split into a 16-byte SM4 key and a 32-byte MAC key, and
 *   tag = HMAC-SM3(macKey, header || ciphertext), checked before decrypting.
 */
import { fromHex } from '../encoding/bytes.js';
import { GongzhiError } from '../errors/index.js';
import { getPortableSuite } from './portable.js';
import { isSuiteId, type SuiteId } from './suite.js';

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

/** scrypt r and p, fixed by version 1. */
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;

/** KEYSTORE_INVALID with `message`. */
export function invalid(
  message: string,
  details: Record<string, string | number> = {},
  cause?: unknown,
): GongzhiError {
  return new GongzhiError('KEYSTORE_INVALID', message, details, cause === undefined ? undefined : { cause });
}

/** The cipher a suite's keystores use. */
export function cipherFor(suite: SuiteId): KeystoreCipher {
  return suite === 'sm2' ? 'sm4-ctr-hmac-sm3' : 'aes-256-gcm';
}

type HeaderFields = Omit<Keystore, 'ciphertext' | 'cipher'> & {
  readonly cipher: { name: string; iv: string };
};

/** Bytes authenticated alongside the ciphertext: every field except ciphertext and tag. */
export function keystoreHeader(ks: HeaderFields): Uint8Array {
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
  return new TextEncoder().encode(JSON.stringify(fields));
}

/** N must be a power of two in [2, 2^20] (`code` names whose fault it is). */
export function checkN(N: unknown, code: 'KEYSTORE_INVALID' | 'CRYPTO_BAD_KEY'): asserts N is number {
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
  if (getPortableSuite(suite).address(fromHex(out.publicKey)) !== out.address) {
    throw invalid('address does not match publicKey');
  }
  return out;
}
