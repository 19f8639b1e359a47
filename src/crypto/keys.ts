import { ed25519 } from '@noble/curves/ed25519.js';
import { fromBase64Url, toBase64Url } from '../encoding/bytes.js';
import {
  type DerNode,
  derBitStringBytes,
  derChildren,
  derEncode,
  derExpect,
  derSmallInt,
  TAG,
} from './der.js';
import { badKey } from './internal.js';
import { secp256k1CompressPoint, secp256k1DecompressPoint } from './secp256k1.js';
import { sm2CompressPoint, sm2DecompressPoint } from './sm2.js';
import type { KeyPair, SuiteId } from './suite.js';
import { getSuite } from './suites.js';

/**
 * Key import/export.
 *
 * - PEM/DER: SubjectPublicKeyInfo ("PUBLIC KEY") and PKCS#8 ("PRIVATE KEY").
 *   ed25519 per RFC 8410; secp256k1 and sm2 as id-ecPublicKey with the named curve
 *   (1.3.132.0.10 / 1.2.156.10197.1.301, as OpenSSL and node:crypto write them), the public
 *   point uncompressed and PKCS#8 carrying an RFC 5915 ECPrivateKey with the public key.
 *   Import also accepts compressed points and SEC1 "EC PRIVATE KEY" PEM.
 * - JWK: ed25519 as OKP/Ed25519 (RFC 8037), secp256k1 as EC/secp256k1 (RFC 8812), sm2 as
 *   EC with crv "SM2" (not an IANA-registered curve name; used by a few SM toolkits).
 *
 * All bad input throws CRYPTO_BAD_KEY.
 */

/** A JSON Web Key as written by exportJwk. */
export interface Jwk {
  readonly kty: 'OKP' | 'EC';
  readonly crv: 'Ed25519' | 'secp256k1' | 'SM2';
  readonly x: string;
  readonly y?: string;
  readonly d?: string;
}

/** A public key with an optional secret key. */
export interface KeyMaterial {
  readonly publicKey: Uint8Array;
  readonly secretKey?: Uint8Array;
}

const OID_ED25519 = Uint8Array.of(0x2b, 0x65, 0x70);
const OID_EC_PUBLIC_KEY = Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01);

interface EcInfo {
  readonly curveOid: Uint8Array;
  readonly crv: 'secp256k1' | 'SM2';
  compress(point: Uint8Array): Uint8Array;
  decompress(point: Uint8Array): Uint8Array;
}

const EC: Readonly<Record<'secp256k1' | 'sm2', EcInfo>> = {
  secp256k1: {
    curveOid: Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x0a),
    crv: 'secp256k1',
    compress: secp256k1CompressPoint,
    decompress: secp256k1DecompressPoint,
  },
  sm2: {
    curveOid: Uint8Array.of(0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d),
    crv: 'SM2',
    compress: sm2CompressPoint,
    decompress: sm2DecompressPoint,
  },
};

const MAX_PEM_LENGTH = 16 * 1024;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Validated public key in the suite's raw form (compressing EC points). */
function normalisePublicKey(suite: SuiteId, publicKey: Uint8Array): Uint8Array {
  if (!(publicKey instanceof Uint8Array)) throw badKey('public key must be bytes');
  if (suite === 'ed25519') {
    if (publicKey.length !== 32)
      throw badKey('ed25519 public key must be 32 bytes', { length: publicKey.length });
    try {
      ed25519.Point.fromBytes(publicKey);
    } catch (e) {
      throw badKey('ed25519 public key is not a valid point', {}, e);
    }
    return Uint8Array.from(publicKey);
  }
  getSuite(suite);
  return EC[suite].compress(publicKey);
}

