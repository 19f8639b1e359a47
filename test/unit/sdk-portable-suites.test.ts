import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  getSuite,
  SECP256K1_N,
  SM2_CURVE,
  secp256k1DecompressPoint,
  sm2DecompressPoint,
  sm2Sign,
  sm2Verify,
} from '../../src/crypto/index.js';
import { getPortableSuite, portableSm2Sign, portableSm2Verify } from '../../src/crypto/portable.js';
import { SUITE_IDS, type SuiteId } from '../../src/crypto/suite.js';
import { fromHex, toHex, utf8 } from '../../src/encoding/bytes.js';
import { assertValidGenesis, DEFAULT_PARAMS, type Genesis } from '../../src/ledger/index.js';
import { getSuite as sdkGetSuite } from '../../src/sdk/index.js';

interface Vector {
  suite: SuiteId;
  hashOfAbc: string;
  secretKey: string;
  publicKey: string;
  publicKeyUncompressed?: string;
  address: string;
  message: string;
  signature: string;
  deterministic: boolean;
}

function vector(id: SuiteId): Vector {
  const url = new URL(`../vectors/crypto/${id}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Vector;
}

const smCrypto = createRequire(import.meta.url)('sm-crypto') as {
  sm2: { doVerifySignature(msg: number[], sig: string, pub: string, opts: { hash: boolean }): boolean };
};

const ORDER: Record<SuiteId, bigint> = {
  ed25519: 0n,
  secp256k1: SECP256K1_N,
  sm2: SM2_CURVE.n,
};

function bigTo32(n: bigint): Uint8Array {
  return fromHex(n.toString(16).padStart(64, '0'));
}

function flipBit(b: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(b);
  const i = Math.floor(bit / 8) % out.length;
  out[i] = (out[i] as number) ^ (1 << (bit % 8));
  return out;
}

/** A valid secret key of the suite from arbitrary 32 bytes. */
function validSecret(id: SuiteId, raw: Uint8Array): Uint8Array {
  if (id === 'ed25519') return raw;
  const n = ORDER[id];
  const d = (BigInt(`0x${toHex(raw)}`) % (n - 2n)) + 1n;
  return bigTo32(d);
}

describe.each(SUITE_IDS)('portable %s suite against the node suite', (id: SuiteId) => {
  const node = getSuite(id);
  const port = getPortableSuite(id);
  const pubLen = id === 'ed25519' ? 32 : 33;

  it('is the SDK suite and has the same identity', () => {
    expect(sdkGetSuite(id)).toBe(port);
    expect(port).not.toBe(node);
    expect(port.id).toBe(node.id);
    expect(port.hashName).toBe(node.hashName);
  });

  it('same public key, hash and address (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 300 }),
        (raw, data) => {
          const sk = validSecret(id, raw);
          const pub = port.publicKeyFromSecret(sk);
          expect(toHex(pub)).toBe(toHex(node.publicKeyFromSecret(sk)));
          expect(pub).toHaveLength(pubLen);
          expect(port.address(pub)).toBe(node.address(pub));
          expect(toHex(port.hash(data))).toBe(toHex(node.hash(data)));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('cross-verifies signatures both ways (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 200 }),
        (raw, msg) => {
          const sk = validSecret(id, raw);
          const pub = node.publicKeyFromSecret(sk);
          const sigPort = port.sign(sk, msg);
          const sigNode = node.sign(sk, msg);
          expect(sigPort).toHaveLength(64);
          expect(node.verify(pub, msg, sigPort)).toBe(true);
          expect(port.verify(pub, msg, sigNode)).toBe(true);
          expect(port.verify(pub, msg, sigPort)).toBe(true);
          // ed25519 and sm2 are deterministic: byte-identical signatures.
          if (id !== 'secp256k1') expect(toHex(sigPort)).toBe(toHex(sigNode));
          // Tampering is rejected by both alike.
          const bad = flipBit(sigPort, msg.length * 7 + 3);
          expect(port.verify(pub, msg, bad)).toBe(node.verify(pub, msg, bad));
          expect(port.verify(pub, msg, bad)).toBe(false);
          const other = utf8(`${toHex(msg)}!`);
          expect(port.verify(pub, other, sigPort)).toBe(false);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('agrees with the node suite on random keys and signatures (never throws)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: pubLen - 1, maxLength: pubLen + 1 }),
        fc.uint8Array({ minLength: 63, maxLength: 65 }),
        fc.uint8Array({ maxLength: 40 }),
        (pub, sig, msg) => {
          expect(port.verify(pub, msg, sig)).toBe(node.verify(pub, msg, sig));
          expect(port.isPublicKey(pub)).toBe(node.isPublicKey(pub));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('isPublicKey: valid keys only, in the suite form', () => {
    const kp = port.generateKeyPair();
    expect(toHex(node.publicKeyFromSecret(kp.secretKey))).toBe(toHex(kp.publicKey));
    for (const s of [port, node]) {
      expect(s.isPublicKey(kp.publicKey)).toBe(true);
      expect(s.isPublicKey(kp.publicKey.subarray(1))).toBe(false);
      expect(s.isPublicKey(new Uint8Array(pubLen + 1))).toBe(false);
      expect(s.isPublicKey(new Uint8Array(0))).toBe(false);
    }
    if (id === 'ed25519') {
      // y = 2^255 - 20 = p - 1 is a valid y; y = p is not canonical.
      const nonCanonical = new Uint8Array(32).fill(0xff);
      nonCanonical[0] = 0xed;
      nonCanonical[31] = 0x7f;
      expect(port.isPublicKey(nonCanonical)).toBe(false);
      expect(node.isPublicKey(nonCanonical)).toBe(false);
    } else {
      // Uncompressed points are not the suite's key form; a bad prefix or an x off the curve fails.
      const uncompressed = (id === 'sm2' ? sm2DecompressPoint : secp256k1DecompressPoint)(kp.publicKey);
      expect(port.isPublicKey(uncompressed)).toBe(false);
      expect(node.isPublicKey(uncompressed)).toBe(false);
      const wrongPrefix = Uint8Array.from(kp.publicKey);
      wrongPrefix[0] = 4;
      expect(port.isPublicKey(wrongPrefix)).toBe(false);
      expect(node.isPublicKey(wrongPrefix)).toBe(false);
      let offCurve = 0;
      for (let x = 1; x < 40; x++) {
        const b = new Uint8Array(33);
        b[0] = 2;
        b[32] = x;
        const ok = port.isPublicKey(b);
        expect(node.isPublicKey(b)).toBe(ok);
        if (!ok) offCurve++;
      }
      expect(offCurve).toBeGreaterThan(0);
    }
  });

  it('rejects bad secret keys like the node suite', () => {
    const bad: Uint8Array[] = [new Uint8Array(31), new Uint8Array(33)];
    if (id !== 'ed25519') bad.push(new Uint8Array(32), bigTo32(ORDER[id]), new Uint8Array(32).fill(0xff));
    if (id === 'sm2') bad.push(bigTo32(SM2_CURVE.n - 1n));
    for (const sk of bad) {
      for (const s of [port, node]) {
        expect(() => s.publicKeyFromSecret(sk)).toThrow(expect.objectContaining({ code: 'CRYPTO_BAD_KEY' }));
        expect(() => s.sign(sk, utf8('m'))).toThrow(expect.objectContaining({ code: 'CRYPTO_BAD_KEY' }));
      }
    }
    expect(() => port.address(new Uint8Array(pubLen + 1))).toThrow(
      expect.objectContaining({ code: 'CRYPTO_BAD_KEY' }),
    );
  });

  it('passes the golden vector', () => {
    const v = vector(id);
    const sk = fromHex(v.secretKey);
    const msg = fromHex(v.message);
    expect(toHex(port.hash(utf8('abc')))).toBe(v.hashOfAbc);
    expect(toHex(port.publicKeyFromSecret(sk))).toBe(v.publicKey);
    expect(port.address(fromHex(v.publicKey))).toBe(v.address);
    expect(port.verify(fromHex(v.publicKey), msg, fromHex(v.signature))).toBe(true);
    const sig = port.sign(sk, msg);
    if (v.deterministic) expect(toHex(sig)).toBe(v.signature);
    expect(node.verify(fromHex(v.publicKey), msg, sig)).toBe(true);
    if (id === 'sm2') {
      const ok = smCrypto.sm2.doVerifySignature(Array.from(msg), toHex(sig), v.publicKeyUncompressed ?? '', {
        hash: true,
      });
      expect(ok).toBe(true);
    }
  });

  it('generates valid key pairs from Web Crypto randomness', () => {
    const a = port.generateKeyPair();
    const b = port.generateKeyPair();
    expect(toHex(a.secretKey)).not.toBe(toHex(b.secretKey));
    expect(toHex(node.publicKeyFromSecret(a.secretKey))).toBe(toHex(a.publicKey));
  });
});

describe('portable suites: edge cases', () => {
  it('getPortableSuite rejects unknown ids', () => {
    for (const bad of ['rsa', 'toString', '__proto__', '']) {
      expect(() => getPortableSuite(bad as SuiteId)).toThrow(
        expect.objectContaining({ code: 'CRYPTO_UNKNOWN_SUITE' }),
      );
    }
  });

  it('secp256k1: signs low-S; both reject the high-S twin and out-of-range r, s', () => {
    const node = getSuite('secp256k1');
    const port = getPortableSuite('secp256k1');
    const kp = port.generateKeyPair();
    const half = SECP256K1_N >> 1n;
    for (let i = 0; i < 20; i++) {
      const msg = utf8(`m${i}`);
      const sig = port.sign(kp.secretKey, msg);
      const s = BigInt(`0x${toHex(sig.subarray(32))}`);
      expect(s <= half).toBe(true);
      const high = Uint8Array.from(sig);
      high.set(bigTo32(SECP256K1_N - s), 32);
      expect(port.verify(kp.publicKey, msg, high)).toBe(false);
      expect(node.verify(kp.publicKey, msg, high)).toBe(false);
    }
    const msg = utf8('x');
    const sig = port.sign(kp.secretKey, msg);
    for (const r of [0n, SECP256K1_N]) {
      const b = Uint8Array.from(sig);
      b.set(bigTo32(r), 0);
      expect(port.verify(kp.publicKey, msg, b)).toBe(false);
      expect(node.verify(kp.publicKey, msg, b)).toBe(false);
    }
  });

  it('sm2 with a custom user ID: portable and node sign identically and cross-verify', () => {
    const kp = getPortableSuite('sm2').generateKeyPair();
    for (const uid of ['alice@example.com', utf8(''), new Uint8Array(100).fill(7)]) {
      const msg = utf8('custom id');
      const a = portableSm2Sign(kp.secretKey, msg, uid);
      expect(toHex(a)).toBe(toHex(sm2Sign(kp.secretKey, msg, uid)));
      expect(sm2Verify(kp.publicKey, msg, a, uid)).toBe(true);
      expect(portableSm2Verify(kp.publicKey, msg, a, uid)).toBe(true);
      expect(portableSm2Verify(kp.publicKey, msg, a)).toBe(false);
    }
  });

  it('ed25519: portable verification follows OpenSSL on small-order and non-canonical points', () => {
    // Crafted inputs where Ed25519 implementations are known to differ (small-order keys and R,
    // non-canonical encodings, S near L): the portable suite must give OpenSSL's answer.
    const node = getSuite('ed25519');
    const port = getPortableSuite('ed25519');
    const P = 2n ** 255n - 19n;
    const L = ed25519.Point.Fn.ORDER;
    const le = (n: bigint): Uint8Array => {
      const b = new Uint8Array(32);
      for (let i = 0; i < 32; i++) {
        b[i] = Number(n & 0xffn);
        n >>= 8n;
      }
      return b;
    };
    const T8 = ed25519.Point.fromBytes(
      fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'),
    );
    expect(T8.isSmallOrder()).toBe(true);
    const encodings: Uint8Array[] = [];
    let q = ed25519.Point.ZERO;
    for (let i = 0; i < 8; i++) {
      const e = q.toBytes();
      const flipped = Uint8Array.from(e);
      flipped[31] = (flipped[31] as number) ^ 0x80;
      encodings.push(e, flipped);
      const y = BigInt(`0x${toHex(Uint8Array.from(e).reverse())}`) & ((1n << 255n) - 1n);
      if (y + P < 1n << 255n) {
        const nc = le(y + P);
        nc[31] = (nc[31] as number) | ((e[31] as number) & 0x80);
        encodings.push(nc);
      }
      q = q.add(T8);
    }
    const kp = port.generateKeyPair();
    encodings.push(kp.publicKey);
    const scalars = [0n, 1n, L - 1n, L, 1n << 253n];
    let accepted = 0;
    for (const a of encodings) {
      for (const r of encodings) {
        for (const s of scalars) {
          for (const msg of [new Uint8Array(0), utf8('hello')]) {
            const sig = new Uint8Array(64);
            sig.set(r, 0);
            sig.set(le(s), 32);
            const want = node.verify(a, msg, sig);
            expect(port.verify(a, msg, sig), `A=${toHex(a)} R=${toHex(r)} S=${s}`).toBe(want);
            if (want) accepted++;
          }
        }
      }
    }
    // Some crafted signatures do verify under OpenSSL's rules (e.g. the identity key): both agree.
    expect(accepted).toBeGreaterThan(0);
  });

  it('genesis validates keys with suite.isPublicKey (compressed EC points only)', () => {
    for (const id of SUITE_IDS) {
      const suite = getPortableSuite(id);
      const admin = suite.generateKeyPair();
      const nodeKey = suite.generateKeyPair();
      const g = (adminHex: string): Genesis => ({
        chain: 'c',
        group: 'g',
        suite: id,
        timestamp: 0,
        params: { ...DEFAULT_PARAMS },
        orgs: [
          {
            id: 'o',
            name: 'O',
            admins: [adminHex],
            nodes: [{ id: 'n', publicKey: toHex(nodeKey.publicKey) }],
          },
        ],
        committee: { members: [{ account: suite.address(admin.publicKey), weight: 1 }], threshold: 100 },
        roles: {},
        permissions: {},
      });
      expect(() => assertValidGenesis(g(toHex(admin.publicKey)), suite)).not.toThrow();
      expect(() => assertValidGenesis(g(toHex(admin.publicKey)), getSuite(id))).not.toThrow();
      const bad = [toHex(admin.publicKey.subarray(1)), 'zz', `${toHex(admin.publicKey)}00`];
      if (id !== 'ed25519') {
        const dec = admin.publicKey.slice();
        dec[0] = 4;
        bad.push(toHex(dec));
      }
      for (const b of bad) {
        expect(() => assertValidGenesis(g(b), suite)).toThrow(
          expect.objectContaining({ code: 'GENESIS_INVALID' }),
        );
      }
    }
  });
});
