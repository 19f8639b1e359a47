/**
 * The SDK's browser-side SD-JWT VC issuer (src/sdk/credential-issue.ts) against the node-side
 * one (src/credentials): the same payload and header for the same input, a presentation of it
 * made and verified by the node's code, and each bad input refused with its code.
 */
import { describe, expect, it } from 'vitest';
import {
  issueSdJwtVc,
  presentSdJwtVc,
  publicJwk,
  verifySdJwtSignatures,
} from '../../src/credentials/index.js';
import { getSuite } from '../../src/crypto/suites.js';
import { fromBase64Url } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import { issueSdJwtVcInBrowser, publicJwkOf } from '../../src/sdk/index.js';

const SCHEMA = {
  schemaId: 1001,
  version: 2,
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      birthYear: { type: 'integer' },
      level: { enum: ['A', 'B'] },
    },
    required: ['name'],
    additionalProperties: false,
  },
};

function jwtParts(sdJwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = (sdJwt.split('~')[0] ?? '').split('.');
  const dec = (x: string | undefined) => JSON.parse(new TextDecoder().decode(fromBase64Url(x ?? '')));
  return { header: dec(h), payload: dec(p) };
}

function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'no error',
    (e: unknown) => (isGongzhiError(e) ? e.code : `not a GongzhiError: ${String(e)}`),
  );
}

describe.each(['ed25519', 'secp256k1'] as const)('SD-JWT VC issued by the SDK (%s)', (type) => {
  const suite = getSuite(type);
  const issuerKp = suite.generateKeyPair();
  const holderKp = suite.generateKeyPair();
  const kid = 'did:gongzhi:c1:main:gzissuer#key-1';
  const input = {
    issuer: { type, ...issuerKp, kid },
    subject: 'did:gongzhi:c1:main:gzholder',
    holder: { type, publicKey: holderKp.publicKey },
    schema: SCHEMA,
    vctPrefix: 'did:gongzhi:c1:main',
    claims: { name: 'Li Hua', birthYear: 1990, level: 'A' },
    iat: 1_700_000_000,
    exp: 1_800_000_000,
    status: { list: 'rev', index: 7 },
  };

  it('has the node issuer’s header and payload (salts and digests aside)', async () => {
    const mine = jwtParts(await issueSdJwtVcInBrowser(input));
    const node = jwtParts(
      await issueSdJwtVc({ ...input, status: { ...input.status, purpose: 'revocation' as const } }),
    );
    expect(mine.header).toEqual(node.header);
    const strip = (p: Record<string, unknown>) => ({ ...p, _sd: (p._sd as unknown[]).length });
    expect(strip(mine.payload)).toEqual(strip(node.payload));
    expect(publicJwkOf(type, holderKp.publicKey)).toEqual(publicJwk({ type, publicKey: holderKp.publicKey }));
  });

  it('is presented and verified by the node’s code, disclosing only what the holder chose', async () => {
    const credential = await issueSdJwtVcInBrowser(input);
    const vp = await presentSdJwtVc(
      credential,
      { type, ...holderKp },
      {
        disclose: ['name'],
        nonce: 'n-1',
        aud: 'https://verifier.example',
        iat: 1_700_000_100,
      },
    );
    const r = await verifySdJwtSignatures(vp, publicJwk({ type, publicKey: issuerKp.publicKey }), {
      nonce: 'n-1',
      now: 1_700_000_200,
    });
    expect(r.payload.name).toBe('Li Hua');
    expect(r.payload.birthYear).toBeUndefined();
    expect(r.payload.iss).toBe('did:gongzhi:c1:main:gzissuer');
    // Another issuer key does not verify it.
    const other = suite.generateKeyPair();
    expect(
      await codeOf(
        verifySdJwtSignatures(vp, publicJwk({ type, publicKey: other.publicKey }), { nonce: 'n-1' }),
      ),
    ).not.toBe('no error');
  });

  it('refuses claims out of the schema’s shape with SDK_CLAIMS_INVALID', async () => {
    const bad: Record<string, unknown>[] = [
      { birthYear: 1990 },
      { name: 7 },
      { name: 'x', birthYear: 1.5 },
      { name: 'x', level: 'C' },
      { name: 'x', nickname: 'y' },
    ];
    for (const claims of bad) {
      expect(await codeOf(issueSdJwtVcInBrowser({ ...input, claims }))).toBe('SDK_CLAIMS_INVALID');
    }
    expect(await codeOf(issueSdJwtVcInBrowser({ ...input, issuer: { ...input.issuer, kid: 'key-1' } }))).toBe(
      'SDK_CLAIMS_INVALID',
    );
    expect(await codeOf(issueSdJwtVcInBrowser({ ...input, exp: input.iat }))).toBe('SDK_CLAIMS_INVALID');
    expect(
      await codeOf(
        issueSdJwtVcInBrowser({ ...input, holder: { type, publicKey: new Uint8Array(33).fill(9) } }),
      ),
    ).toBe('CRYPTO_BAD_KEY');
  });
});

it('an sm2 key cannot sign a credential: SDK_UNSUPPORTED_ALG', async () => {
  const kp = getSuite('sm2').generateKeyPair();
  const code = await codeOf(
    issueSdJwtVcInBrowser({
      issuer: { type: 'sm2', ...kp, kid: 'did:gongzhi:c:g:gzx#key-1' },
      subject: 'did:gongzhi:c:g:gzy',
      holder: { type: 'sm2', publicKey: kp.publicKey },
      schema: SCHEMA,
      vctPrefix: 'did:gongzhi:c:g',
      claims: { name: 'x' },
      iat: 1,
      exp: 2,
    }),
  );
  expect(code).toBe('SDK_UNSUPPORTED_ALG');
});
