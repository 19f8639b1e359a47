import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { secp256k1DecompressPoint } from '../../src/crypto/secp256k1.js';
import { sm2DecompressPoint } from '../../src/crypto/sm2.js';
import { SUITE_IDS, type SuiteId } from '../../src/crypto/suite.js';
import { getSuite } from '../../src/crypto/suites.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';

interface Vector {
  suite: SuiteId;
  hashName: 'sha256' | 'sm3';
  hashOfAbc: string;
  secretKey: string;
  publicKey: string;
  publicKeyUncompressed?: string;
  address: string;
  message: string;
  signature: string;
  deterministic: boolean;
}

function load(id: SuiteId): Vector {
  const url = new URL(`../vectors/crypto/${id}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Vector;
}

// Published digests of "abc" (FIPS 180-2 and GB/T 32905 example 1), independent of the JSON files.
const ABC = {
  sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  sm3: '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
} as const;

const smCrypto = createRequire(import.meta.url)('sm-crypto') as {
  sm2: { doVerifySignature(msg: number[], sig: string, pub: string, opts: { hash: boolean }): boolean };
};

describe.each(SUITE_IDS)('golden vector %s', (id: SuiteId) => {
  const v = load(id);
  const suite = getSuite(id);
  const sk = fromHex(v.secretKey);
  const msg = fromHex(v.message);
  const sig = fromHex(v.signature);

  it('hash, public key and address', () => {
    expect(v.suite).toBe(id);
    expect(suite.hashName).toBe(v.hashName);
    expect(toHex(suite.hash(new TextEncoder().encode('abc')))).toBe(ABC[suite.hashName]);
    expect(v.hashOfAbc).toBe(ABC[suite.hashName]);
    expect(toHex(suite.publicKeyFromSecret(sk))).toBe(v.publicKey);
    expect(suite.address(fromHex(v.publicKey))).toBe(v.address);
    if (v.publicKeyUncompressed !== undefined) {
      const dec = id === 'sm2' ? sm2DecompressPoint : secp256k1DecompressPoint;
      expect(toHex(dec(fromHex(v.publicKey)))).toBe(v.publicKeyUncompressed);
    }
  });

  it('signature', () => {
    expect(suite.verify(fromHex(v.publicKey), msg, sig)).toBe(true);
    if (v.deterministic) expect(toHex(suite.sign(sk, msg))).toBe(v.signature);
    else expect(suite.verify(fromHex(v.publicKey), msg, suite.sign(sk, msg))).toBe(true);
  });

  it('stored signature verifies with an independent implementation', () => {
    if (id === 'ed25519') expect(ed25519.verify(sig, msg, fromHex(v.publicKey))).toBe(true);
    if (id === 'secp256k1') {
      const h = suite.hash(msg);
      expect(secp256k1.verify(sig, h, fromHex(v.publicKey))).toBe(true);
    }
    if (id === 'sm2') {
      const ok = smCrypto.sm2.doVerifySignature(Array.from(msg), v.signature, v.publicKeyUncompressed ?? '', {
        hash: true,
      });
      expect(ok).toBe(true);
    }
  });
});
