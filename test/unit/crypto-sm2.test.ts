import { createPrivateKey, sign as nodeSign, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { exportSecretKeyPem } from '../../src/crypto/keys.js';
import {
  SM2_DEFAULT_USER_ID,
  sm2CompressPoint,
  sm2DecompressPoint,
  sm2Sign,
  sm2Suite,
  sm2Verify,
} from '../../src/crypto/sm2.js';
import { fromHex, toHex, utf8 } from '../../src/encoding/bytes.js';

/** The part of sm-crypto (no bundled types) that the cross-checks use. */
interface SmCryptoSm2 {
  generateKeyPairHex(): { privateKey: string; publicKey: string };
  getPublicKeyFromPrivateKey(privateKey: string): string;
  compressPublicKeyHex(publicKey: string): string;
  doSignature(
    msg: string | number[],
    privateKey: string,
    opts?: { hash?: boolean; der?: boolean; userId?: string; publicKey?: string },
  ): string;
  doVerifySignature(
    msg: string | number[],
    signHex: string,
    publicKey: string,
    opts?: { hash?: boolean; der?: boolean; userId?: string },
  ): boolean;
}

const smCrypto = createRequire(import.meta.url)('sm-crypto') as { sm2: SmCryptoSm2 };
const sm = smCrypto.sm2;

describe('sm2 against sm-crypto (independent implementation)', () => {
  it('sm-crypto verifies our signatures', () => {
    for (let i = 0; i < 8; i++) {
      const kp = sm2Suite.generateKeyPair();
      const msg = randomBytes(i * 37);
      const sig = sm2Suite.sign(kp.secretKey, msg);
      const pubHex = toHex(sm2DecompressPoint(kp.publicKey));
      expect(sm.getPublicKeyFromPrivateKey(toHex(kp.secretKey))).toBe(pubHex);
      expect(sm.doVerifySignature(Array.from(msg), toHex(sig), pubHex, { hash: true })).toBe(true);
    }
  });

  it('we verify sm-crypto signatures', () => {
    for (let i = 0; i < 8; i++) {
      const { privateKey, publicKey } = sm.generateKeyPairHex();
      const msg = randomBytes(1 + i * 29);
      const sigHex = sm.doSignature(Array.from(msg), privateKey, { hash: true });
      expect(sigHex).toHaveLength(128);
      const pub = sm2CompressPoint(fromHex(publicKey));
      expect(toHex(pub)).toBe(sm.compressPublicKeyHex(publicKey));
      expect(toHex(sm2Suite.publicKeyFromSecret(fromHex(privateKey)))).toBe(toHex(pub));
      expect(sm2Suite.verify(pub, msg, fromHex(sigHex))).toBe(true);
      expect(sm2Suite.verify(pub, utf8('other'), fromHex(sigHex))).toBe(false);
    }
  });

  it('string messages: sm-crypto signs the UTF-8 bytes', () => {
    const { privateKey, publicKey } = sm.generateKeyPairHex();
    const sigHex = sm.doSignature('共治 message', privateKey, { hash: true });
    expect(sm2Suite.verify(sm2CompressPoint(fromHex(publicKey)), utf8('共治 message'), fromHex(sigHex))).toBe(
      true,
    );
  });

  it('sm-crypto rejects tampered signatures', () => {
    const kp = sm2Suite.generateKeyPair();
    const msg = utf8('tamper');
    const sig = sm2Suite.sign(kp.secretKey, msg);
    sig[40] = (sig[40] as number) ^ 4;
    expect(sm.doVerifySignature(Array.from(msg), toHex(sig), toHex(sm2DecompressPoint(kp.publicKey)))).toBe(
      false,
    );
  });

  it("node:crypto's EC-on-SM2 signature (ECDSA-with-SM3) is not an SM2 signature", () => {
    const kp = sm2Suite.generateKeyPair();
    const msg = utf8('not sm2');
    const key = createPrivateKey(exportSecretKeyPem('sm2', kp.secretKey));
    const ecdsa = nodeSign('sm3', msg, { key, dsaEncoding: 'ieee-p1363' });
    expect(sm2Suite.verify(kp.publicKey, msg, ecdsa)).toBe(false);
    expect(sm.doVerifySignature(Array.from(msg), toHex(ecdsa), toHex(sm2DecompressPoint(kp.publicKey)))).toBe(
      false,
    );
  });

  it('custom user IDs interoperate in both directions', () => {
    const kp = sm2Suite.generateKeyPair();
    const pubHex = toHex(sm2DecompressPoint(kp.publicKey));
    const msg = utf8('with id');
    const sig = sm2Sign(kp.secretKey, msg, 'alice@example.org');
    expect(sm.doVerifySignature(Array.from(msg), toHex(sig), pubHex, { userId: 'alice@example.org' })).toBe(
      true,
    );
    expect(sm2Verify(kp.publicKey, msg, sig)).toBe(false);
    const theirs = sm.doSignature(Array.from(msg), toHex(kp.secretKey), { userId: 'bob' });
    expect(sm2Verify(kp.publicKey, msg, fromHex(theirs), 'bob')).toBe(true);
    expect(sm2Verify(kp.publicKey, msg, fromHex(theirs), SM2_DEFAULT_USER_ID)).toBe(false);
  });
});

describe('sm2 details', () => {
  it('signing is deterministic (RFC 6979 with HMAC-SM3)', () => {
    const kp = sm2Suite.generateKeyPair();
    const msg = utf8('deterministic');
    expect(toHex(sm2Suite.sign(kp.secretKey, msg))).toBe(toHex(sm2Suite.sign(kp.secretKey, msg)));
    expect(toHex(sm2Suite.sign(kp.secretKey, msg))).not.toBe(toHex(sm2Suite.sign(kp.secretKey, utf8('x'))));
  });

  it('rejects r or s outside [1, n-1] and t = 0', () => {
    const kp = sm2Suite.generateKeyPair();
    const msg = utf8('range');
    const n = fromHex('fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123');
    const zero = new Uint8Array(32);
    const sig = sm2Suite.sign(kp.secretKey, msg);
    const r = sig.subarray(0, 32);
    const s = sig.subarray(32);
    const cat = (a: Uint8Array, b: Uint8Array) => Uint8Array.from([...a, ...b]);
    expect(sm2Suite.verify(kp.publicKey, msg, cat(zero, s))).toBe(false);
    expect(sm2Suite.verify(kp.publicKey, msg, cat(r, zero))).toBe(false);
    expect(sm2Suite.verify(kp.publicKey, msg, cat(n, s))).toBe(false);
    expect(sm2Suite.verify(kp.publicKey, msg, cat(r, n))).toBe(false);
    // s = n - r makes t = (r + s) mod n = 0
    const rn = BigInt(`0x${toHex(r)}`);
    const nn = BigInt(`0x${toHex(n)}`);
    const sMinus = fromHex((nn - rn).toString(16).padStart(64, '0'));
    expect(sm2Suite.verify(kp.publicKey, msg, cat(r, sMinus))).toBe(false);
  });

  it('rejects secret keys 0, n-1 and n', () => {
    const nMinus1 = fromHex('fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54122');
    for (const bad of [new Uint8Array(32), nMinus1, new Uint8Array(31)]) {
      expect(() => sm2Suite.sign(bad, utf8('x'))).toThrow(
        expect.objectContaining({ code: 'CRYPTO_BAD_KEY' }),
      );
    }
  });

  it('stays correct once a key gets a precomputed table', () => {
    const kp = sm2Suite.generateKeyPair();
    for (let i = 0; i < 10; i++) {
      const msg = randomBytes(20);
      const sig = sm2Suite.sign(kp.secretKey, msg);
      expect(sm2Suite.verify(kp.publicKey, msg, sig)).toBe(true);
      sig[5] = (sig[5] as number) ^ 1;
      expect(sm2Suite.verify(kp.publicKey, msg, sig)).toBe(false);
    }
  });

  it('rejects points not on the curve', () => {
    const kp = sm2Suite.generateKeyPair();
    const pub = Uint8Array.from(kp.publicKey);
    const msg = utf8('m');
    const sig = sm2Suite.sign(kp.secretKey, msg);
    let rejected = 0;
    for (let i = 0; i < 16; i++) {
      pub[32] = ((pub[32] as number) + 1) & 0xff;
      if (!sm2Suite.verify(pub, msg, sig)) rejected++;
    }
    expect(rejected).toBe(16);
    expect(() => sm2CompressPoint(Uint8Array.of(4, ...new Uint8Array(64)))).toThrow(
      expect.objectContaining({ code: 'CRYPTO_BAD_KEY' }),
    );
  });
});
