import { createHash, randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SUITE_IDS, type SuiteId } from '../../src/crypto/suite.js';
import { getSuite } from '../../src/crypto/suites.js';
import { toHex, utf8 } from '../../src/encoding/bytes.js';
import { isGongzhiError } from '../../src/errors/index.js';

function flipBit(b: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(b);
  const i = Math.floor(bit / 8) % out.length;
  out[i] = (out[i] as number) ^ (1 << (bit % 8));
  return out;
}

describe.each(SUITE_IDS)('%s suite', (id: SuiteId) => {
  const suite = getSuite(id);
  const pubLen = id === 'ed25519' ? 32 : 33;

  it('has the documented shape', () => {
    const kp = suite.generateKeyPair();
    expect(suite.id).toBe(id);
    expect(kp.secretKey).toHaveLength(32);
    expect(kp.publicKey).toHaveLength(pubLen);
    expect(suite.publicKeyFromSecret(kp.secretKey)).toEqual(kp.publicKey);
    // A copy of the bytes, so no KeyObject kept for the generated array can answer for it.
    expect(suite.publicKeyFromSecret(Uint8Array.from(kp.secretKey))).toEqual(kp.publicKey);
    expect(suite.hash(utf8('x'))).toHaveLength(32);
    expect(suite.sign(kp.secretKey, utf8('x'))).toHaveLength(64);
  });

  it('hash and address match node:crypto directly', () => {
    const kp = suite.generateKeyPair();
    const d = createHash(suite.hashName).update(kp.publicKey).digest('hex');
    expect(suite.address(kp.publicKey)).toBe(`gz${d.slice(24)}`);
    expect(suite.address(kp.publicKey)).toMatch(/^gz[0-9a-f]{40}$/);
    expect(() => suite.address(new Uint8Array(pubLen + 1))).toThrow(
      expect.objectContaining({ code: 'CRYPTO_BAD_KEY' }),
    );
  });

  it('round-trips and rejects tampering', () => {
    const kp = suite.generateKeyPair();
    const other = suite.generateKeyPair();
    const msg = utf8('Gongzhi round trip');
    const sig = suite.sign(kp.secretKey, msg);
    expect(suite.verify(kp.publicKey, msg, sig)).toBe(true);
    expect(suite.verify(kp.publicKey, utf8('Gongzhi round trip!'), sig)).toBe(false);
    expect(suite.verify(kp.publicKey, msg, flipBit(sig, 9))).toBe(false);
    expect(suite.verify(kp.publicKey, msg, flipBit(sig, 300))).toBe(false);
    expect(suite.verify(other.publicKey, msg, sig)).toBe(false);
    expect(suite.verify(flipBit(kp.publicKey, 100), msg, sig)).toBe(false);
    expect(suite.verify(kp.publicKey, new Uint8Array(0), sig)).toBe(false);
  });

  it('never throws on malformed verify input', () => {
    const kp = suite.generateKeyPair();
    const msg = utf8('m');
    const sig = suite.sign(kp.secretKey, msg);
    const junk = [new Uint8Array(0), new Uint8Array(31), new Uint8Array(65), new Uint8Array(64).fill(0xff)];
    for (const j of junk) {
      expect(suite.verify(j, msg, sig)).toBe(false);
      expect(suite.verify(kp.publicKey, msg, j)).toBe(false);
    }
    expect(suite.verify(new Uint8Array(pubLen), msg, sig)).toBe(false);
    expect(suite.verify(new Uint8Array(pubLen).fill(0xff), msg, sig)).toBe(false);
    expect(suite.verify(kp.publicKey, msg, new Uint8Array(64))).toBe(false);
  });

  it('rejects bad secret keys with CRYPTO_BAD_KEY', () => {
    for (const bad of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33)]) {
      let err: unknown;
      try {
        suite.sign(bad, utf8('x'));
      } catch (e) {
        err = e;
      }
      expect(isGongzhiError(err, 'CRYPTO_BAD_KEY')).toBe(true);
      expect(() => suite.publicKeyFromSecret(bad)).toThrow(
        expect.objectContaining({ code: 'CRYPTO_BAD_KEY' }),
      );
    }
  });

  // The node:crypto suites keep a signing key per secret-key array (node-internal.ts): a key array
  // overwritten in place must sign with its new value, and one wiped must be refused, never signed
  // with the key it held before.
  it('signs with what the secret-key array holds now, also after it changed in place', () => {
    const a = suite.generateKeyPair();
    const b = suite.generateKeyPair();
    const msg = utf8('same array, new key');
    const held = Uint8Array.from(a.secretKey);
    expect(suite.verify(a.publicKey, msg, suite.sign(held, msg))).toBe(true);
    expect(suite.verify(a.publicKey, msg, suite.sign(held, msg))).toBe(true);
    held.set(b.secretKey);
    const after = suite.sign(held, msg);
    expect(suite.verify(b.publicKey, msg, after)).toBe(true);
    expect(suite.verify(a.publicKey, msg, after)).toBe(false);
    if (id !== 'ed25519') {
      // A zero scalar is no secp256k1 or SM2 key: the wiped array is refused, not signed with b.
      held.fill(0);
      expect(() => suite.sign(held, msg)).toThrow(expect.objectContaining({ code: 'CRYPTO_BAD_KEY' }));
    }
  });

  it('property: random messages verify, any flipped bit does not', () => {
    const kp = suite.generateKeyPair();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (msg, bit) => {
        const sig = suite.sign(kp.secretKey, msg);
        expect(suite.verify(kp.publicKey, msg, sig)).toBe(true);
        expect(suite.verify(kp.publicKey, msg, flipBit(sig, bit % 512))).toBe(false);
        if (msg.length > 0)
          expect(suite.verify(kp.publicKey, flipBit(msg, bit % (msg.length * 8)), sig)).toBe(false);
      }),
      { numRuns: id === 'sm2' ? 40 : 100 },
    );
  });
});

