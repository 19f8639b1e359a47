import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  exportJwk,
  exportPublicKeyDer,
  exportPublicKeyPem,
  exportSecretKeyDer,
  exportSecretKeyPem,
  importJwk,
  importPublicKeyDer,
  importPublicKeyPem,
  importSecretKeyDer,
  importSecretKeyPem,
} from '../../src/crypto/keys.js';
import { SUITE_IDS, type SuiteId } from '../../src/crypto/suite.js';
import { getSuite } from '../../src/crypto/suites.js';
import { toHex, utf8 } from '../../src/encoding/bytes.js';

const badKey = expect.objectContaining({ code: 'CRYPTO_BAD_KEY' });
const NODE_CURVE = { secp256k1: 'secp256k1', sm2: 'SM2' } as const;

describe.each(SUITE_IDS)('%s keys', (id: SuiteId) => {
  const suite = getSuite(id);

  it('PEM and DER round trips', () => {
    const kp = suite.generateKeyPair();
    const pubPem = exportPublicKeyPem(id, kp.publicKey);
    expect(pubPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----\n$/);
    expect(importPublicKeyPem(id, pubPem)).toEqual(kp.publicKey);
    expect(importPublicKeyPem(id, pubPem.replace(/\n/g, '\r\n'))).toEqual(kp.publicKey);
    const skPem = exportSecretKeyPem(id, kp.secretKey);
    expect(skPem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(importSecretKeyPem(id, skPem)).toEqual(kp);
    expect(importPublicKeyDer(id, exportPublicKeyDer(id, kp.publicKey))).toEqual(kp.publicKey);
    expect(importSecretKeyDer(id, exportSecretKeyDer(id, kp.secretKey))).toEqual(kp);
  });

  it('JWK round trips', () => {
    const kp = suite.generateKeyPair();
    const pub = exportJwk(id, { publicKey: kp.publicKey });
    expect(pub.d).toBeUndefined();
    expect(importJwk(id, pub)).toEqual({ publicKey: kp.publicKey });
    const full = exportJwk(id, kp);
    expect(importJwk(id, JSON.parse(JSON.stringify(full)))).toEqual(kp);
    if (id === 'ed25519') expect(full).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    else expect(full).toMatchObject({ kty: 'EC', crv: id === 'sm2' ? 'SM2' : 'secp256k1' });
  });

  it('rejects bad input with CRYPTO_BAD_KEY', () => {
    const kp = suite.generateKeyPair();
    const other = suite.generateKeyPair();
    const pubPem = exportPublicKeyPem(id, kp.publicKey);
    const skPem = exportSecretKeyPem(id, kp.secretKey);
    expect(() => importPublicKeyPem(id, 'hello')).toThrow(badKey);
    expect(() => importPublicKeyPem(id, skPem)).toThrow(badKey);
    expect(() => importSecretKeyPem(id, pubPem)).toThrow(badKey);
    expect(() => importPublicKeyPem(id, pubPem.replace('KEY-----\n', 'KEY-----\n*'))).toThrow(badKey);
    expect(() => importPublicKeyPem(id, pubPem.replace('KEY-----\n', 'KEY-----\nAAAA'))).toThrow(badKey);
    expect(() => importPublicKeyDer(id, exportPublicKeyDer(id, kp.publicKey).subarray(0, 20))).toThrow(
      badKey,
    );
    const other1 = SUITE_IDS.find((s) => s !== id) as SuiteId;
    expect(() => importPublicKeyPem(other1, pubPem)).toThrow(badKey);
    expect(() => importSecretKeyPem(other1, skPem)).toThrow(badKey);
    expect(() => importJwk(id, null)).toThrow(badKey);
    expect(() => importPublicKeyPem('rsa' as SuiteId, pubPem)).toThrow(
      expect.objectContaining({ code: 'CRYPTO_UNKNOWN_SUITE' }),
    );
    expect(() => importJwk(id, { ...exportJwk(id, kp), x: 'not base64!' })).toThrow(badKey);
    expect(() => importJwk(other1, exportJwk(id, kp))).toThrow(badKey);
    // secret and public key from different pairs
    expect(() => importJwk(id, { ...exportJwk(id, kp), d: exportJwk(id, other).d })).toThrow(badKey);
    expect(() => exportJwk(id, { publicKey: kp.publicKey, secretKey: other.secretKey })).toThrow(badKey);
    expect(() => exportPublicKeyPem(id, new Uint8Array(5))).toThrow(badKey);
    expect(() => exportSecretKeyPem(id, new Uint8Array(5))).toThrow(badKey);
  });

  it('node:crypto parses our PEM/DER and we parse node PEM', () => {
    const kp = suite.generateKeyPair();
    const nodePub = createPublicKey(exportPublicKeyPem(id, kp.publicKey));
    const nodePriv = createPrivateKey(exportSecretKeyPem(id, kp.secretKey));
    // Same key: node re-exports to the identical DER we wrote.
    expect(toHex(nodePub.export({ type: 'spki', format: 'der' }))).toBe(
      toHex(exportPublicKeyDer(id, kp.publicKey)),
    );
    expect(toHex(nodePriv.export({ type: 'pkcs8', format: 'der' }))).toBe(
      toHex(exportSecretKeyDer(id, kp.secretKey)),
    );
    expect(toHex(createPublicKey(nodePriv).export({ type: 'spki', format: 'der' }))).toBe(
      toHex(exportPublicKeyDer(id, kp.publicKey)),
    );
    const gen =
      id === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: NODE_CURVE[id] });
    const fromNode = importSecretKeyPem(
      id,
      gen.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    expect(importPublicKeyPem(id, gen.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toEqual(
      fromNode.publicKey,
    );
    if (id !== 'ed25519') {
      const sec1 = gen.privateKey.export({ type: 'sec1', format: 'pem' }).toString();
      expect(sec1).toContain('EC PRIVATE KEY');
      expect(importSecretKeyPem(id, sec1)).toEqual(fromNode);
    }
  });
});

describe('independent check with node:crypto', () => {
  it('ed25519: node verifies our signature with our PEM and JWK', () => {
    const suite = getSuite('ed25519');
    const kp = suite.generateKeyPair();
    const msg = utf8('node checks ed25519');
    const sig = suite.sign(kp.secretKey, msg);
    expect(nodeVerify(null, msg, createPublicKey(exportPublicKeyPem('ed25519', kp.publicKey)), sig)).toBe(
      true,
    );
    const jwk = { ...exportJwk('ed25519', { publicKey: kp.publicKey }) };
    expect(nodeVerify(null, msg, createPublicKey({ key: jwk, format: 'jwk' }), sig)).toBe(true);
    // and node signs with our secret-key exports
    const priv = createPrivateKey({ key: { ...exportJwk('ed25519', kp) }, format: 'jwk' });
    expect(toHex(nodeSign(null, msg, priv))).toBe(toHex(sig));
    expect(toHex(nodeSign(null, msg, createPrivateKey(exportSecretKeyPem('ed25519', kp.secretKey))))).toBe(
      toHex(sig),
    );
  });

  it('secp256k1: node verifies our signature with our PEM and JWK', () => {
    const suite = getSuite('secp256k1');
    const kp = suite.generateKeyPair();
    const msg = utf8('node checks secp256k1');
    const sig = suite.sign(kp.secretKey, msg);
    const opts = { dsaEncoding: 'ieee-p1363' } as const;
    const pemKey = createPublicKey(exportPublicKeyPem('secp256k1', kp.publicKey));
    expect(nodeVerify('sha256', msg, { key: pemKey, ...opts }, sig)).toBe(true);
    const jwkKey = createPublicKey({
      key: { ...exportJwk('secp256k1', { publicKey: kp.publicKey }) },
      format: 'jwk',
    });
    expect(nodeVerify('sha256', msg, { key: jwkKey, ...opts }, sig)).toBe(true);
    const priv = createPrivateKey({ key: { ...exportJwk('secp256k1', kp) }, format: 'jwk' });
    expect(priv.export({ format: 'jwk' })).toEqual({ ...exportJwk('secp256k1', kp) });
  });
});
