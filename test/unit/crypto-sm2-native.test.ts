import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { portableRandomBytes, portableSm2Suite, portableSm2Verify } from '../../src/crypto/portable.js';
import { sm2DecompressPoint, sm2Sign, sm2Suite, sm2Verify } from '../../src/crypto/sm2.js';
import { createSm2 } from '../../src/crypto/sm2-core.js';
import { loadSm2Native, sm2NativeUnavailableReason, sm2VerifyBackend } from '../../src/crypto/sm2-native.js';
import { hmacSm3, sm3 } from '../../src/crypto/sm3.js';
import { fromHex } from '../../src/encoding/bytes.js';

// The native verifier (native/sm2, built by `npm install`) must give exactly the portable answers.
// When the build was impossible on this machine the cross-checks cannot run; the fallback test
// below still runs and the skip names the reason.

const native = loadSm2Native();
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

const vector = JSON.parse(readFileSync(new URL('../vectors/crypto/sm2.json', import.meta.url), 'utf8')) as {
  publicKey: string;
  message: string;
  signature: string;
};

function be32(n: bigint): Uint8Array {
  return fromHex(n.toString(16).padStart(64, '0'));
}

const MAX = (1n << 256n) - 1n;

function sig(r: bigint, s: bigint): Uint8Array {
  // Values past 256 bits are clamped to the largest one (still out of range).
  r = r > MAX ? MAX : r;
  s = s > MAX ? MAX : s;
  const out = new Uint8Array(64);
  out.set(be32(r), 0);
  out.set(be32(s), 32);
  return out;
}

/** Both verifiers' answers for one input; the test asserts they agree. */
function both(pub: Uint8Array, msg: Uint8Array, signature: Uint8Array, userId?: string): [boolean, boolean] {
  return userId === undefined
    ? [sm2Suite.verify(pub, msg, signature), portableSm2Suite.verify(pub, msg, signature)]
    : [sm2Verify(pub, msg, signature, userId), portableSm2Verify(pub, msg, signature, userId)];
}