/** KeyPair from a secret key, checking an optionally supplied public key matches. */
function keyPairFromSecret(suite: SuiteId, secretKey: Uint8Array, claimedPublic?: Uint8Array): KeyPair {
  const publicKey = getSuite(suite).publicKeyFromSecret(secretKey);
  if (claimedPublic !== undefined && !sameBytes(normalisePublicKey(suite, claimedPublic), publicKey)) {
    throw badKey('public key does not match the secret key');
  }
  return { secretKey: Uint8Array.from(secretKey), publicKey };
}

function oid(content: Uint8Array): Uint8Array {
  return derEncode(TAG.OID, content);
}

function expectOid(node: DerNode | undefined, want: Uint8Array, what: string): void {
  if (node?.tag !== TAG.OID || !sameBytes(node.content, want)) throw badKey(`unexpected ${what}`);
}

function algorithmId(suite: SuiteId): Uint8Array {
  if (suite === 'ed25519') return derEncode(TAG.SEQUENCE, oid(OID_ED25519));
  return derEncode(TAG.SEQUENCE, oid(OID_EC_PUBLIC_KEY), oid(EC[suite].curveOid));
}

function checkAlgorithmId(suite: SuiteId, node: DerNode | undefined): void {
  getSuite(suite);
  if (node?.tag !== TAG.SEQUENCE) throw badKey('expected an AlgorithmIdentifier');
  const [alg, params, ...rest] = derChildren(node.content);
  if (suite === 'ed25519') {
    // RFC 8410: parameters MUST be absent.
    if (params !== undefined) throw badKey('unexpected ed25519 algorithm parameters');
    expectOid(alg, OID_ED25519, 'key algorithm (want Ed25519)');
  } else {
    expectOid(alg, OID_EC_PUBLIC_KEY, 'key algorithm (want id-ecPublicKey)');
    expectOid(params, EC[suite].curveOid, `curve (want ${EC[suite].crv})`);
  }
  if (rest.length > 0) throw badKey('trailing AlgorithmIdentifier fields');
}

function bitString(bytes: Uint8Array): Uint8Array {
  return derEncode(TAG.BIT_STRING, Uint8Array.of(0), bytes);
}

/** SubjectPublicKeyInfo DER for a public key (EC points written uncompressed). */
export function exportPublicKeyDer(suite: SuiteId, publicKey: Uint8Array): Uint8Array {
  const pub = normalisePublicKey(suite, publicKey);
  const raw = suite === 'ed25519' ? pub : EC[suite].decompress(pub);
  return derEncode(TAG.SEQUENCE, algorithmId(suite), bitString(raw));
}

/** Public key (suite raw form) from SubjectPublicKeyInfo DER. */
export function importPublicKeyDer(suite: SuiteId, der: Uint8Array): Uint8Array {
  const spki = derExpect(der, TAG.SEQUENCE);
  const [alg, key, ...rest] = derChildren(spki.content);
  if (rest.length > 0) throw badKey('trailing SubjectPublicKeyInfo fields');
  checkAlgorithmId(suite, alg);
  return normalisePublicKey(suite, derBitStringBytes(key));
}

/** PKCS#8 DER for a secret key (v1; EC keys embed their public point). */
export function exportSecretKeyDer(suite: SuiteId, secretKey: Uint8Array): Uint8Array {
  const { publicKey } = keyPairFromSecret(suite, secretKey);
  const version = derEncode(TAG.INTEGER, Uint8Array.of(0));
  let inner: Uint8Array;
  if (suite === 'ed25519') inner = derEncode(TAG.OCTET_STRING, secretKey);
  else {
    inner = derEncode(
      TAG.SEQUENCE,
      derEncode(TAG.INTEGER, Uint8Array.of(1)),
      derEncode(TAG.OCTET_STRING, secretKey),
      derEncode(TAG.CONTEXT_1, bitString(EC[suite].decompress(publicKey))),
    );
  }
  return derEncode(TAG.SEQUENCE, version, algorithmId(suite), derEncode(TAG.OCTET_STRING, inner));
}