describe('cross-checks with @noble/curves', () => {
  it('ed25519: noble verifies ours and we verify noble', () => {
    const suite = getSuite('ed25519');
    for (let i = 0; i < 5; i++) {
      const kp = suite.generateKeyPair();
      const msg = randomBytes(i * 50);
      expect(ed25519.getPublicKey(kp.secretKey)).toEqual(kp.publicKey);
      const sig = suite.sign(kp.secretKey, msg);
      expect(ed25519.verify(sig, msg, kp.publicKey)).toBe(true);
      expect(toHex(ed25519.sign(msg, kp.secretKey))).toBe(toHex(sig));
      const nsk = ed25519.utils.randomPrivateKey();
      expect(suite.verify(ed25519.getPublicKey(nsk), msg, ed25519.sign(msg, nsk))).toBe(true);
    }
  });

  it('secp256k1: noble verifies ours (low-S, SHA-256 prehash) and we verify noble', () => {
    const suite = getSuite('secp256k1');
    for (let i = 0; i < 20; i++) {
      const kp = suite.generateKeyPair();
      const msg = randomBytes(i * 13);
      const h = createHash('sha256').update(msg).digest();
      expect(secp256k1.getPublicKey(kp.secretKey, true)).toEqual(kp.publicKey);
      const sig = suite.sign(kp.secretKey, msg);
      // lowS: true is noble's default, so this also proves S was normalised.
      expect(secp256k1.verify(sig, h, kp.publicKey, { lowS: true })).toBe(true);
      const nsk = secp256k1.utils.randomPrivateKey();
      const nsig = secp256k1.sign(h, nsk).toCompactRawBytes();
      expect(suite.verify(secp256k1.getPublicKey(nsk, true), msg, nsig)).toBe(true);
    }
  });

  it('secp256k1: high-S signatures are rejected (malleability)', () => {
    const suite = getSuite('secp256k1');
    const kp = suite.generateKeyPair();
    const msg = utf8('malleable?');
    const sig = suite.sign(kp.secretKey, msg);
    const parsed = secp256k1.Signature.fromCompact(sig);
    const high = new secp256k1.Signature(parsed.r, secp256k1.Point.Fn.ORDER - parsed.s).toCompactRawBytes();
    const h = createHash('sha256').update(msg).digest();
    expect(secp256k1.verify(high, h, kp.publicKey, { lowS: false })).toBe(true);
    expect(suite.verify(kp.publicKey, msg, high)).toBe(false);
  });
});

describe('getSuite', () => {
  it('throws CRYPTO_UNKNOWN_SUITE for unknown ids', () => {
    for (const bad of ['rsa', 'toString', '__proto__', '']) {
      expect(() => getSuite(bad as SuiteId)).toThrow(
        expect.objectContaining({ code: 'CRYPTO_UNKNOWN_SUITE' }),
      );
    }
  });
});
