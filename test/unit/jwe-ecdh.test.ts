import { CompactEncrypt, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { decryptResponse, jweHeader, newResponseKey } from '../../src/credentials/jwe-ecdh.js';
import { isGongzhiError } from '../../src/errors/index.js';

/**
 * The encrypted OpenID4VP response example of OpenID4VP 1.0 §8.3 (its private key is printed
 * there), and JWEs made by jose: the verifier's ECDH-ES / Concat KDF / AES-GCM must agree.
 */
const SPEC_KEY = {
  kty: 'EC',
  kid: 'ac',
  use: 'enc',
  crv: 'P-256',
  alg: 'ECDH-ES',
  x: 'YO4epjifD-KWeq1sL2tNmm36BhXnkJ0He-WqMYrp9Fk',
  y: 'Hekpm0zfK7C-YccH5iBjcIXgf6YdUvNUac_0At55Okk',
  d: 'Et-3ce0omz8_TuZ96Df9lp0GAaaDoUnDe6X-CRO7Aww',
};
const SPEC_JWE =
  'eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTEyOEdDTSIsImtpZCI6ImFjIiwiZXBrIjp7Imt0eSI6IkVDIiwieCI6Im5ubVZwbTNWM2piaGNhZlFhUkJrU1ZOSGx3Wkh3dC05ck9wSnVmeVlJdWsiLCJ5IjoicjRmakRxd0p5czlxVU9QLV9iM21SNVNaRy0tQ3dPMm1pYzVWU05UWU45ZyIsImNydiI6IlAtMjU2In19' +
  '..uAYcHRUSSn2X0WPX.yVzlGSYG4qbg0bq18JcUiDRw56yVnbKR8E7S7YlEtzT00RqE3Pw5oTpUG3hdLN4taHZ9gC1kwak8JOnJgQ.1wR024_3-qtAlx1oFIUpQQ';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return isGongzhiError(e) ? e.code : 'other';
  }
  return undefined;
};

describe('direct_post.jwt decryption (ECDH-ES, P-256)', () => {
  it('decrypts the specification’s example response', () => {
    expect(jweHeader(SPEC_JWE)).toMatchObject({ alg: 'ECDH-ES', enc: 'A128GCM', kid: 'ac' });
    expect(decryptResponse(SPEC_JWE, SPEC_KEY)).toEqual({
      vp_token: { example_credential_id: ['eyJhb...YMetA'] },
    });
  });

  it('decrypts what jose encrypts to a fresh key, with A128GCM and A256GCM, apu/apv included', async () => {
    const { publicJwk, privateJwk } = newResponseKey('k1');
    for (const enc of ['A128GCM', 'A256GCM']) {
      const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ state: enc })))
        .setProtectedHeader({ alg: 'ECDH-ES', enc, kid: 'k1' })
        .setKeyManagementParameters({
          apu: new TextEncoder().encode('wallet'),
          apv: new TextEncoder().encode('nonce'),
        })
        .encrypt(await importJWK(publicJwk as JWK, 'ECDH-ES'));
      expect(decryptResponse(jwe, privateJwk)).toEqual({ state: enc });
    }
  });

  it('refuses another key, a flipped tag, another alg or enc, and non-JWE input, with one code', async () => {
    const other = newResponseKey('k2');
    expect(codeOf(() => decryptResponse(SPEC_JWE, other.privateJwk))).toBe('IDENTITY_OID4VP_BAD_ENCRYPTION');
    const parts = SPEC_JWE.split('.');
    const tag = parts[4] ?? '';
    parts[4] = `${tag[0] === 'A' ? 'B' : 'A'}${tag.slice(1)}`;
    expect(codeOf(() => decryptResponse(parts.join('.'), SPEC_KEY))).toBe('IDENTITY_OID4VP_BAD_ENCRYPTION');
    const { publicJwk } = newResponseKey('k3');
    const kw = await new CompactEncrypt(new TextEncoder().encode('{}'))
      .setProtectedHeader({ alg: 'ECDH-ES+A128KW', enc: 'A128GCM' })
      .encrypt(await importJWK({ ...publicJwk, alg: 'ECDH-ES+A128KW' } as JWK, 'ECDH-ES+A128KW'));
    expect(codeOf(() => decryptResponse(kw, SPEC_KEY))).toBe('IDENTITY_OID4VP_BAD_ENCRYPTION');
    const cbc = await new CompactEncrypt(new TextEncoder().encode('{}'))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128CBC-HS256' })
      .encrypt(await importJWK(publicJwk as JWK, 'ECDH-ES'));
    expect(codeOf(() => decryptResponse(cbc, SPEC_KEY))).toBe('IDENTITY_OID4VP_BAD_ENCRYPTION');
    expect(codeOf(() => decryptResponse('a.b.c', SPEC_KEY))).toBe('IDENTITY_OID4VP_BAD_ENCRYPTION');
  });
});