/** Parse an RFC 5915 ECPrivateKey; `curveRequired` for SEC1 files, where it is the only curve marker. */
function parseEcPrivateKey(suite: 'secp256k1' | 'sm2', bytes: Uint8Array, curveRequired: boolean): KeyPair {
  const ecKey = derExpect(bytes, TAG.SEQUENCE);
  const [version, d, ...optional] = derChildren(ecKey.content);
  if (derSmallInt(version) !== 1) throw badKey('unsupported ECPrivateKey version');
  if (d?.tag !== TAG.OCTET_STRING || d.content.length !== 32) throw badKey('EC secret key must be 32 bytes');
  let sawCurve = false;
  let claimed: Uint8Array | undefined;
  let lastTag = 0;
  for (const field of optional) {
    if (field.tag <= lastTag) throw badKey('ECPrivateKey fields out of order');
    lastTag = field.tag;
    if (field.tag === TAG.CONTEXT_0) {
      expectOid(derExpect(field.content, TAG.OID), EC[suite].curveOid, `curve (want ${EC[suite].crv})`);
      sawCurve = true;
    } else if (field.tag === TAG.CONTEXT_1) {
      claimed = derBitStringBytes(derExpect(field.content, TAG.BIT_STRING));
    } else throw badKey('unexpected ECPrivateKey field');
  }
  if (curveRequired && !sawCurve) throw badKey('EC private key names no curve');
  return keyPairFromSecret(suite, d.content, claimed);
}

/** Key pair from PKCS#8 DER (v1 or v2); any embedded public key must match. */
export function importSecretKeyDer(suite: SuiteId, der: Uint8Array): KeyPair {
  const p8 = derExpect(der, TAG.SEQUENCE);
  const [version, alg, priv, ...optional] = derChildren(p8.content);
  const v = derSmallInt(version);
  if (v !== 0 && v !== 1) throw badKey('unsupported PKCS#8 version');
  checkAlgorithmId(suite, alg);
  if (priv?.tag !== TAG.OCTET_STRING) throw badKey('expected PKCS#8 privateKey');
  let claimed: Uint8Array | undefined;
  for (const field of optional) {
    // [0] attributes are ignored; [1] publicKey (v2 only) is checked against the secret.
    if (field.tag === 0xa0) continue;
    if (field.tag === 0x81 && v === 1 && field.content[0] === 0) claimed = field.content.subarray(1);
    else throw badKey('unexpected PKCS#8 field');
  }
  if (suite === 'ed25519') {
    const seed = derExpect(priv.content, TAG.OCTET_STRING).content;
    if (seed.length !== 32) throw badKey('ed25519 secret key must be 32 bytes');
    return keyPairFromSecret(suite, seed, claimed);
  }
  const kp = parseEcPrivateKey(suite, priv.content, false);
  if (claimed !== undefined) return keyPairFromSecret(suite, kp.secretKey, claimed);
  return kp;
}

