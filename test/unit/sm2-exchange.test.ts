import { createECDH, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSm2Exchange, sm2Exchange } from '../../src/crypto/sm2-exchange.js';
import { fromHex, toHex } from '../../src/encoding/index.js';

const sm3 = (...parts: Uint8Array[]) => {
  const h = createHash('sm3');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/**
 * GB/T 32918.3-2016 Appendix A (A.2): the worked example on the standard's 256-bit test curve,
 * IDs ALICE123@YAHOO.COM / BILL456@YAHOO.COM, klen = 128 bits.
 */
const TEST_CURVE = {
  p: 0x8542d69e4c044f18e8b92435bf6ff7de457283915c45517d722edb8b08f1dfc3n,
  a: 0x787968b4fa32c3fd2417842e73bbfeff2f3c848b6831d7e0ec65228b3937e498n,
  b: 0x63e4c6d3b23b0c849cf84241484bfe48f61d59a5b16ba06e6e12d1da27c5249an,
  n: 0x8542d69e4c044f18e8b92435bf6ff7dd297720630485628d5ae74ee7c32e79b7n,
  Gx: 0x421debd61b62eab6746434ebc3cc315e32220b3badd50bdc4c4e6c147fedd43dn,
  Gy: 0x0680512bcbb42c07d47349d2153b70c4e5d7fdfcbfa36ea1a85841b9e46e09a2n,
};
const V = {
  dA: '6fcba2ef9ae0ab902bc3bde3ff915d44ba4cc78f88e2f8e7f8996d3b8cceedee',
  rA: '83a2c9c8b96e5af70bd480b472409a9a327257f1ebb73f5b073354b248668563',
  dB: '5e35d7d3f3c54dbac72e61819e730b019a84208ca3a35e4c2e353dfccb2a3b53',
  rB: '33fe21940342161c55619c4a0c060293d543c80af19748ce176d83477de71c80',
  idA: 'ALICE123@YAHOO.COM',
  idB: 'BILL456@YAHOO.COM',
  K: '55b0ac62a6b927ba23703832c853ded4',
  SB: '284c8f198f141b502e81250f1581c7e9eeb4ca6990f9e02df388b45471f5bc5c',
  SA: '23444daf8ed7534366cb901c84b3bdbb63504f4065c1116c91a4c00697e6cf7a',
};

describe('SM2 key exchange (GB/T 32918.3)', () => {
  it('reproduces the standard’s worked example: K, S_B and S_A on both sides', () => {
    const x = createSm2Exchange(TEST_CURVE, sm3, () => new Uint8Array(32));
    const a = { secretKey: fromHex(V.dA), ephemeralSecret: fromHex(V.rA), userId: V.idA };
    const b = { secretKey: fromHex(V.dB), ephemeralSecret: fromHex(V.rB), userId: V.idB };
    const pub = (s: { secretKey: Uint8Array; ephemeralSecret: Uint8Array; userId: string }) => ({
      publicKey: x.publicKey(s.secretKey),
      ephemeral: x.publicKey(s.ephemeralSecret),
      userId: s.userId,
    });
    const atA = x.initiator(a, pub(b), 16);
    const atB = x.responder(b, pub(a), 16);
    expect(toHex(atA.key)).toBe(V.K);
    expect(toHex(atB.key)).toBe(V.K);
    expect(toHex(atB.confirmB)).toBe(V.SB);
    expect(toHex(atA.confirmB)).toBe(V.SB);
    expect(toHex(atA.confirmA)).toBe(V.SA);
    expect(toHex(atB.confirmA)).toBe(V.SA);
  });

  it('agrees on the recommended curve with fresh keys; a different static key gives a different key', () => {
    const s = () => sm2Exchange.ephemeral().secret;
    const a = { secretKey: s(), ephemeralSecret: s() };
    const b = { secretKey: s(), ephemeralSecret: s() };
    const view = (k: { secretKey: Uint8Array; ephemeralSecret: Uint8Array }) => ({
      publicKey: sm2Exchange.publicKey(k.secretKey),
      ephemeral: sm2Exchange.publicKey(k.ephemeralSecret),
    });
    const atA = sm2Exchange.initiator(a, view(b), 48);
    const atB = sm2Exchange.responder(b, view(a), 48);
    expect(atA.key).toHaveLength(48);
    expect(toHex(atA.key)).toBe(toHex(atB.key));
    expect(toHex(atA.confirmB)).toBe(toHex(atB.confirmB));
    // An impostor with B's ephemeral key but another static key cannot produce B's key or S_B.
    const impostor = sm2Exchange.responder(
      { secretKey: s(), ephemeralSecret: b.ephemeralSecret },
      view(a),
      48,
    );
    expect(toHex(impostor.key)).not.toBe(toHex(atA.key));
    expect(toHex(impostor.confirmB)).not.toBe(toHex(atA.confirmB));
  });

  it('uses the same curve as OpenSSL’s SM2: public keys and an ECDH product match node:crypto', () => {
    const o = createECDH('SM2');
    o.generateKeys();
    const secret = new Uint8Array(o.getPrivateKey());
    expect(toHex(sm2Exchange.publicKey(secret))).toBe(
      toHex(new Uint8Array(o.getPublicKey(null, 'compressed'))),
    );
    const other = sm2Exchange.ephemeral();
    const shared = o.computeSecret(Buffer.from(other.point));
    const p = createECDH('SM2');
    p.setPrivateKey(Buffer.from(other.secret));
    expect(toHex(new Uint8Array(p.computeSecret(o.getPublicKey())))).toBe(toHex(new Uint8Array(shared)));
  });

  it('refuses a point off the curve and out-of-range scalars (CRYPTO_BAD_KEY)', () => {
    const k = sm2Exchange.ephemeral();
    const self = { secretKey: k.secret, ephemeralSecret: k.secret };
    const bad = new Uint8Array(33).fill(7);
    expect(() => sm2Exchange.initiator(self, { publicKey: bad, ephemeral: k.point }, 16)).toThrow(
      expect.objectContaining({ code: 'CRYPTO_BAD_KEY' }),
    );
    expect(() =>
      sm2Exchange.initiator(
        { secretKey: new Uint8Array(32), ephemeralSecret: k.secret },
        { publicKey: k.point, ephemeral: k.point },
        16,
      ),
    ).toThrow(expect.objectContaining({ code: 'CRYPTO_BAD_KEY' }));
  });
});