describe.skipIf(native === undefined)(
  `native SM2 verifier (${sm2NativeUnavailableReason ?? 'built'})`,
  () => {
    it('is the backend of the node suite', () => {
      expect(sm2VerifyBackend()).toBe('native');
    });

    it('accepts the golden vector and refuses every one-bit change of it', () => {
      const pub = fromHex(vector.publicKey);
      const msg = fromHex(vector.message);
      const good = fromHex(vector.signature);
      expect(both(pub, msg, good)).toEqual([true, true]);
      for (let bit = 0; bit < 512; bit += 7) {
        const bad = Uint8Array.from(good);
        bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
        expect(both(pub, msg, bad)).toEqual([false, false]);
      }
    });

    it('agrees with the portable verifier on random keys, messages and tampering', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.uint8Array({ maxLength: 200 }),
          fc.nat(),
          fc.constantFrom('sig', 'msg', 'none'),
          (seed, msg, where, what) => {
            const d = (BigInt(`0x${Buffer.from(seed).toString('hex')}`) % (N - 2n)) + 1n;
            const sk = be32(d);
            const pub = sm2Suite.publicKeyFromSecret(sk);
            const s = sm2Suite.sign(sk, msg);
            let m = msg;
            if (what === 'sig') s[where % 64] = (s[where % 64] as number) ^ (1 << (where % 8));
            if (what === 'msg') m = Uint8Array.from([...msg, where & 0xff]);
            const [a, b] = both(pub, m, s);
            expect(a).toBe(b);
            expect(a).toBe(what === 'none');
          },
        ),
        { numRuns: 60 },
      );
    });

    it('agrees on random signature bytes and on scalars at the range edges', () => {
      const kp = sm2Suite.generateKeyPair();
      const msg = new TextEncoder().encode('edges');
      const good = sm2Suite.sign(kp.secretKey, msg);
      const r = BigInt(`0x${Buffer.from(good.subarray(0, 32)).toString('hex')}`);
      const s = BigInt(`0x${Buffer.from(good.subarray(32)).toString('hex')}`);
      const cases = [
        sig(0n, s),
        sig(r, 0n),
        sig(N, s),
        sig(r, N),
        sig(r + N, s),
        sig(r, s + N),
        sig(r, N - r), // t = 0
        sig(N - 1n, N - 1n),
        sig((1n << 256n) - 1n, s),
      ];
      for (const c of cases) expect(both(kp.publicKey, msg, c)).toEqual([false, false]);
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (raw) => {
          expect(both(kp.publicKey, msg, raw)).toEqual([false, false]);
        }),
        { numRuns: 40 },
      );
    });

    it('agrees on malformed public keys and signature lengths', () => {
      const kp = sm2Suite.generateKeyPair();
      const msg = new TextEncoder().encode('keys');
      const good = sm2Suite.sign(kp.secretKey, msg);
      const offCurve = Uint8Array.from(kp.publicKey);
      offCurve[32] = (offCurve[32] as number) ^ 1;
      const keys = [
        new Uint8Array(33),
        offCurve,
        sm2DecompressPoint(kp.publicKey),
        kp.publicKey.subarray(1),
        Uint8Array.from([4, ...kp.publicKey.subarray(1)]),
      ];
      for (const k of keys) {
        const [a, b] = both(k, msg, good);
        expect(a).toBe(b);
      }
      for (const bad of [good.subarray(0, 63), Uint8Array.from([...good, 0]), new Uint8Array(0)]) {
        expect(both(kp.publicKey, msg, bad)).toEqual([false, false]);
      }
    });

    it('agrees with an explicit user ID (Z computed in TypeScript, arithmetic native)', () => {
      const kp = sm2Suite.generateKeyPair();
      const msg = new TextEncoder().encode('with id');
      const s = sm2Sign(kp.secretKey, msg, 'alice@example.org');
      expect(both(kp.publicKey, msg, s, 'alice@example.org')).toEqual([true, true]);
      expect(both(kp.publicKey, msg, s)).toEqual([false, false]);
    });

    it('the addon itself never throws and reads views at their offset', () => {
      const arith = native as NonNullable<typeof native>;
      const pub = sm2DecompressPoint(fromHex(vector.publicKey));
      const e = fromHex('c9c34ecfafea76f9a3a2b04616564d8bfc341caa7fdf45609602df07f01f6f9a');
      const s = fromHex(vector.signature);
      expect(arith.verify(pub, e, s)).toBe(true);
      // The same bytes inside larger buffers.
      const host = new Uint8Array(300);
      host.set(pub, 7);
      host.set(e, 90);
      host.set(s, 150);
      expect(arith.verify(host.subarray(7, 72), host.subarray(90, 122), host.subarray(150, 214))).toBe(true);
      expect(arith.verify(pub.subarray(1), e, s)).toBe(false);
      expect(arith.verify(pub, e.subarray(1), s)).toBe(false);
      expect(arith.verify(pub, e, s.subarray(1))).toBe(false);
      // Wrong argument types, as plain JavaScript could pass them.
      const verify = arith.verify;
      expect(Reflect.apply(verify, undefined, [])).toBe(false);
      expect(Reflect.apply(verify, undefined, ['x', e, s])).toBe(false);
      expect(Reflect.apply(verify, undefined, [new Uint16Array(65), e, s])).toBe(false);
      expect(Reflect.apply(verify, undefined, [{}, e, s])).toBe(false);
    });

    it('prepared keys: same answers, nothing for off-curve keys, nothing once released', () => {
      const arith = native as NonNullable<typeof native>;
      const pub = sm2DecompressPoint(fromHex(vector.publicKey));
      const e = fromHex('c9c34ecfafea76f9a3a2b04616564d8bfc341caa7fdf45609602df07f01f6f9a');
      const s = fromHex(vector.signature);
      const key = arith.prepare(pub);
      expect(key).toBeDefined();
      if (key === undefined) return;
      expect(arith.verify(key, e, s)).toBe(true);
      const bad = Uint8Array.from(s);
      bad[0] = (bad[0] as number) ^ 0x80;
      expect(arith.verify(key, e, bad)).toBe(false);
      expect(arith.verify(key, Uint8Array.from(e).fill(0), s)).toBe(false);
      arith.release(key);
      arith.release(key);
      expect(arith.verify(key, e, s)).toBe(false);
      const offCurve = Uint8Array.from(pub);
      offCurve[64] = (offCurve[64] as number) ^ 1;
      expect(arith.prepare(offCurve)).toBeUndefined();
      expect(arith.prepare(pub.subarray(1))).toBeUndefined();
      expect(Reflect.apply(arith.prepare, undefined, ['x'])).toBeUndefined();
    });

    it('more keys than the table cache holds: answers stay right as tables are built and evicted', () => {
      // A small cache so that tables are evicted (and released) while their keys are still in use.
      const sm2 = createSm2({
        sm3: (...parts) => sm3(...parts),
        hmacSm3,
        randomBytes: portableRandomBytes,
        native,
        preparedKeys: 4,
      });
      const keys = Array.from({ length: 12 }, () => sm2Suite.generateKeyPair());
      const msg = new TextEncoder().encode('eviction');
      const sigs = keys.map((k) => sm2Suite.sign(k.secretKey, msg));
      for (let round = 0; round < 6; round++) {
        keys.forEach((k, i) => {
          expect(sm2.verify(k.publicKey, msg, sigs[i] as Uint8Array)).toBe(true);
          expect(sm2.verify(k.publicKey, msg, sigs[(i + 1) % keys.length] as Uint8Array)).toBe(false);
        });
      }
    });
  },
);

describe('native SM2 fallback', () => {
  it('GONGZHI_SM2_NATIVE=0 selects the portable arithmetic, and SM2 still verifies', async () => {
    vi.resetModules();
    vi.stubEnv('GONGZHI_SM2_NATIVE', '0');
    try {
      const loader = await import('../../src/crypto/sm2-native.js');
      expect(loader.sm2VerifyBackend()).toBe('portable');
      expect(loader.sm2NativeUnavailableReason).toMatch(/GONGZHI_SM2_NATIVE=0/);
      const suite = (await import('../../src/crypto/sm2.js')).sm2Suite;
      const pub = fromHex(vector.publicKey);
      expect(suite.verify(pub, fromHex(vector.message), fromHex(vector.signature))).toBe(true);
      expect(suite.verify(pub, fromHex(vector.message), new Uint8Array(64))).toBe(false);
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});