function pemEncode(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function pemDecode(pem: string, labels: readonly string[]): { label: string; der: Uint8Array } {
  if (typeof pem !== 'string' || pem.length > MAX_PEM_LENGTH) throw badKey('expected a PEM string');
  const m =
    /^-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n([A-Za-z0-9+/=\r\n]*)-----END ([A-Z0-9 ]{1,40})-----$/.exec(
      pem.trim(),
    );
  const label = m?.[1];
  const body = m?.[2]?.replace(/[\r\n]/g, '') ?? '';
  if (m === null || label === undefined || m[3] !== label) throw badKey('malformed PEM');
  if (!labels.includes(label)) throw badKey('unexpected PEM label', { label });
  const der = Buffer.from(body, 'base64');
  if (body.length === 0 || der.toString('base64') !== body) throw badKey('malformed PEM base64');
  return { label, der: new Uint8Array(der) };
}

/** "PUBLIC KEY" PEM (SubjectPublicKeyInfo). */
export function exportPublicKeyPem(suite: SuiteId, publicKey: Uint8Array): string {
  return pemEncode('PUBLIC KEY', exportPublicKeyDer(suite, publicKey));
}

/** Public key (suite raw form) from a "PUBLIC KEY" PEM. */
export function importPublicKeyPem(suite: SuiteId, pem: string): Uint8Array {
  return importPublicKeyDer(suite, pemDecode(pem, ['PUBLIC KEY']).der);
}

/** Unencrypted "PRIVATE KEY" PEM (PKCS#8). Protect the result: it is the raw secret. */
export function exportSecretKeyPem(suite: SuiteId, secretKey: Uint8Array): string {
  return pemEncode('PRIVATE KEY', exportSecretKeyDer(suite, secretKey));
}

/** Key pair from a "PRIVATE KEY" (PKCS#8) or, for EC suites, "EC PRIVATE KEY" (SEC1) PEM. */
export function importSecretKeyPem(suite: SuiteId, pem: string): KeyPair {
  getSuite(suite);
  const labels = suite === 'ed25519' ? ['PRIVATE KEY'] : ['PRIVATE KEY', 'EC PRIVATE KEY'];
  const { label, der } = pemDecode(pem, labels);
  if (label === 'EC PRIVATE KEY' && suite !== 'ed25519') return parseEcPrivateKey(suite, der, true);
  return importSecretKeyDer(suite, der);
}

/** JWK for a public key and optional secret key (which must match). */
export function exportJwk(suite: SuiteId, key: KeyMaterial): Jwk {
  const publicKey = normalisePublicKey(suite, key.publicKey);
  if (key.secretKey !== undefined) keyPairFromSecret(suite, key.secretKey, publicKey);
  const d = key.secretKey === undefined ? {} : { d: toBase64Url(key.secretKey) };
  if (suite === 'ed25519') return { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(publicKey), ...d };
  const full = EC[suite].decompress(publicKey);
  return {
    kty: 'EC',
    crv: EC[suite].crv,
    x: toBase64Url(full.subarray(1, 33)),
    y: toBase64Url(full.subarray(33)),
    ...d,
  };
}

function jwkBytes(jwk: Record<string, unknown>, name: string, length: number): Uint8Array {
  const v = jwk[name];
  if (typeof v !== 'string') throw badKey(`JWK member "${name}" must be a string`);
  let b: Uint8Array;
  try {
    b = fromBase64Url(v);
  } catch (e) {
    throw badKey(`JWK member "${name}" is not base64url`, {}, e);
  }
  if (b.length !== length) throw badKey(`JWK member "${name}" must be ${length} bytes`, { length: b.length });
  return b;
}

/** Public key (and secret key when "d" is present) from a JWK; kty/crv must match the suite. */
export function importJwk(suite: SuiteId, jwk: unknown): KeyMaterial {
  getSuite(suite);
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw badKey('JWK must be an object');
  const j = jwk as Record<string, unknown>;
  const wantKty = suite === 'ed25519' ? 'OKP' : 'EC';
  const wantCrv = suite === 'ed25519' ? 'Ed25519' : EC[suite].crv;
  if (j.kty !== wantKty || j.crv !== wantCrv) {
    throw badKey('JWK kty/crv do not match the suite', { suite, kty: String(j.kty), crv: String(j.crv) });
  }
  let publicKey: Uint8Array;
  if (suite === 'ed25519') publicKey = normalisePublicKey(suite, jwkBytes(j, 'x', 32));
  else {
    const full = new Uint8Array(65);
    full[0] = 4;
    full.set(jwkBytes(j, 'x', 32), 1);
    full.set(jwkBytes(j, 'y', 32), 33);
    publicKey = EC[suite].compress(full);
  }
  if (j.d === undefined) return { publicKey };
  return keyPairFromSecret(suite, jwkBytes(j, 'd', 32), publicKey);
}
