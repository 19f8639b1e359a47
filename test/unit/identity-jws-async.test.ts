import { describe, expect, it } from 'vitest';
import { jwsSign, jwsVerify, jwsVerifyAsync, publicJwk } from '../../src/credentials/index.js';
import { getSuite, type SuiteId } from '../../src/crypto/index.js';
import { toBase64Url } from '../../src/encoding/index.js';

/**
 * The thread-pool signature check (the verifier's key-binding JWT and VC-JWT signature) answers
 * exactly as the in-line one: true for a good signature only, false — never a rejection — for a
 * changed input, a changed or short signature, another key, or a key that is no JWK at all.
 */
const cases = (type: SuiteId) => {
  const key = { type, ...getSuite(type).generateKeyPair() };
  const other = { type, ...getSuite(type).generateKeyPair() };
  const input = 'eyJhbGciOiJFZERTQSJ9.eyJub25jZSI6Im4tMSJ9';
  const sig = jwsSign(key, input);
  const flipped = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
  return [
    { name: 'good', jwk: publicJwk(key), input, sig, ok: true },
    { name: 'changed input', jwk: publicJwk(key), input: `${input}x`, sig, ok: false },
    { name: 'changed signature', jwk: publicJwk(key), input, sig: flipped, ok: false },
    { name: 'short signature', jwk: publicJwk(key), input, sig: toBase64Url(new Uint8Array(63)), ok: false },
    { name: 'another key', jwk: publicJwk(other), input, sig, ok: false },
    { name: 'no JWK', jwk: { kty: 'OKP', crv: 'Ed25519', x: 'not-a-key' }, input, sig, ok: false },
    { name: 'nothing', jwk: undefined, input, sig, ok: false },
  ];
};

describe('jwsVerifyAsync', () => {
  for (const type of ['ed25519', 'secp256k1'] as const) {
    for (const c of cases(type)) {
      it(`${type}: ${c.name} → ${c.ok}, as jwsVerify`, async () => {
        await expect(jwsVerifyAsync(c.jwk, c.input, c.sig)).resolves.toBe(c.ok);
        expect(jwsVerify(c.jwk, c.input, c.sig)).toBe(c.ok);
      });
    }
  }

  it('many checks in flight at once each get their own answer', async () => {
    const key = { type: 'ed25519' as const, ...getSuite('ed25519').generateKeyPair() };
    const inputs = Array.from({ length: 64 }, (_, i) => `input-${i}`);
    const sigs = inputs.map((i) => jwsSign(key, i));
    // Every other signature belongs to the next input: those must fail, the rest pass.
    const answers = await Promise.all(
      inputs.map((inp, i) => jwsVerifyAsync(publicJwk(key), inp, sigs[i % 2 === 0 ? i : (i + 1) % 64] ?? '')),
    );
    expect(answers).toEqual(inputs.map((_, i) => i % 2 === 0));
  });
});
