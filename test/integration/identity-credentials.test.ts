import { createHash } from 'node:crypto';
import { SDJwtInstance } from '@sd-jwt/core';
import { importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  issueJwtVc,
  issueSdJwtVc,
  presentSdJwtVc,
  QR_MAX_BYTES,
  verifyPresentation,
} from '../../src/credentials/index.js';
import { IdentityNet } from '../../src/demos/health-pass.js';
import type { ResolutionJson } from '../../src/modules/identity/index.js';
import { tempDir } from '../helpers/fixtures.js';

const SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, degree: { type: 'string' }, gpa: { type: 'string' } },
  required: ['name', 'degree'],
  additionalProperties: false,
};

describe('credentials against a node', () => {
  const tmp = tempDir('gongzhi-identity-cred-');
  let net: IdentityNet;

  beforeAll(async () => {
    net = await IdentityNet.start({ dataDir: tmp.dir, log: () => undefined }, 'cred', {
      uni: ['identity-registrar'],
    });
    await net.createDid('uni');
    await net.ok('uni', 'identity', 'recognizeIssuer', { id: net.id('uni'), category: 'university' });
    await net.ok('uni', 'identity', 'registerSchema', {
      schemaId: 1500,
      issuer: net.id('uni'),
      name: 'Degree',
      schema: JSON.stringify(SCHEMA),
    });
    await net.ok('uni', 'identity', 'createStatusList', {
      issuer: net.id('uni'),
      list: 'r',
      purpose: 'revocation',
    });
    await net.createDid('holder');
  });
  afterAll(async () => {
    await net.stop();
    tmp.remove();
  });

  const issue = (claims: Record<string, unknown> = { name: 'Ana', degree: 'BSc', gpa: '3.9' }) =>
    issueSdJwtVc({
      issuer: net.signingKey('uni'),
      subject: net.did('holder'),
      holder: { type: 'ed25519', publicKey: net.key('holder').publicKey },
      schema: { schemaId: 1500, version: 1, schema: SCHEMA },
      vctPrefix: net.prefix,
      claims,
      iat: net.now(),
      exp: net.now() + 3600,
      status: { list: 'r', index: 7, purpose: 'revocation' },
    });

  const issuerJwk = () =>
    (net.group.query('identity', 'resolve', { did: net.did('uni') }) as ResolutionJson).didDocument
      .verificationMethod[0]?.publicKeyJwk;

  it('refuses claims that do not match the registered schema', async () => {
    await expect(issue({ name: 'Ana' })).rejects.toMatchObject({ code: 'IDENTITY_CLAIMS_INVALID' });
    await expect(issue({ name: 'Ana', degree: 'BSc', extra: 1 })).rejects.toMatchObject({
      code: 'IDENTITY_CLAIMS_INVALID',
    });
  });

  it('verifies selective disclosure with holder binding, and rejects replay and wrong audience', async () => {
    const cred = await issue();
    const policy = {
      disclose: ['name', 'degree'],
      nonce: 'n-1',
      aud: 'did:example:employer',
      now: net.now(),
    };
    const vp = await presentSdJwtVc(cred, net.signingKey('holder'), { ...policy, iat: net.now() });
    expect(vp).not.toContain('3.9');
    expect(vp.length).toBeLessThanOrEqual(QR_MAX_BYTES);
    const r = await verifyPresentation(net.reader, vp, { ...policy, category: 'university', schemaId: 1500 });
    expect(r.valid).toBe(true);
    expect(r.claims).toEqual({ name: 'Ana', degree: 'BSc' });
    const replay = await verifyPresentation(net.reader, vp, { ...policy, nonce: 'n-2' });
    expect(replay.valid).toBe(false);
    const aud = await verifyPresentation(net.reader, vp, { ...policy, aud: 'did:example:other' });
    expect(aud.checks.find((c) => c.name === 'holderBinding')?.ok).toBe(false);
    const wrongCat = await verifyPresentation(net.reader, vp, { ...policy, category: 'hospital' });
    expect(wrongCat.checks.find((c) => c.name === 'issuerRecognised')?.ok).toBe(false);
    const tampered = `${vp.slice(0, 40)}${vp[40] === 'A' ? 'B' : 'A'}${vp.slice(41)}`;
    expect((await verifyPresentation(net.reader, tampered, policy)).valid).toBe(false);
  });

  it('a presentation disclosing every claim stays within one QR code (QR_MAX_BYTES)', async () => {
    const cred = await issue();
    const vp = await presentSdJwtVc(cred, net.signingKey('holder'), {
      disclose: ['name', 'degree', 'gpa'],
      nonce: 'x'.repeat(32),
      aud: net.did('uni'),
      iat: net.now(),
    });
    // ≈1.7 KB with all three claims, status entry and key binding: fits QR v40-L (2953 bytes).
    expect(vp.length).toBeGreaterThan(1000);
    expect(vp.length).toBeLessThan(2000);
  });

  it('independent verifiers: jose jwtVerify on the VC-JWT, the generic SD-JWT verifier on the SD-JWT VC', async () => {
    const jwk = issuerJwk();
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    const key = await importJWK(jwk as unknown as Parameters<typeof importJWK>[0], 'EdDSA');

    const jwt = issueJwtVc({
      issuer: net.signingKey('uni'),
      subject: net.did('holder'),
      schema: { schemaId: 1500, version: 1, schema: SCHEMA },
      vctPrefix: net.prefix,
      claims: { name: 'Ana', degree: 'BSc' },
      iat: net.now(),
      exp: net.now() + 3600,
      type: 'DegreeCredential',
    });
    const { payload, protectedHeader } = await jwtVerify(jwt, key, { issuer: net.did('uni'), typ: 'vc+jwt' });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: `${net.did('uni')}#key-1` });
    expect(payload).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      credentialSubject: { id: net.did('holder'), degree: 'BSc' },
    });

    const cred = await issue();
    // The issuer-signed part of the SD-JWT is an ordinary JWS: jose verifies it too.
    const issuerJwt = cred.split('~')[0] as string;
    const { payload: sdPayload } = await jwtVerify(issuerJwt, key, { typ: 'dc+sd-jwt' });
    expect(sdPayload._sd_alg).toBe('sha-256');
    // The generic SD-JWT verifier (no Gongzhi code), with a jose-based signature check.
    const generic = new SDJwtInstance({
      hasher: (data: string | ArrayBuffer) =>
        new Uint8Array(
          createHash('sha256')
            .update(typeof data === 'string' ? data : new Uint8Array(data))
            .digest(),
        ),
      verifier: async (data: string, sig: string) => {
        try {
          await jwtVerify(`${data}.${sig}`, key);
          return true;
        } catch {
          return false;
        }
      },
    });
    const { payload: disclosed } = await generic.verify(cred);
    expect(disclosed).toMatchObject({ iss: net.did('uni'), name: 'Ana', degree: 'BSc', gpa: '3.9' });
  });

  it('sees revocation at once and anchors the digest through the evidence module', async () => {
    const cred = await issue();
    const policy = { disclose: ['degree'], nonce: 'n-9', aud: 'v', now: net.now(), requireAnchor: true };
    const present = async () =>
      verifyPresentation(
        net.reader,
        await presentSdJwtVc(cred, net.signingKey('holder'), { ...policy, iat: net.now() }),
        policy,
      );
    expect((await present()).checks.find((c) => c.name === 'anchor')?.ok).toBe(false);
    const { credentialDigest } = await import('../../src/credentials/index.js');
    await net.ok('uni', 'evidence', 'anchor', {
      digest: credentialDigest(cred),
      alg: 'sha256',
      meta: { type: 'credential', capturedBy: net.did('uni'), capturedAt: Date.now(), method: 'sd-jwt-vc' },
    });
    expect((await present()).valid).toBe(true);
    await net.ok('uni', 'identity', 'setStatus', {
      issuer: net.id('uni'),
      list: 'r',
      indexes: [7],
      value: true,
    });
    const after = await present();
    expect(after.valid).toBe(false);
    expect(after.checks.find((c) => c.name === 'status')).toMatchObject({
      ok: false,
      detail: 'revocation bit set',
    });
  });
});
